package org.odegen.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.model.PaperLayer;

/** {@code odegen report} on a small sweep (layer1 x1, x2 with Yosys; x16 of every layer for Table 5). */
class PaperReportTest {
    static final List<String> PLOTS = List.of("figure5_parameters", "table3_lut", "table3_ff", "table3_bram36",
            "table3_dsp48e1", "cycles_per_step", "table5_speedup", "table5_engine", "agreement");

    @Test
    void writesEveryPlotFromMeasuredData(@TempDir Path dir) throws Exception {
        var log = new ByteArrayOutputStream();
        var o = new PaperReport.Options(dir.resolve("report"), List.of(PaperLayer.LAYER1), List.of(1, 2), 16, 100, 200, 50, 1,
                20, 2, Path.of("target/report-cache"));
        PaperReport.Built b = PaperReport.build(o, new PrintStream(log, true, StandardCharsets.UTF_8));
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("[report 1/") && progress.contains(" left, ") && progress.contains("layer1_x2"), progress);

        Path r = b.folder();
        String md = Files.readString(r.resolve("report.md"));
        String html = Files.readString(r.resolve("index.html"));
        for (String p : PLOTS) {
            byte[] png = Files.readAllBytes(r.resolve("plots/" + p + ".png"));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), p + ".png is a PNG");
            assertTrue(png.length > 5_000, p + ".png is a real picture: " + png.length + " bytes");
            String svg = Files.readString(r.resolve("plots/" + p + ".svg"));
            assertTrue(svg.contains("<svg") && svg.contains("</svg>"), p + ".svg is an SVG");
            assertTrue(md.contains("(plots/" + p + ".png)"), "report.md shows " + p);
            assertTrue(html.contains("src=\"plots/" + p + ".svg\""), "index.html shows " + p);
        }
        assertFalse(html.contains("$"), "every Velocity reference filled");
        assertFalse(md.contains("${"), "every Velocity reference filled");

        // measured cycles equal the schedule the sequencer implements (which the regression checks exactly)
        List<String> cycles = Files.readAllLines(r.resolve("data/cycles_per_step.csv"));
        for (int lanes : new int[] {1, 2}) {
            var design = OdeBlockDesign.paper(PaperLayer.LAYER1, lanes);
            long schedule = Hardware.cyclesPerStep(design.block(), lanes);
            assertTrue(cycles.contains("layer1," + lanes + "," + schedule + "," + design.macBoundCyclesPerStep()
                    + "," + cycles.stream().filter(l -> l.startsWith("layer1," + lanes + ",")).findFirst().orElseThrow()
                            .split(",")[4]), cycles.toString());
        }
        // Yosys rows for both lane counts, four DSP48E1 per lane, no latches
        List<String> res = Files.readAllLines(r.resolve("data/table3_resources.csv"));
        assertEquals(3, res.size(), res.toString());
        assertTrue(res.get(1).startsWith("layer1,1,") && res.get(1).split(",")[3].equals("4") && res.get(1).endsWith(",0"),
                res.get(1));
        assertTrue(res.get(2).startsWith("layer1,2,") && res.get(2).split(",")[3].equals("8"), res.get(2));
        // the timing estimate of the same netlists, one row per configuration, labelled as an estimate
        List<String> timing = Files.readAllLines(r.resolve("data/timing_estimate.csv"));
        assertEquals(3, timing.size(), timing.toString());
        for (int lanes = 1; lanes <= 2; lanes++) {
            String[] row = timing.get(lanes).split(",");
            assertEquals("layer1," + lanes, row[0] + "," + row[1], timing.toString());
            double fmax = Double.parseDouble(row[2]);
            assertTrue(fmax > 50 && fmax < 1000 && Math.abs(1000 / Double.parseDouble(row[3]) - fmax) < 0.1, timing.toString());
            assertEquals(Integer.toString(4 * lanes), row[7], "DSP48E1 in the timing rows: " + timing);
        }
        assertTrue(md.contains("The second table is a timing **estimate** for the XC7Z020-1"), md);
        assertTrue(html.contains("Timing, an estimate for the XC7Z020-1"), "index.html has the timing table's caption");
        // Table 5: every offloading variant at every depth, labelled as modeled
        assertEquals(1 + 6 * 4, Files.readAllLines(r.resolve("data/table5_modeled.csv")).size());
        assertTrue(md.contains("**Every figure in this section is modeled**") && md.contains("(modeled, AXI DMA)"), md);
        // Figure 5 meets the paper's reductions; the agreement covers the seven variants
        assertTrue(md.contains("paper 81.80%") && md.contains("(81.80%)"), md);
        assertEquals(1 + 7, Files.readAllLines(r.resolve("data/agreement.csv")).size());
        // the folder is whole: no temporary folder beside it
        try (var s = Files.list(dir)) {
            assertEquals(List.of("report"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
