package org.odegen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.NetworkGenerator;
import org.odegen.net.Variant;

class EngineTable5Test {
    @TempDir
    Path dir;

    @Test
    void everyVariantAndDepthWithMeasuredRowsLabeledAndThePapersBeside() throws Exception {
        var dma = Table5Model.Transfer.dma(200, 50);
        List<EngineTable5.Row> rows = EngineTable5.rows(100e6, dma);
        assertEquals(Variant.values().length * Variant.DEPTHS.length, rows.size());
        for (EngineTable5.Row r : rows) {
            long schedule = NetworkGenerator.hardware(NetworkDesign.of(r.variant(), r.depth(), 16)).scheduleCycles();
            assertEquals(schedule + EngineTable5.HARNESS_CYCLES, r.cycles(), r.variant() + "-" + r.depth());
            // testbench/network-regression.csv measures every variant at N = 20 and rODENet-3-56 (x16, Q32.20,
            // batch-stats): those are labeled measured
            assertEquals(r.depth() == 20 || r.variant() == Variant.RODENET_3 && r.depth() == 56, r.measured(),
                    r.variant() + "-" + r.depth());
            assertEquals(r.cycles() / 100e6, r.engineSeconds(), 1e-15);
            // the DMA: 3,072 + 100 words at 200 MB/s and two transfers of 50 us
            assertEquals(4.0 * 3172 / 200e6 + 100e-6, r.dmaSeconds(), 1e-12);
            assertEquals(r.psSeconds() / (r.engineSeconds() + r.dmaSeconds()), r.speedup(), 1e-9);
            assertEquals(r.depth() == 20 || r.depth() == 56, r.psFromPaper());
            assertEquals(r.variant() != Variant.RESNET && r.psFromPaper(), r.paperSpeedup().isPresent());
            // the whole image on the PL beats the paper's offloaded block wherever it printed one
            r.paperSpeedup().ifPresent(p -> assertTrue(r.speedup() > 4 * p, r + " against the paper's " + p));
        }
        EngineTable5.Row r356 = rows.stream().filter(r -> r.variant() == Variant.RODENET_3 && r.depth() == 56).findFirst()
                .orElseThrow();
        assertEquals(1.57, r356.psSeconds(), 1e-12);
        assertEquals(0.59, r356.paperPlSeconds().orElseThrow(), 1e-12);
        EngineTable5.Row r332 = rows.stream().filter(r -> r.variant() == Variant.RODENET_3 && r.depth() == 32).findFirst()
                .orElseThrow();
        assertEquals(0.54 + (1.57 - 0.54) / 3, r332.psSeconds(), 1e-12, "N = 32: linear between the printed 20 and 56");
        String md = EngineTable5.markdown(rows, 100e6);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| rODENet-3-20 | %,d (Verilator) |",
                rows.stream().filter(r -> r.variant() == Variant.RODENET_3 && r.depth() == 20).findFirst().orElseThrow()
                        .cycles())), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| rODENet-3-44 | %,d (schedule) |",
                rows.stream().filter(r -> r.variant() == Variant.RODENET_3 && r.depth() == 44).findFirst().orElseThrow().cycles())), md);
        assertTrue(md.contains("0.87 s (modeled)") && md.contains("| 2.66x |"), md);
        PaperReport.Section s = EngineTable5.section(dir, 100, dma);
        assertEquals(rows.size(), s.tables().get(0).rows().size());
        assertEquals(7, s.tables().get(0).header().size());
        assertTrue(Files.size(dir.resolve("table5_engine.png")) > 0 && Files.exists(dir.resolve("table5_engine.svg")));
        assertFalse(s.text().get(0).isEmpty());
        System.out.print(md);
    }
}
