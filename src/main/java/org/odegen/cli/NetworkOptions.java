package org.odegen.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.net.Weights;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that pick a network and its weights, shared by the commands that run networks. */
final class NetworkOptions {
    @Mixin
    NetworkChoice choice;

    @Option(names = "--weights", description = "a safetensors file (default: seeded random weights)")
    Path weights;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--format", defaultValue = "Q32.20", description = "number format QW.F (default: ${DEFAULT-VALUE})")
    String format;

    Network network(Variant v) throws IOException {
        NetworkSpec spec = NetworkSpec.of(v, choice.depth);
        NormMode mode = NormMode.parse(norm);
        QFormat q = QFormat.parse(format);
        Weights w = weights != null ? Weights.read(spec, weights, mode == NormMode.FOLDED) : Weights.random(spec, seed);
        return new Network(w, mode, q);
    }

    Network network() throws IOException {
        return network(Variant.parse(choice.variant));
    }
}
