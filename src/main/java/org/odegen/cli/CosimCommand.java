package org.odegen.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.odegen.net.Agreement;
import org.odegen.net.Network;
import org.odegen.rtl.BlockSimulator;
import org.odegen.rtl.RtlExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen cosim}: the whole network in Java with its ODEBlocks run by the Verilated RTL. */
@Command(name = "cosim", mixinStandardHelpOptions = true,
        description = "Whole-network co-simulation: the network runs in Java, its ODEBlocks on the generated RTL "
                + "under Verilator; the logits must equal the fixed-point golden model's bit for bit.")
final class CosimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions net;

    @Option(names = "--lanes", defaultValue = "16", description = "lanes of the generated blocks (default: ${DEFAULT-VALUE})")
    int lanes;

    @Option(names = "--images", defaultValue = "1", description = "random images (default: ${DEFAULT-VALUE})")
    int images;

    @Override
    public Integer call() throws Exception {
        Network network = net.network();
        if (network.odeBlocks().isEmpty()) {
            throw new IllegalArgumentException(network.spec().name() + " has no ODEBlock to run on the RTL");
        }
        var out = spec.commandLine().getOut();
        RtlExecutor rtl = BlockSimulator.verilator().executor(lanes, Path.of("target/spinal-sim"));
        SplittableRandom rng = new SplittableRandom(net.seed + 1);
        int mismatches = 0;
        for (int i = 0; i < images; i++) {
            var image = network.quantize(Agreement.randomImage(rng));
            int[] golden = network.forwardFixed(image, Network.GOLDEN);
            int[] cosim = network.forwardFixed(image, rtl);
            boolean same = Arrays.equals(golden, cosim);
            mismatches += same ? 0 : 1;
            out.printf(Locale.ROOT, "%s image %d: logits %s the golden model's (arg-max %d)%n", network.spec().name(), i,
                    same ? "equal" : "DIFFER from", Agreement.argMax(cosim));
            out.flush();
        }
        out.printf(Locale.ROOT, "%d of %d images bit-exact; %,d RTL cycles in the ODEBlocks%n", images - mismatches, images,
                rtl.cycles());
        out.flush();
        return mismatches == 0 ? 0 : 1;
    }
}
