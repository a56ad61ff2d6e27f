package org.odegen.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.odegen.net.LayerRow;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen network}: the layer table of a network, or Figure 5 for all of them. */
@Command(name = "network", mixinStandardHelpOptions = true,
        description = "Layer table of one variant and depth (blocks, executions, parameters, kB), "
                + "or with --all the parameter sizes of every variant and depth with the reduction against ResNet (Figure 5).")
final class NetworkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkChoice choice;

    @Option(names = "--all", description = "Figure 5: every variant at every depth")
    boolean all;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (all) {
            out.print(figure5());
        } else {
            out.print(layerTable(choice.spec()));
        }
        out.flush();
        return 0;
    }

    static String layerTable(NetworkSpec net) {
        StringBuilder sb = new StringBuilder();
        sb.append(net.name()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9s %10s %8s %10s%n",
                "layer", "output", "block", "instances", "executions", "params", "kB"));
        for (LayerRow r : net.rows()) {
            String shape = r.stage().outSize() == 1 ? "1x" + r.stage().outChannels()
                    : r.stage().outSize() + "x" + r.stage().outSize() + "x" + r.stage().outChannels();
            String kind = r.instances() == 0 ? "-" : r.kind().name().toLowerCase(Locale.ROOT);
            sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9d %10d %8d %10.2f%n", r.stage().id(), shape, kind,
                    r.instances(), r.executions(), r.params(), r.kilobytes()));
        }
        sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9s %10s %8d %10.2f%n", "total", "", "", "", "",
                net.params(), net.kilobytes()));
        return sb.toString();
    }

    static String figure5() {
        StringBuilder sb = new StringBuilder();
        sb.append("Parameter size [kB] and reduction against ResNet-N (Figure 5)\n");
        sb.append(String.format(Locale.ROOT, "%-12s", "variant"));
        for (int n : Variant.DEPTHS) {
            sb.append(String.format(Locale.ROOT, " %20s", "N=" + n));
        }
        sb.append('\n');
        for (Variant v : Variant.values()) {
            sb.append(String.format(Locale.ROOT, "%-12s", v.paperName()));
            for (int n : Variant.DEPTHS) {
                NetworkSpec s = NetworkSpec.of(v, n);
                sb.append(String.format(Locale.ROOT, " %9.2f kB (%6.2f%%)", s.kilobytes(), s.reductionVsResNet()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
