package org.odegen.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.net.Weights;
import picocli.CommandLine.Option;

/** Options that pick a network and its weights, shared by the commands that run networks. */
final class NetworkOptions {
    @Option(names = "--variant", defaultValue = "rodenet-3",
            description = "resnet, odenet, rodenet-1, rodenet-2, rodenet-1+2, rodenet-3, hybrid-3 (default: ${DEFAULT-VALUE})")
    String variant;

    @Option(names = {"--depth", "-N"}, defaultValue = "20", description = "N: 20, 32, 44 or 56 (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--weights", description = "a safetensors file (default: seeded random weights)")
    Path weights;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--format", defaultValue = "Q32.20", description = "number format QW.F (default: ${DEFAULT-VALUE})")
    String format;

    Network network(Variant v) throws IOException {
        NetworkSpec spec = NetworkSpec.of(v, depth);
        NormMode mode = NormMode.parse(norm);
        QFormat q = QFormat.parse(format);
        Weights w = weights != null ? Weights.read(spec, weights, mode == NormMode.FOLDED) : Weights.random(spec, seed);
        return new Network(w, mode, q);
    }

    Network network() throws IOException {
        return network(Variant.parse(variant));
    }
}
