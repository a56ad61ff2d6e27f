package org.odegen.cli;

import org.odegen.dsl.NetworkDesign;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;
import picocli.CommandLine.Option;

/** The options that describe one ODEBlock configuration (generate, cocotb). */
final class DesignOptions {
    @Option(names = "--layer", defaultValue = "layer3_2", description = "layer1, layer2_2 or layer3_2 (default: ${DEFAULT-VALUE})")
    String layer;

    @Option(names = "--lanes", defaultValue = "16", description = "multiply-add lanes: a power of two dividing the channels, at most 64")
    String lanes;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--format", defaultValue = "", description = "number format QW.F (default: Q32.20)")
    String format;

    @Option(names = "--width", defaultValue = "", description = "W of Q(W,F), instead of --format")
    String width;

    @Option(names = "--frac", defaultValue = "", description = "F of Q(W,F), instead of --format")
    String frac;

    @Option(names = "--solver", defaultValue = "euler", description = "ODE solver: euler, heun or rk4 (default: ${DEFAULT-VALUE})")
    String solver;

    @Option(names = "--time-channel", defaultValue = "true", description = "true or false (default: ${DEFAULT-VALUE})")
    String timeChannel;

    OdeBlockDesign design() {
        PaperLayer l = PaperLayer.parse(layer);
        int n;
        try {
            n = Integer.parseInt(lanes.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lanes '" + lanes + "' is not a number; valid: "
                    + OdeBlockDesign.validLanes(l.channels()));
        }
        QFormat q = format();
        return OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(n).format(q)
                .norm(NormMode.parse(norm)).timeChannel(GenerateCommand.bool("timeChannel", timeChannel)).solver(OdeSolver.parse(solver))
                .build();
    }

    /** The number format: --format, or --width and --frac over it (default Q32.20). */
    QFormat format() {
        QFormat q = QFormat.Q32_20;
        if (!format.isBlank()) {
            q = QFormat.parse(format);
        }
        if (!width.isBlank() || !frac.isBlank()) {
            q = new QFormat(number("width", width.isBlank() ? Integer.toString(q.width()) : width),
                    number("frac", frac.isBlank() ? Integer.toString(q.frac()) : frac));
        }
        return q;
    }

    /** The network engine of --network and --depth with these lanes, format, norm and solver. */
    NetworkDesign network(String network, String depth) {
        Variant v = Variant.parse(network);
        int n;
        try {
            n = Integer.parseInt(lanes.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lanes '" + lanes + "' is not a number; valid: " + NetworkDesign.validLanes());
        }
        int d;
        try {
            d = Integer.parseInt(depth.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("depth '" + depth + "' is not a number; valid: 20, 32, 44, 56");
        }
        return new NetworkDesign(NetworkSpec.of(v, d), n, format(), NormMode.parse(norm), OdeSolver.parse(solver));
    }

    private static int number(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + v + "' is not a number");
        }
    }

}
