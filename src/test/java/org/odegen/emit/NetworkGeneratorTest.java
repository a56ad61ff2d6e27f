package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.NetworkDesign;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;

/** The network engine's output folder (NETWORK.md): whole, deterministic, its ports the contract's, lint-clean. */
class NetworkGeneratorTest {
    @TempDir
    Path dir;

    /** NETWORK.md's ports: INTERFACE.md's and the AXI4 read master. */
    static final List<String> NETWORK_PORTS = Stream.concat(BlockGeneratorTest.INTERFACE_PORTS.stream(),
            Stream.of("araddr", "arlen", "arsize", "arburst", "arvalid", "arready", "rdata", "rresp", "rlast", "rvalid",
                    "rready", "arcache", "arprot").map(n -> "m_axi_" + n)).sorted().toList();

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void writesTheEngineFolderDeterministicallyAndLintClean() throws Exception {
        NetworkDesign d = NetworkDesign.of(Variant.RODENET_3, 20, 16);
        var a = NetworkGenerator.generate(d, dir.resolve("a"), false);
        var b = NetworkGenerator.generate(d, dir.resolve("b").resolve(d.id()), false);
        List<Path> files = tree(a.folder());
        assertEquals(files, tree(b.folder()));
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(a.folder().resolve(f)), Files.readAllBytes(b.folder().resolve(f)), f.toString());
            if (!f.toString().endsWith(".hex")) {
                String text = Files.readString(a.folder().resolve(f));
                assertFalse(text.contains(dir.toString()), f + " holds an absolute path");
                assertFalse(text.matches("(?s).*20[0-9][0-9][-.][01][0-9][-.][0-3][0-9].*"), f + " holds a date");
            }
        }
        for (String must : List.of("manifest.json", "report.md", "testbench/harness.cpp", "testbench/Makefile",
                "testbench/vectors/blob.hex", "testbench/vectors/image.hex", "testbench/vectors/logits.hex",
                "testbench/cocotb/Makefile", "testbench/cocotb/test_network.py", "testbench/cocotb/odegen_regs.py",
                "testbench/odegen_regs.h", "testbench/odegen_axil.h", "vivado/driver/odegen_regs.py",
                "testbench/cocotb/OdeNetwork_rodenet_3_20_x16_cocotb.v")) {
            assertTrue(files.contains(Path.of(must)), must + " in " + files);
        }
        JsonNode m = new ObjectMapper().readTree(a.folder().resolve("manifest.json").toFile());
        assertEquals("OdeNetwork_rodenet_3_20_x16", m.get("top").asText());
        JsonNode p = m.get("params");
        assertEquals("rodenet-3", p.get("variant").asText());
        assertEquals(156_276, p.get("blobWords").asInt(), "NETWORK.md: the blob is the network's parameter count");
        assertEquals(3072, p.get("imageWords").asInt());
        assertEquals(100, p.get("logits").asInt());
        assertEquals("euler", p.get("solver").asText());
        // network.json (MODEL.md): the canonical description, also beside the driver; NETWORK_ID is its CRC-32
        String json = Files.readString(a.folder().resolve("network.json"));
        NetworkDescription described = NetworkDescription.parse(json, "network.json");
        assertEquals(NetworkSpec.of(Variant.RODENET_3, 20), described.zooSpec().orElseThrow());
        assertEquals(json, described.canonicalJson());
        assertEquals(json, Files.readString(a.folder().resolve("vivado/driver/network.json")));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(Files.readAllBytes(a.folder().resolve("network.json")));
        assertEquals(crc.getValue(), p.get("networkId").asLong());
        assertTrue(Files.readString(a.folder().resolve("testbench/vectors/network.txt"))
                .contains("networkId " + crc.getValue() + "\n"), "the harness checks NETWORK_ID against it");
        long bound = m.get("macBoundCycles").asLong();
        assertEquals((40_999_168L + 15) / 16, bound, "PAPER.md: rODENet-3-20 is 41.0M multiply-adds");
        assertTrue(m.get("estimatedCycles").asLong() <= bound / 0.90, "at least 90% of the multiply-add bound");
        for (JsonNode v : m.get("verilog")) {
            assertTrue(v.asText().startsWith("rtl/") && v.asText().endsWith(".v"), v.asText());
            String module = v.asText().substring(4, v.asText().length() - 2);
            assertTrue(module.startsWith(a.top()), module + ": every module is named after the top");
        }
        assertEquals(NETWORK_PORTS, BlockGeneratorTest.topPorts(Files.readString(a.folder().resolve("rtl/" + a.top() + ".v"))));
        VerilogLint.lint(a.folder(), a.top(), a.verilog());
        String report = Files.readString(a.folder().resolve("report.md"));
        assertTrue(report.contains("multiply-add bound"));
        // where the cycles go: the phases' rows add up to the schedule, and CONV holds at least the bound
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| ([A-Z_]+) \\| [^|]+ \\| ([0-9,]+) \\|")
                .matcher(report.substring(report.indexOf("### Where the cycles go")));
        long phases = 0;
        long conv = 0;
        while (row.find()) {
            long c = Long.parseLong(row.group(2).replace(",", ""));
            phases += c;
            conv += row.group(1).equals("CONV") ? c : 0;
        }
        assertEquals(m.get("estimatedCycles").asLong(), phases, report);
        assertTrue(conv >= bound, report);
        // the packaged IP: the wrapper with the AXI4 master, and NETWORK.md's register map, under the Vivado stubs
        assertTrue(m.get("verilog").toString().contains("rtl/" + VivadoIp.wrapperName(a.top()) + ".v"));
        Process tcl = new ProcessBuilder("tclsh", Path.of("src/test/tcl/vivado_stubs.tcl").toAbsolutePath().toString(),
                "vivado/package_ip.tcl").directory(a.folder().toFile()).redirectErrorStream(true).start();
        String out = new String(tcl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, tcl.waitFor(), out);
        assertTrue(out.contains("ODEGen package_ip: odegen.org:odegen:" + a.top() + ":1.0"), out);
        assertTrue(out.contains("CALL ipx::add_register WEIGHTS_ADDR address_block:registers")
                && out.contains("CALL set_property address_offset 0x24 register:WEIGHTS_ADDR"), out);
        // regenerating replaces the folder whole and leaves nothing behind
        NetworkGenerator.generate(NetworkDesign.of(Variant.RESNET, 20, 8), a.folder(), false);
        assertEquals("OdeNetwork_resnet_20_x8", new ObjectMapper().readTree(a.folder().resolve("manifest.json").toFile())
                .get("top").asText());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("a", "b"), s.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @ParameterizedTest(name = "x64 rk4 mac{0}")
    @ValueSource(ints = {2, 3})
    void theChipLimitEnginesAreLintCleanToo(int macs) throws Exception {
        // 64 lanes in Q16.10 with RK4 and two multiply-adds a lane: four slices and their all-reduce, the two-lane
        // buffer RAMs (inline Verilog), the even and odd weight banks read at two addresses, the second broadcast
        // buses and multipliers, three weight slots and the k bank, none of which x16 Q32.20 Euler has; with
        // three: four weight banks two lanes a RAM, the third buses routed, the one-hot phases, ZERO
        NetworkDesign d = new NetworkDesign(org.odegen.net.NetworkSpec.of(Variant.RODENET_3, 20), 64,
                org.odegen.fixed.QFormat.parse("Q16.10"), org.odegen.model.NormMode.BATCH_STATS, org.odegen.model.OdeSolver.RK4,
                macs);
        var g = NetworkGenerator.generate(d, dir.resolve("x64"), false);
        assertEquals("OdeNetwork_rodenet_3_20_x64_rk4_mac" + macs, g.top());
        assertTrue(g.verilog().contains("rtl/" + g.top() + "_LanePairRam.v"), g.verilog().toString());
        VerilogLint.lint(g.folder(), g.top(), g.verilog());
    }

    @Test
    void twoMultiplyAddsALaneHalveTheConvsOfEveryVariant() {
        // a 3x3 conv's input channels in pairs: the time channel alone, the stem's three as a pair and one; the
        // 1x1 convs and the classifier keep one a cycle. Every variant at N = 20 and 64 lanes stays above 85% of
        // the bound of its 128 multipliers (the time channel's half-empty cycles: 17 of 18 slots a pixel in
        // layer1), and takes at most 0.55 of the cycles of one multiply-add a lane (rODENet-1-20: 0.547, its
        // ODEBlock in layer1, 17 channels in)
        var q = org.odegen.fixed.QFormat.parse("Q16.10");
        for (Variant v : Variant.values()) {
            var spec = org.odegen.net.NetworkSpec.of(v, 20);
            var one = NetworkGenerator.hardware(new NetworkDesign(spec, 64, q, org.odegen.model.NormMode.BATCH_STATS,
                    org.odegen.model.OdeSolver.EULER, 1));
            var two = NetworkGenerator.hardware(new NetworkDesign(spec, 64, q, org.odegen.model.NormMode.BATCH_STATS,
                    org.odegen.model.OdeSolver.EULER, 2));
            assertEquals(128, org.odegen.hw.NetworkFit.dsps(two), v + ": a DSP48E1 a multiply-add");
            assertEquals(3, two.slots(), "a third weight slot");
            assertEquals(one.macs(), two.macs());
            assertEquals((one.macs() + 127) / 128, two.macBoundCycles());
            double ofBound = two.macBoundCycles() / (double) two.scheduleCycles();
            assertTrue(ofBound >= 0.85, v + ": " + ofBound + " of the bound");
            assertTrue(two.scheduleCycles() <= 0.55 * one.scheduleCycles(), v + ": " + two.scheduleCycles() + " vs "
                    + one.scheduleCycles());
        }
    }

    @Test
    void threeMultiplyAddsALaneKeepEveryVariantAtNinetyPercentOfOneHundredNinetyTwoDsps() {
        // the every-DSP issue: at least 90% of the bound of the multipliers at work, for every variant at N = 20
        // (the triples' flat walk and the pipelined norm units: 91.9% for rODENet-1-20, its ODEBlock in layer1, up to
        // 94.1% for rODENet-3-20);
        // the regression holds the schedule equal to CYCLES on its x3 rows
        var q = org.odegen.fixed.QFormat.parse("Q16.10");
        for (Variant v : Variant.values()) {
            var three = NetworkGenerator.hardware(new NetworkDesign(org.odegen.net.NetworkSpec.of(v, 20), 64, q,
                    org.odegen.model.NormMode.BATCH_STATS, org.odegen.model.OdeSolver.EULER, 3));
            assertEquals(192, org.odegen.hw.NetworkFit.dsps(three), v + ": a DSP48E1 a multiply-add");
            assertEquals((three.macs() + 191) / 192, three.macBoundCycles());
            double ofBound = three.macBoundCycles() / (double) three.scheduleCycles();
            assertTrue(ofBound >= 0.90, v + ": " + ofBound + " of the bound of 192 multipliers");
        }
    }

    @Test
    void everyVariantKeepsItsLanesBusyPastSixteenLanes() {
        // the chip-limit issue: >= 90% of the multiply-add bound at 32 and 64 lanes, although the stem and
        // layer1 have 16 output channels (lanes over pixels: Pass.regions); the regression holds the
        // schedule equal to CYCLES at 16, 32 and 64 lanes
        for (Variant v : Variant.values()) {
            for (int lanes : new int[] {32, 64}) {
                var hw = NetworkGenerator.hardware(NetworkDesign.of(v, 20, lanes));
                double ofBound = hw.macBoundCycles() / (double) hw.scheduleCycles();
                assertTrue(ofBound >= 0.90, v + " x" + lanes + ": " + ofBound + " of the multiply-add bound");
            }
        }
    }

    /** The Yosys gate: synth_xilinx without latches, and the engine fits the XC7Z020 (PAPER.md's capacity). */
    @Test
    void synthesizesWithoutLatchesAndFitsTheChip() throws Exception {
        var g = NetworkGenerator.generate(NetworkDesign.of(Variant.RODENET_3, 20, 16), dir.resolve("est"), true);
        YosysEstimate est = g.estimate();
        var cap = PaperTable3.XC7Z020;
        assertEquals(0, est.latches(), "latches");
        assertEquals(16 * 4, est.count("DSP48E1"), "four DSP48E1 a lane at Q32.20");
        assertTrue(est.bram36() <= cap.bram36() && est.sliceLuts() <= cap.lut() && est.flipFlops() <= cap.ff(),
                est.bram36() + " BRAM36, " + est.sliceLuts() + " LUT, " + est.flipFlops() + " FF");
        String report = Files.readString(g.folder().resolve("report.md"));
        assertTrue(report.contains("| this engine (Yosys synth_xilinx) | " + String.format(java.util.Locale.ROOT, "%.1f",
                est.bram36()) + " | 64 |"), report);
        // where the LUTs go: the modules' own LUTs times their instances add up to the design's
        var modules = est.modules();
        assertEquals(g.top(), modules.get(0).module(), "the top first");
        assertEquals(16, modules.stream().filter(m -> m.module().endsWith("_Mulq")).findFirst().orElseThrow().instances());
        assertEquals(est.sliceLuts(), modules.stream().mapToLong(m -> (long) m.instances() * m.sliceLuts()).sum());
        assertTrue(report.contains("Slice LUTs a lane (all of them / 16 lanes): " + Math.round(est.sliceLuts() / 16.0)), report);
        // build.tcl asks the PS7 for the fastest clock it makes exactly that the estimate supports
        PlClock clock = PlClock.of(est);
        assertTrue(clock.mhz() <= est.timing().fmaxMhz() || clock.equals(PlClock.DEFAULT), clock.text());
        assertTrue(Files.readString(g.folder().resolve("vivado/build.tcl")).contains("\nset clock_mhz " + clock.text() + "\n"));
        assertTrue(report.contains("`vivado/build.tcl` builds at " + clock.text() + " MHz"), report);
    }
}
