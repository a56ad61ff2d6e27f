package org.odegen.emit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.model.PaperLayer;

/**
 * Yosys resource estimate of every paper layer at lanes 1..32, beside the paper's Table 3:
 * writes target/resource-table.md. Run: {@code mvn -B test-compile exec:exec@resources} (about 15 minutes).
 */
public final class ResourceTable {
    private ResourceTable() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder sb = new StringBuilder("| layer | lanes | BRAM36 | DSP48E1 | LUT | FF | the paper (BRAM36 / DSP / LUT / FF) |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
        Path tmp = Files.createTempDirectory("odegen-resources");
        long start = System.nanoTime();
        for (PaperLayer l : PaperLayer.values()) {
            for (int lanes : OdeBlockDesign.validLanes(l.channels())) {
                if (lanes > 32 || (args.length > 0 && !java.util.List.of(args).contains(l.id() + "_x" + lanes))) {
                    continue;
                }
                OdeBlockDesign d = OdeBlockDesign.paper(l, lanes);
                var g = BlockGenerator.generate(d, tmp.resolve(d.id()), true);
                YosysEstimate e = g.estimate();
                String paper = PaperTable3.row(l.id(), lanes)
                        .map(p -> p.bram36() + " / " + p.dsp() + " / " + p.lut() + " / " + p.ff()).orElse("-");
                sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %s |%n", l.id(), lanes,
                        e.bram36() == Math.floor(e.bram36()) ? Long.toString((long) e.bram36())
                                : String.format(Locale.ROOT, "%.1f", e.bram36()),
                        e.count("DSP48E1"), e.luts(), e.flipFlops(), paper));
                System.out.printf(Locale.ROOT, "%s: %.1f BRAM36, %d DSP, %d LUT, %d FF (%.0f s)%n", d.id(), e.bram36(),
                        e.count("DSP48E1"), e.luts(), e.flipFlops(), (System.nanoTime() - start) / 1e9);
                Build.deleteTree(g.folder());
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/resource-table.md"), sb.toString());
        System.out.print(sb);
    }
}
