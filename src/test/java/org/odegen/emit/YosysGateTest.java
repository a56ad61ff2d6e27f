package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.model.NormMode;
import org.odegen.model.PaperLayer;

/**
 * Every layer at two lane counts through Yosys 0.23 {@code synth_xilinx -family xc7}: no latches, every
 * multiplier in DSP48E1 (a 32x32 mulq is 4 of them, nothing else uses one), BRAM sized to the data.
 */
class YosysGateTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    // BRAM bounds: the 90 for layer3_2; elsewhere what the README's table measured (a regression guard)
    @CsvSource({"layer1, 2, folded, 53", "layer1, 16, batch-stats, 56", "layer2_2, 4, batch-stats, 42",
        "layer2_2, 32, folded, 48", "layer3_2, 16, batch-stats, 90", "layer3_2, 32, folded, 90"})
    void synthesizesWithoutLatchesAndMapsEveryMultiplierToDsp(String layer, int lanes, String norm, double maxBram)
            throws Exception {
        PaperLayer l = PaperLayer.parse(layer);
        OdeBlockDesign d = OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(lanes)
                .norm(NormMode.parse(norm)).build();
        var g = BlockGenerator.generate(d, dir.resolve(d.id()), true);
        YosysEstimate e = g.estimate();
        assertEquals(0, e.latches(), e.cells().toString());
        assertEquals(4 * lanes, e.count("DSP48E1"), e.cells().toString());
        assertTrue(e.bram36() <= maxBram, d.id() + ": " + e.bram36() + " BRAM36 > " + maxBram);
        // the timing estimate of the same netlist: every multiplier's DSP48E1 seen, its worst path named
        assertEquals(4 * lanes, e.timing().dsps(), d.id());
        assertTrue(e.timing().fmaxMhz() > 0 && e.timing().worst().cells().contains(" -> "), e.timing().markdown());
    }
}
