package org.odegen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.odegen.emit.VerilatorHarness;
import org.odegen.model.PaperLayer;
import org.odegen.net.Variant;

class Table5ModelTest {
    private static Table5Model model(long layer3PerStep) {
        Map<PaperLayer, VerilatorHarness.Cycles> c = new EnumMap<>(PaperLayer.class);
        c.put(PaperLayer.LAYER1, new VerilatorHarness.Cycles(330_000, 318_705));
        c.put(PaperLayer.LAYER2_2, new VerilatorHarness.Cycles(320_000, 309_081));
        c.put(PaperLayer.LAYER3_2, new VerilatorHarness.Cycles(layer3PerStep + 8_300, layer3PerStep));
        return new Table5Model(100e6, c, Table5Model.Transfer.dma(200, 50));
    }

    @Test
    void psTimesPerLayerComeOutOfThePapersTable() {
        Table5Model m = model(301_737);
        // rODENet-3-56: 87.9% of 1.57 s over 24 executions; ODENet and Hybrid-3 agree within a few percent
        assertEquals(0.0580, m.psPerExecution(PaperLayer.LAYER3_2), 0.0015);
        assertEquals(0.0620, m.psPerExecution(PaperLayer.LAYER1), 0.0015);
        assertEquals(0.0553, m.psPerExecution(PaperLayer.LAYER2_2), 0.0015);
        assertEquals(1.57 - 1.57 * 0.879, m.rest(Variant.RODENET_3, 56), 1e-12);
        // where the paper prints a row, the PS-only time is the paper's
        Table5Model.Row r = m.row(Variant.RODENET_3, 56);
        assertTrue(r.psFromPaper());
        assertEquals(1.57, r.psSeconds(), 1e-12);
        assertEquals(1.57 / (1.57 - 1.57 * 0.879), r.ceiling(), 1e-9);
    }

    @Test
    void fedWithThePapersCyclesTheModelGivesThePapersSpeedup() {
        assertEquals(2.66, Table5Model.paperCheck(Variant.RODENET_3, 56, 100e6), 0.05);
        assertEquals(1.85, Table5Model.paperCheck(Variant.RODENET_3, 20, 100e6), 0.05);
        assertEquals(1.26, Table5Model.paperCheck(Variant.ODENET, 56, 100e6), 0.05);
        // and the same through the measured-cycles path, with the paper's 1.64M cycles per step
        Table5Model.Row r = model(1_640_000).row(Variant.RODENET_3, 56);
        assertEquals(2.66, r.speedupPaperTransfer(), 0.06);
    }

    @Test
    void plTimeIsMeasuredCyclesAtTheClockPlusTransfers() {
        Table5Model m = model(301_737);
        long run24 = 301_737 + 8_300 + 23L * 301_737;
        assertEquals((run24 + 75_136) / 100e6, m.plSeconds(PaperLayer.LAYER3_2, 24, Table5Model.Transfer.paper()), 1e-12);
        double dma = (run24 - 2 * 4096) / 100e6 + 4.0 * (75_136 + 2 * 4096) / 200e6 + 3 * 50e-6;
        assertEquals(dma, m.plSeconds(PaperLayer.LAYER3_2, 24, m.dmaModel()), 1e-12);
        Table5Model.Row r = m.row(Variant.RODENET_3, 56);
        assertEquals(m.rest(Variant.RODENET_3, 56) + dma, r.plDma(), 1e-12);
        assertTrue(r.speedupDma() > 2.66, "ours beats the paper's 2.66x: " + r.speedupDma());
        // N = 32 and 44 have no paper row: the PS-only time is modeled
        Table5Model.Row mid = m.row(Variant.RODENET_3, 44);
        assertTrue(!mid.psFromPaper() && mid.psSeconds() > 0.54 && mid.psSeconds() < 1.57, "" + mid.psSeconds());
        assertEquals(6 * 4, m.rows().size());
    }

    @Test
    void refusesALayerWithoutMeasuredCycles() {
        Table5Model m = new Table5Model(100e6, new EnumMap<>(PaperLayer.class), Table5Model.Transfer.paper());
        var e = assertThrows(IllegalArgumentException.class, () -> m.row(Variant.RODENET_3, 56));
        assertTrue(e.getMessage().contains("layer3_2"), e.getMessage());
    }
}
