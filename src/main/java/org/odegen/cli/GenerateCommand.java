package org.odegen.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.PaperLayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen generate}: the output folder of one ODEBlock configuration (what {@code mvn generate} runs). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate one ODEBlock: rtl/ (Verilog), manifest.json, report.md, in target/generated/<layer>_x<lanes>/.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--layer", defaultValue = "layer3_2", description = "layer1, layer2_2 or layer3_2 (default: ${DEFAULT-VALUE})")
    String layer;

    @Option(names = "--lanes", defaultValue = "16", description = "multiply-add lanes: a power of two dividing the channels, at most 64")
    String lanes;

    @Option(names = "--out", defaultValue = "", description = "output folder (default: target/generated/<layer>_x<lanes>)")
    String out;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--format", defaultValue = "", description = "number format QW.F (default: Q32.20)")
    String format;

    @Option(names = "--width", defaultValue = "", description = "W of Q(W,F), instead of --format")
    String width;

    @Option(names = "--frac", defaultValue = "", description = "F of Q(W,F), instead of --format")
    String frac;

    @Option(names = "--time-channel", defaultValue = "true", description = "true or false (default: ${DEFAULT-VALUE})")
    String timeChannel;

    @Option(names = "--estimate", defaultValue = "false", arity = "0..1", fallbackValue = "true",
            description = "run Yosys for the resource estimate (slow)")
    String estimate;

    @Override
    public Integer call() throws Exception {
        OdeBlockDesign design = design();
        Path folder = out.isBlank() ? BlockGenerator.defaultFolder(Path.of(""), design) : Path.of(out);
        var err = spec.commandLine().getErr();
        err.printf("generating %s%s ...%n", design.id(), bool("estimate", estimate) ? " with the Yosys estimate" : "");
        err.flush();
        var g = BlockGenerator.generate(design, folder, bool("estimate", estimate));
        err.printf(Locale.ROOT, "%s: %s, %d cycles per Euler step (%.4fx the multiply-add bound) -> %s%n", design.id(),
                g.top(), g.cyclesPerStep(), g.cyclesPerStep() / (double) design.macBoundCyclesPerStep(),
                Path.of("").toAbsolutePath().relativize(g.folder()));
        err.flush();
        return 0;
    }

    OdeBlockDesign design() {
        PaperLayer l = PaperLayer.parse(layer);
        int n;
        try {
            n = Integer.parseInt(lanes.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lanes '" + lanes + "' is not a number; valid: "
                    + OdeBlockDesign.validLanes(l.channels()));
        }
        QFormat q = QFormat.Q32_20;
        if (!format.isBlank()) {
            q = QFormat.parse(format);
        }
        if (!width.isBlank() || !frac.isBlank()) {
            q = new QFormat(number("width", width.isBlank() ? Integer.toString(q.width()) : width),
                    number("frac", frac.isBlank() ? Integer.toString(q.frac()) : frac));
        }
        return OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(n).format(q)
                .norm(NormMode.parse(norm)).timeChannel(bool("timeChannel", timeChannel)).build();
    }

    private static int number(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + v + "' is not a number");
        }
    }

    private static boolean bool(String name, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " '" + v + "' is not valid; valid: true, false");
        };
    }
}
