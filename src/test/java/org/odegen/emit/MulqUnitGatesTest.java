package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.hw.Hardware;

/** The quality gates on the first generated unit, reached from Java through the Scala facade. */
class MulqUnitGatesTest {
    @TempDir
    Path dir;

    @Test
    void mulqUnitLintsAndMapsToDsp48WithoutLatches() throws Exception {
        String top = Hardware.emitMulq(32, 20, dir.toString());
        assertEquals("MulqUnit_W32_F20", top);
        String v = Files.readString(dir.resolve(top + ".v"));
        assertTrue(v.contains("input  wire          resetn"), "synchronous active-low resetn");
        assertTrue(!v.contains("Current date") && !v.contains(dir.toString()), "no dates or paths");
        VerilogLint.lint(dir, top, List.of(top + ".v"));
        YosysEstimate est = YosysEstimate.synthesize(dir, top, List.of(top + ".v"));
        assertEquals(4, est.count("DSP48E1"), est.cells().toString()); // 32x32 signed = 4 cascaded DSP48E1
        assertEquals(0, est.latches(), est.cells().toString());
    }

    @Test
    void sameInputsGiveTheSameBytes() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Hardware.emitMulq(16, 8, a.toString());
        Hardware.emitMulq(16, 8, b.toString());
        assertEquals(Files.readString(a.resolve("MulqUnit_W16_F8.v")), Files.readString(b.resolve("MulqUnit_W16_F8.v")));
    }

    @Test
    void parsesYosysStatistics() {
        String log = "   Number of cells:                284\n     CARRY4                         24\n"
                + "     DSP48E1                         4\n     FDRE                           92\n"
                + "     LUT2                           47\n     LUT6                            3\n\nEnd of script.";
        YosysEstimate e = YosysEstimate.parse(log);
        assertEquals(4, e.count("DSP48E1"));
        assertEquals(50, e.luts());
        assertEquals(92, e.flipFlops());
        assertEquals(0, e.latches());
    }
}
