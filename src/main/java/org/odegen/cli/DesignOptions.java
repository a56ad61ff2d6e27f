package org.odegen.cli;

import java.nio.file.Path;
import org.odegen.dsl.NetworkDesign;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.net.NetworkDescription;
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

    // null when not given: the ODEBlock refuses it given, whatever its value
    @Option(names = "--macs-per-lane", description = "network engine: multiply-adds a lane a cycle, 1, 2 or 3 (two or three input "
            + "channels of a 3x3 conv at once; formats of at most 18 bits; default: 1)")
    String macsPerLane;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    // null when not given: the format's three options may not be mixed, which only "given" can tell, not a default
    @Option(names = "--format", description = "number format QW.F (default: Q32.20)")
    String format;

    @Option(names = "--width", description = "W of Q(W,F), instead of --format (F stays 20 without --frac)")
    String width;

    @Option(names = "--frac", description = "F of Q(W,F), instead of --format (W stays 32 without --width)")
    String frac;

    @Option(names = "--solver", defaultValue = "euler", description = "ODE solver: euler, heun or rk4 (default: ${DEFAULT-VALUE})")
    String solver;

    @Option(names = "--time-channel", defaultValue = "true", description = "true or false (default: ${DEFAULT-VALUE})")
    String timeChannel;

    OdeBlockDesign design() {
        if (macsPerLane != null) {
            throw new IllegalArgumentException("--macs-per-lane is the network engine's (with --network or --model); the "
                    + "ODEBlock does one multiply-add a lane");
        }
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

    /** Refuses --format with --width or --frac: --format Q16.10 --width 24 used to build Q24.10, dropping a part of each. */
    void checkCombination() {
        if (format != null && (width != null || frac != null)) {
            throw new IllegalArgumentException("--format and --" + (width != null ? "width" : "frac")
                    + " do not go together: give --format=QW.F, or --width=W and --frac=F");
        }
    }

    /** The number format: --format, or --width and --frac over Q32.20 (default Q32.20); never both. */
    QFormat format() {
        checkCombination();
        if (format != null) {
            return QFormat.parse(format);
        }
        QFormat q = QFormat.Q32_20;
        return new QFormat(width != null ? number("width", width) : q.width(), frac != null ? number("frac", frac) : q.frac());
    }

    /** The network engine of --network and --depth with these lanes, format, norm and solver. */
    NetworkDesign network(String network, String depth) {
        Variant v = Variant.parse(network);
        int n = lanes();
        int d;
        try {
            d = Integer.parseInt(depth.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("depth '" + depth + "' is not a number; valid: 20, 32, 44, 56");
        }
        return new NetworkDesign(NetworkSpec.of(v, d), n, format(), NormMode.parse(norm), OdeSolver.parse(solver),
                macsPerLane());
    }

    /**
     * The network engine of a network.json with these lanes and format; its norm and solvers are the file's. What
     * the engine cannot run yet is refused when its hardware is configured, naming the layer and the rule.
     */
    NetworkDesign network(NetworkDescription d, Path file) {
        return new NetworkDesign(d, lanes(), format(), macsPerLane());
    }

    private int macsPerLane() {
        if (macsPerLane == null) {
            return 1;
        }
        try {
            return Integer.parseInt(macsPerLane.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("macs-per-lane '" + macsPerLane + "' is not a number; valid: 1, 2, 3");
        }
    }

    private int lanes() {
        try {
            return Integer.parseInt(lanes.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lanes '" + lanes + "' is not a number; valid: " + NetworkDesign.validLanes());
        }
    }

    private static int number(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + v + "' is not a number");
        }
    }

}
