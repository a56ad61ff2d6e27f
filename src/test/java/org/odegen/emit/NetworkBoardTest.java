package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.NetworkDesign;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.net.Cifar100;
import org.odegen.net.Cifar100Test;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/**
 * The network engine on the board, off the board: the engine's vivado/build.tcl run by tclsh against the Vivado
 * stubs, and its PYNQ driver (odegen_network.py, odegen_host.py) run against a fake {@code pynq} whose engine is
 * the golden model ({@link GoldenEngine}) behind the same register and buffer calls.
 */
class NetworkBoardTest {
    private static final Path STUBS = Path.of("src/test/tcl/vivado_stubs.tcl").toAbsolutePath();
    private static final Path FAKE_PYNQ = Path.of("src/test/python/fake_pynq").toAbsolutePath();

    @TempDir
    static Path dir;
    static NetworkGenerator.Generated g;
    static NetworkDesign design = NetworkDesign.of(Variant.RODENET_3, 20, 16);

    record Run(int exit, String text) {
        List<String> lines() {
            return text.lines().toList();
        }

        int index(String prefix) {
            List<String> l = lines();
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }
    }

    @BeforeAll
    static void generate() throws Exception {
        g = NetworkGenerator.generate(design, dir.resolve("engine"), false);
    }

    private static Run run(Path cwd, Map<String, String> env, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void buildTclPutsTheReadMasterOnHp0AndTheDmaOnHp1() throws Exception {
        Run r = run(g.folder(), Map.of(), List.of("tclsh", STUBS.toString(), "vivado/build.tcl"));
        assertEquals(0, r.exit(), r.text());
        String top = g.top();
        int ps = r.index("CALL set_property -dict CONFIG.PCW_PRESET_BANK1_VOLTAGE");
        int module = r.index("CALL create_bd_cell -type module -reference " + top + " ode");
        int master = r.index("CALL apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config Slave \"/ps7/S_AXI_HP0\""
                + " Clk \"Auto\" ode/m_axi");
        int dmaIn = r.index("CALL apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config Slave \"/ps7/S_AXI_HP1\""
                + " Clk \"Auto\" dma/M_AXI_MM2S");
        int dmaOut = r.index("CALL apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config Slave \"/ps7/S_AXI_HP1\""
                + " Clk \"Auto\" dma/M_AXI_S2MM");
        int irq = r.index("CALL connect_bd_net ode/interrupt irq/In0");
        int validate = r.index("CALL validate_bd_design");
        int impl = r.index("CALL launch_runs impl_1 -to_step write_bitstream");
        VivadoFlowTest.assertInOrder(r.text(), ps, module, master, dmaIn, dmaOut, irq, validate, impl);
        String ps7 = r.lines().get(ps);
        assertTrue(ps7.contains("CONFIG.PCW_USE_S_AXI_HP0 1") && ps7.contains("CONFIG.PCW_S_AXI_HP0_DATA_WIDTH 64")
                && ps7.contains("CONFIG.PCW_USE_S_AXI_HP1 1"), ps7);
        assertFalse(r.text().contains("S_AXI_HP0\" Clk \"Auto\" dma/"), "the DMA leaves HP0 to the parameters");
        assertTrue(r.text().contains("ODEGen build: WNS"), r.text());
        assertTrue(Files.exists(g.folder().resolve("vivado/overlay/" + top + ".bit")));
        assertTrue(Files.exists(g.folder().resolve("vivado/overlay/" + top + ".hwh")));
        Run slow = run(g.folder(), Map.of("STUB_WNS", "-0.4"), List.of("tclsh", STUBS.toString(), "vivado/build.tcl"));
        assertEquals(1, slow.exit(), slow.text());
        assertTrue(slow.text().contains("timing not met at 100 MHz: WNS = -0.4 ns"), slow.text());
    }

    @Test
    void hpClockPutsTheHpPortsOnFclk1BehindInterconnects() throws Exception {
        Run r = run(g.folder(), Map.of(), List.of("tclsh", STUBS.toString(), "vivado/build.tcl", "-clock", "166.667",
                "-hp-clock", "150"));
        assertEquals(0, r.exit(), r.text());
        // FCLK_CLK1 at 150 MHz: the DDR PLL's 1050 / 7; the engine stays on FCLK_CLK0 at 166.667 (the IO PLL's / 6)
        assertTrue(r.text().contains("CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC {IO PLL}")
                && r.text().contains("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 166.667"), r.text());
        int fclk1 = r.index("CALL set_property -dict CONFIG.PCW_EN_CLK1_PORT 1 CONFIG.PCW_FCLK1_PERIPHERAL_CLKSRC {DDR PLL}"
                + " CONFIG.PCW_FPGA1_PERIPHERAL_FREQMHZ 150 ps7");
        int rst = r.index("CALL create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst_hp");
        int hp0 = r.index("CALL create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 s_axi_hp0_ic");
        int master = r.index("CALL connect_bd_intf_net ode/m_axi s_axi_hp0_ic/S00_AXI");
        int hp1 = r.index("CALL create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 s_axi_hp1_ic");
        int dmaIn = r.index("CALL connect_bd_intf_net dma/M_AXI_MM2S s_axi_hp1_ic/S00_AXI");
        int dmaOut = r.index("CALL connect_bd_intf_net dma/M_AXI_S2MM s_axi_hp1_ic/S01_AXI");
        int validate = r.index("CALL validate_bd_design");
        VivadoFlowTest.assertInOrder(r.text(), fclk1, rst, hp0, master, hp1, dmaIn, dmaOut, validate);
        assertTrue(r.text().contains("CALL connect_bd_net ps7/FCLK_CLK1 s_axi_hp0_ic/M00_ACLK ps7/S_AXI_HP0_ACLK")
                && r.text().contains("CALL connect_bd_net ps7/FCLK_CLK1 s_axi_hp1_ic/M00_ACLK ps7/S_AXI_HP1_ACLK")
                && r.text().contains("CALL connect_bd_intf_net s_axi_hp0_ic/M00_AXI ps7/S_AXI_HP0")
                && r.text().contains("CALL set_property -dict CONFIG.NUM_SI 2 CONFIG.NUM_MI 1 s_axi_hp1_ic")
                && r.text().contains("CALL connect_bd_net ps7/FCLK_CLK0 dma/m_axi_s2mm_aclk"), r.text());
        assertFalse(r.text().contains("bd_rule:axi4 -config Slave \"/ps7/S_AXI_HP"), "no automation on the HP ports");
        assertTrue(r.text().contains("ODEGen build: the HP ports at 150 MHz (FCLK_CLK1)"), r.text());
        // an HP clock not below the PL clock changes nothing; one that is not a clock is refused
        Run same = run(g.folder(), Map.of(), List.of("tclsh", STUBS.toString(), "vivado/build.tcl", "-clock", "150",
                "-hp-clock", "150"));
        assertEquals(0, same.exit(), same.text());
        assertTrue(same.index("CALL apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config Slave \"/ps7/S_AXI_HP0\"") > 0
                && !same.text().contains("PCW_EN_CLK1_PORT"), same.text());
        Run bad = run(g.folder(), Map.of(), List.of("tclsh", STUBS.toString(), "vivado/build.tcl", "-hp-clock", "fast"));
        assertEquals(2, bad.exit(), bad.text());
        assertTrue(bad.text().contains("-hp-clock takes the HP ports' clock in MHz, not 'fast'"), bad.text());
    }

    /** HWC bytes (as an image library gives them) of CIFAR's [c][y][x] pixels. */
    private static byte[] hwc(List<Cifar100.Sample> samples) {
        byte[] out = new byte[samples.size() * 3072];
        for (int n = 0; n < samples.size(); n++) {
            byte[] p = samples.get(n).pixels();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 1024; i++) {
                    out[n * 3072 + i * 3 + c] = p[c * 1024 + i];
                }
            }
        }
        return out;
    }

    private static String join(int[] v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void driverGivesTheGoldenLogitsThroughTheRegistersAndRefusesMismatches() throws Exception {
        Path drv = g.folder().resolve("vivado/driver");
        Path work = Files.createDirectories(dir.resolve("driver-test"));
        Path dump = Files.createDirectories(work.resolve("dump"));
        NetworkSpec spec = design.spec();
        Weights weights = Weights.random(spec, 7);
        weights.write(work.resolve("w.safetensors"));
        // ResNet-20's weights: another parameter count (rODENet-3 at another N has the same parameters, other steps)
        Weights.random(NetworkSpec.of(Variant.RESNET, 20), 7).write(work.resolve("resnet20.safetensors"));
        List<Cifar100.Sample> samples = Cifar100Test.samples(2);
        Files.write(work.resolve("images.u8"), hwc(samples));
        Files.writeString(work.resolve("drive.py"), String.join("\n",
                "import os, sys",
                "import numpy as np",
                "import pynq, odegen_network as on, odegen_host as host",
                "imgs = np.fromfile('images.u8', dtype=np.uint8).reshape(-1, 32, 32, 3)",
                "net = on.OdeNetwork(pynq.Overlay('x.bit'))",
                "net.load('w.safetensors')",
                "logits, classes = net.predict(imgs)",
                "for l, c in zip(logits, classes): print('batch', c, ','.join(str(int(v)) for v in l))",
                "print('queued before START:', net.overlay.ode.queued, 'of', net.overlay.ode.starts)",
                "one, c = net.predict(imgs[1])",
                "print('single', c, ','.join(str(int(v)) for v in one))",
                "t = host.read_safetensors('w.safetensors')",
                "host.description_blob(t, on.DESCRIPTION, on.DATA_WIDTH, on.FRAC, False).astype('<i4').tofile('folded.bin')",
                "for what, call in (('blob', lambda: net.load_blob(np.zeros(on.BLOB_WORDS - 1))),",
                "                   ('weights', lambda: net.load('resnet20.safetensors')),",
                "                   ('image', lambda: net.predict(np.zeros((32, 32, 3), dtype=np.float32)))):",
                "    try:",
                "        call(); print('accepted', what)",
                "    except ValueError as e: print('refused', what + ':', e)",
                "open('cut.safetensors', 'wb').write(open('w.safetensors', 'rb').read()[:-100])",
                "try:",
                "    net.load('cut.safetensors'); print('accepted cut')",
                "except ValueError as e: print('refused cut:', e)",
                "for fault in ('hang', 'ddr-error'):",
                "    os.environ['FAKE_FAULT'] = fault",
                "    slow = on.OdeNetwork(pynq.Overlay('x.bit'), timeout_s=0.2)",
                "    slow.load('w.safetensors')",
                "    try:",
                "        slow.predict(imgs[0]); print('accepted', fault)",
                "    except (TimeoutError, RuntimeError) as e: print('fault', fault + ':', type(e).__name__, e)",
                "os.environ['FAKE_FAULT'] = ''",
                "os.environ['FAKE_CONFIG'] = hex(on.CONFIG ^ (12 << 16))",
                "try:",
                "    on.OdeNetwork(pynq.Overlay('x.bit')); print('accepted config')",
                "except ValueError as e: print('refused config:', e)",
                "os.environ['FAKE_CONFIG'] = hex(on.CONFIG)",
                "os.environ['FAKE_NETWORK_ID'] = hex(int(os.environ['FAKE_NETWORK_ID'], 0) ^ 1)",
                "try:",
                "    on.OdeNetwork(pynq.Overlay('x.bit')); print('accepted network id')",
                "except ValueError as e: print('refused network id:', e)", ""));
        var hw = NetworkGenerator.hardware(design);
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String engine = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(jvm, "-cp",
                System.getProperty("java.class.path"), GoldenEngine.class.getName(), "rodenet-3", "20", design.norm().id(),
                design.format().toString(), work.resolve("w.safetensors").toString()));
        Map<String, String> env = Map.of("PYTHONPATH", FAKE_PYNQ + java.io.File.pathSeparator + drv,
                "FAKE_ENGINE", engine, "FAKE_CONFIG", String.format("0x%08x",
                        org.odegen.hw.NetworkHwConfig.configWord(hw).longValue()),
                "FAKE_WIDTH", String.format("0x%08x", org.odegen.hw.RegisterMap$.MODULE$.engineWidth(32, 0)),
                "FAKE_WORDS", Long.toString(hw.blobWords()), "FAKE_DUMP", dump.toString(),
                "FAKE_NETWORK_ID", Long.toString(hw.networkId()));
        Run r = run(work, env, List.of(PynqDriverTest.python(work), "drive.py"));
        assertEquals(0, r.exit(), r.text());

        Network net = new Network(weights, design.norm(), design.format());
        // the blob in "DDR" and the image words streamed in: the golden model's, byte for byte
        assertArrayEquals(GoldenEngine.bytes(ParameterBlob.of(net)), Files.readAllBytes(dump.resolve("blob.bin")));
        assertArrayEquals(GoldenEngine.bytes(ParameterBlob.of(weights, NormMode.FOLDED, QFormat.Q32_20)),
                Files.readAllBytes(work.resolve("folded.bin")), "the folded blob (scale, shift from the running stats)");
        for (int i = 0; i < 2; i++) {
            int[] words = net.quantize(samples.get(i).normalized()).data();
            assertArrayEquals(GoldenEngine.bytes(words), Files.readAllBytes(dump.resolve("image" + i + ".bin")),
                    "image " + i + "'s words");
        }
        // the logits through the registers and the DMA: the golden model's, and the class their argmax
        List<String> batch = r.lines().stream().filter(l -> l.startsWith("batch ")).toList();
        assertEquals(2, batch.size(), r.text());
        // the batch back to back: the second image waited on the DMA before its START, the first could not
        assertTrue(r.text().contains("queued before START: 1 of 2"), r.text());
        for (int i = 0; i < 2; i++) {
            int[] golden = net.forwardFixed(samples.get(i).normalized());
            int cls = 0;
            for (int k = 1; k < golden.length; k++) {
                cls = golden[k] > golden[cls] ? k : cls;
            }
            assertEquals("batch " + cls + " " + join(golden), batch.get(i), "image " + i);
            if (i == 1) {
                assertTrue(r.text().contains("single " + cls + " " + join(golden)), r.text());
            }
        }
        long words = hw.blobWords();
        assertTrue(r.text().contains("refused blob: the parameter blob has " + (words - 1) + " words; rodenet-3-20 takes "
                + words), r.text());
        assertTrue(r.text().contains("refused weights: the weights hold " + NetworkSpec.of(Variant.RESNET, 20).params()
                + " parameters, rodenet-3-20 takes " + words), r.text());
        assertTrue(r.text().contains("refused image: images must be uint8"), r.text());
        assertTrue(r.text().contains("refused config: the overlay's engine is rodenet-3-24 x16"), r.text());
        // a weights file cut short names the tensor; a run that never ends, or ends in ERROR, is one exception
        assertTrue(r.text().matches("(?s).*refused cut: cut\\.safetensors, tensor '[^']+': its data ends at byte \\d+ of the "
                + "data, which has \\d+ \\(the file is cut short\\).*"), r.text());
        assertTrue(r.text().contains("fault hang: TimeoutError run (the image): the DMA transfer did not finish within 0.2 s "
                + "(STATUS 0x5, BUSY)"), r.text());
        assertTrue(r.text().contains("fault ddr-error: RuntimeError run: the engine reports ERROR (STATUS 0xe): the run "
                + "ended without logits"), r.text());
        assertTrue(r.text().contains(String.format("refused network id: the overlay's engine runs the network of "
                + "NETWORK_ID 0x%08x, this driver's network.json is 0x%08x", hw.networkId() ^ 1, hw.networkId())),
                r.text());
        // the driver's command line on CIFAR-100 binary records: the golden model's classes, the top-1 count
        Cifar100.write(work.resolve("test.bin"), samples);
        Run cli = run(work, env, List.of(PynqDriverTest.python(work), drv.resolve("odegen_network.py").toString(),
                "w.safetensors", "test.bin"));
        assertEquals(0, cli.exit(), cli.text());
        int correct = 0;
        for (int i = 0; i < 2; i++) {
            int[] golden = net.forwardFixed(samples.get(i).normalized());
            int cls = 0;
            for (int k = 1; k < golden.length; k++) {
                cls = golden[k] > golden[cls] ? k : cls;
            }
            correct += cls == samples.get(i).fineLabel() ? 1 : 0;
            assertTrue(cli.text().contains("image " + i + ": label " + samples.get(i).fineLabel() + ", predicted " + cls
                    + ", CYCLES 12345"), cli.text());
        }
        assertTrue(cli.text().contains("rodenet-3-20: top-1 " + correct + "/2"), cli.text());
        assertTrue(r.text().contains("this driver is generated for rodenet-3-20 x16, Q32.20, batch-stats, euler"), r.text());
    }
}
