package org.odegen.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.odegen.net.Agreement;
import org.odegen.net.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen agreement}: float vs fixed-point twins on random inputs, per variant. */
@Command(name = "agreement", mixinStandardHelpOptions = true,
        description = "Agreement of the fixed-point twin with the float twin on random inputs: "
                + "max |logit difference| and top-1 agreement, per variant.")
final class AgreementCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions net;

    @Option(names = "--images", defaultValue = "8", description = "random images per variant (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--all", description = "every variant (default: the one of --variant)")
    boolean all;

    @Override
    public Integer call() throws Exception {
        List<Variant> variants = all ? List.of(Variant.values()) : List.of(Variant.parse(net.choice.variant));
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-16s %-7s %7s %22s %18s%n", "network", "format", "images", "max |logit diff|",
                "top-1 agreement");
        List<Agreement> results = new ArrayList<>();
        for (Variant v : variants) {
            Agreement a = Agreement.measure(net.network(v), images, net.seed + 1);
            results.add(a);
            out.printf(Locale.ROOT, "%-16s %-7s %7d %22.3e %17.1f%%%n", a.spec().name(), net.format, a.images(),
                    a.maxLogitDifference(), 100 * a.top1AgreementRate());
            out.flush();
        }
        return 0;
    }
}
