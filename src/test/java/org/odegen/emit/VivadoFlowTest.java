package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;

/** The generated Vivado batch flow, run by tclsh against stubs of every Vivado command it uses. */
class VivadoFlowTest {
    private static final Path STUBS = Path.of("src/test/tcl/vivado_stubs.tcl").toAbsolutePath();

    @TempDir
    Path dir;
    private BlockGenerator.Generated g;

    record Run(int exit, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        int index(String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }
    }

    @BeforeEach
    void generate() throws Exception {
        g = BlockGenerator.generate(OdeBlockDesign.builder("layer_tcl").featureMap(4, 4, 4).lanes(2).build(),
                dir.resolve("block"), false);
    }

    private Run tclsh(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tclsh", STUBS.toString(), "vivado/build.tcl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(g.folder().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out.lines().toList());
    }

    @Test
    void buildsTheBlockDesignInOrderAndCopiesTheOverlay() throws Exception {
        Run r = tclsh(Map.of());
        assertEquals(0, r.exit(), r.text());
        String top = g.top();
        int project = r.index("CALL create_project -force " + top + "_pynq");
        assertTrue(r.lines().get(project).endsWith("-part xc7z020clg400-1"), r.text());
        int files = r.index("CALL add_files -norecurse");
        for (String v : g.verilog()) {
            assertTrue(r.lines().get(files).contains(g.folder().resolve(v).toString()), v + " in " + r.lines().get(files));
        }
        int ps = r.index("CALL create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7");
        int psConfig = r.index("CALL set_property -dict CONFIG.PCW_PRESET_BANK1_VOLTAGE");
        int module = r.index("CALL create_bd_cell -type module -reference " + top + " ode");
        int dma = r.index("CALL create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma");
        int dmaConfig = r.index("CALL set_property -dict CONFIG.c_include_sg 0");
        int streamIn = r.index("CALL connect_bd_intf_net dma/M_AXIS_MM2S ode/s_axis");
        int streamOut = r.index("CALL connect_bd_intf_net ode/m_axis dma/S_AXIS_S2MM");
        int irq = r.index("CALL connect_bd_net irq/dout ps7/IRQ_F2P");
        int address = r.index("CALL assign_bd_address");
        int validate = r.index("CALL validate_bd_design");
        int synth = r.index("CALL launch_runs synth_1");
        int impl = r.index("CALL launch_runs impl_1 -to_step write_bitstream");
        int timing = r.index("CALL report_timing_summary");
        assertInOrder(r.text(), project, files, ps, psConfig, module, dma, dmaConfig, streamIn, streamOut, irq, address,
                validate, synth, impl, timing);
        String ps7 = r.lines().get(psConfig);
        assertTrue(ps7.contains("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 100") && ps7.contains("CONFIG.PCW_USE_S_AXI_HP0 1")
                && ps7.contains("CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC {IO PLL}")
                && ps7.contains("CONFIG.PCW_UIPARAM_DDR_FREQ_MHZ 525")
                && ps7.contains("MT41K256M16 RE-125") && ps7.contains("CONFIG.PCW_IRQ_F2P_INTR 1"), ps7);
        assertTrue(r.lines().get(dmaConfig).contains("CONFIG.c_m_axis_mm2s_tdata_width 32")
                && r.lines().get(dmaConfig).contains("CONFIG.c_s_axis_s2mm_tdata_width 32"), r.lines().get(dmaConfig));
        assertTrue(r.index("CALL apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config Master \"/ps7/M_AXI_GP0\"") > 0,
                r.text());
        assertTrue(Files.exists(g.folder().resolve("vivado/overlay/" + top + ".bit")));
        assertTrue(Files.exists(g.folder().resolve("vivado/overlay/" + top + ".hwh")));
    }

    /** The stub run's CALL lines at `steps` (indexes into its lines) come in that order, the first found. */
    static void assertInOrder(String text, int... steps) {
        for (int i = 1; i < steps.length; i++) {
            assertTrue(steps[i - 1] >= 0 && steps[i] > steps[i - 1], "step " + i + " out of order:\n" + text);
        }
    }

    @Test
    void argumentsSetJobsAndClock() throws Exception {
        Run r = tclsh(Map.of(), "-jobs", "4", "-clock", "125");
        assertEquals(0, r.exit(), r.text());
        assertTrue(r.text().contains("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 125"), r.text());
        assertTrue(r.text().contains("CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC {IO PLL}"), r.text());
        // 150 MHz is not 1000 / d: the DDR PLL's 1050 MHz / 7
        Run ddr = tclsh(Map.of(), "-clock", "150");
        assertEquals(0, ddr.exit(), ddr.text());
        assertTrue(ddr.text().contains("CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC {DDR PLL}")
                && ddr.text().contains("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 150"), ddr.text());
        // the module's clock pin takes the PS7's frequency after the connection, before validation
        int freq = r.index("CALL set_property CONFIG.FREQ_HZ FREQ_HZ_OF_ps7/FCLK_CLK0 ode/clk");
        assertTrue(freq > r.index("CALL connect_bd_net ps7/FCLK_CLK0 ode/clk") && freq < r.index("CALL validate_bd_design"),
                r.text());
        assertTrue(r.lines().get(r.index("CALL launch_runs synth_1")).endsWith("-jobs 4"), r.text());
        Run bad = tclsh(Map.of(), "-speed", "9");
        assertEquals(2, bad.exit(), bad.text());
        assertTrue(bad.text().contains("unknown argument '-speed'; valid: -jobs N, -clock MHZ"), bad.text());
    }

    @Test
    void aFailingStepStopsTheScriptWithItsMessage() throws Exception {
        Run synth = tclsh(Map.of("STUB_FAIL", "synth_1"));
        assertEquals(1, synth.exit());
        assertTrue(synth.text().contains("ODEGen build: synthesis failed (synth_1"), synth.text());
        assertEquals(-1, synth.index("CALL launch_runs impl_1"), "nothing runs after a failed step");
        Run impl = tclsh(Map.of("STUB_FAIL", "impl_1"));
        assertEquals(1, impl.exit());
        assertTrue(impl.text().contains("ODEGen build: implementation and bitstream failed"), impl.text());
        Run bd = tclsh(Map.of("STUB_FAIL", "validate"));
        assertEquals(1, bd.exit());
        assertTrue(bd.text().contains("the block design does not validate: stub: [BD 41-758]"), bd.text());
        assertEquals(-1, bd.index("CALL launch_runs"));
        Run slow = tclsh(Map.of("STUB_WNS", "-0.25"));
        assertEquals(1, slow.exit());
        assertTrue(slow.text().contains("timing not met at 100 MHz: WNS = -0.25 ns"), slow.text());
        assertFalse(Files.exists(g.folder().resolve("vivado/overlay/" + g.top() + ".bit")), "no overlay from a failed flow");
    }
}
