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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;

class BlockGeneratorTest {
    @TempDir
    Path dir;

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    /** The top's ports, exactly INTERFACE.md's (Vivado's block design and the drivers name them). */
    static final List<String> INTERFACE_PORTS = Stream.concat(Stream.of("clk", "resetn", "interrupt"), Stream.concat(
            Stream.of("awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready", "bresp", "bvalid",
                    "bready", "araddr", "arprot", "arvalid", "arready", "rdata", "rresp", "rvalid", "rready")
                    .map(n -> "s_axi_ctrl_" + n),
            Stream.of("s_axis_", "m_axis_").flatMap(p -> Stream.of("tdata", "tvalid", "tready", "tlast").map(n -> p + n))))
            .sorted().toList();

    static List<String> topPorts(String verilog) {
        var m = java.util.regex.Pattern.compile("^\\s*(?:input|output)\\s+(?:wire|reg)?\\s*(?:\\[[^]]*]\\s*)?(\\w+)",
                java.util.regex.Pattern.MULTILINE).matcher(verilog.substring(0, verilog.indexOf(");")));
        List<String> ports = new java.util.ArrayList<>();
        while (m.find()) {
            ports.add(m.group(1));
        }
        return ports.stream().sorted().toList();
    }

    @Test
    void writesTheOutputFolderDeterministically() throws Exception {
        OdeBlockDesign d = OdeBlockDesign.paper(PaperLayer.LAYER3_2, 16);
        var a = BlockGenerator.generate(d, dir.resolve("a"), false);
        var b = BlockGenerator.generate(d, dir.resolve("b").resolve("layer3_2_x16"), false);
        List<Path> files = tree(a.folder());
        assertEquals(files, tree(b.folder()));
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(a.folder().resolve(f)), Files.readAllBytes(b.folder().resolve(f)), f.toString());
            String text = Files.readString(a.folder().resolve(f));
            assertFalse(text.contains(dir.toString()), f + " holds an absolute path");
            if (!f.toString().endsWith(".hex")) { // hex words may hold any digits
                assertFalse(text.matches("(?s).*20[0-9][0-9][-.][01][0-9][-.][0-3][0-9].*"), f + " holds a date");
            }
        }
        assertTrue(files.contains(Path.of("manifest.json")) && files.contains(Path.of("report.md"))
                && files.contains(Path.of("testbench/harness.cpp")) && files.contains(Path.of("testbench/Makefile"))
                && files.contains(Path.of("testbench/vectors/random/expected.hex"))
                && files.contains(Path.of("testbench/odegen_regs.h")) && files.contains(Path.of("testbench/odegen_axil.h"))
                && files.contains(Path.of("testbench/cocotb/odegen_regs.py"))
                && files.contains(Path.of("vivado/driver/odegen_regs.py")), files.toString());
        JsonNode m = new ObjectMapper().readTree(a.folder().resolve("manifest.json").toFile());
        assertEquals("OdeBlock_layer3_2_x16", m.get("top").asText());
        assertEquals(75_136, m.get("params").get("paramWords").asInt());
        assertEquals(4096, m.get("params").get("featureWords").asInt());
        assertEquals("batch-stats", m.get("params").get("norm").asText());
        for (JsonNode v : m.get("verilog")) {
            assertTrue(Files.exists(a.folder().resolve(v.asText())), v.asText());
            assertTrue(v.asText().startsWith("rtl/") && v.asText().endsWith(".v"), v.asText());
        }
        assertEquals(INTERFACE_PORTS, topPorts(Files.readString(a.folder().resolve("rtl/OdeBlock_layer3_2_x16.v"))));
        long cycles = m.get("estimatedCycles").asLong();
        assertTrue(cycles <= 1.10 * d.macBoundCyclesPerStep(), cycles + " vs " + d.macBoundCyclesPerStep());
        String report = Files.readString(a.folder().resolve("report.md"));
        assertTrue(report.contains("| ratio to the bound |") && report.contains("1640000"), report);
        // regenerating replaces the folder whole, and leaves no temporary folder behind
        BlockGenerator.generate(OdeBlockDesign.paper(PaperLayer.LAYER3_2, 8), a.folder(), false);
        assertEquals("OdeBlock_layer3_2_x8", new ObjectMapper().readTree(a.folder().resolve("manifest.json").toFile())
                .get("top").asText());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("a", "b"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Heun and RK4: their own top and folder, the solver in manifest.json, report.md, the vectors and the harness. */
    @Test
    void theSolverIsInEveryFileThatDescribesTheBlock() throws Exception {
        OdeBlockDesign euler = OdeBlockDesign.paper(PaperLayer.LAYER3_2, 16);
        for (OdeSolver s : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            OdeBlockDesign d = OdeBlockDesign.builder("layer3_2").featureMap(64, 8, 8).lanes(16).solver(s)
                    .build();
            assertEquals("layer3_2_x16_" + s.id(), d.id());
            var g = BlockGenerator.generate(d, BlockGenerator.defaultFolder(dir, d), false);
            assertEquals(dir.resolve("target/generated/layer3_2_x16_" + s.id()).toAbsolutePath(), g.folder());
            assertEquals("OdeBlock_layer3_2_x16_" + s.id(), g.top());
            JsonNode m = new ObjectMapper().readTree(g.folder().resolve("manifest.json").toFile());
            assertEquals(s.id(), m.get("params").get("solver").asText());
            assertEquals(s.evaluations() * euler.macBoundCyclesPerStep(), m.get("macBoundCycles").asLong());
            long eulerCycles = org.odegen.hw.Hardware.cyclesPerStep(euler.block(), 16);
            assertEquals(s.evaluations() * eulerCycles, m.get("estimatedCycles").asLong());
            String report = Files.readString(g.folder().resolve("report.md"));
            assertTrue(report.contains("| ODE solver | " + s.id() + " (" + s.evaluations() + " evaluations of f per step; "
                    + "WIDTH[9:8] = " + s.code() + ") |"), report);
            assertTrue(report.contains("| per evaluation of f (against an Euler step of the same block) | " + eulerCycles
                    + " |"), report);
            for (String line : Files.readAllLines(g.folder().resolve("testbench/vectors/cases.txt"))) {
                assertTrue(line.endsWith(" " + s.id()), line);
            }
            assertTrue(Files.readString(g.folder().resolve("testbench/harness.cpp"))
                    .contains("const int kSolver = " + s.code() + ";"));
            assertTrue(Files.readString(g.folder().resolve("vivado/driver/odegen_block.py"))
                    .contains("SOLVER = \"" + s.id() + "\""));
            String top = Files.readString(g.folder().resolve("rtl/" + g.top() + ".v"));
            assertEquals(INTERFACE_PORTS, topPorts(top));
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OdeSolver.parse("rk2"));
        assertEquals("solver 'rk2' is not valid; valid: euler, heun, rk4", e.getMessage());
    }

    /** Every layer at two lane counts, both norm modes and the three solvers across them: Verilator -Wall finds nothing. */
    @ParameterizedTest
    @CsvSource({"layer1, 1, batch-stats, euler", "layer1, 16, folded, euler", "layer2_2, 4, folded, euler",
        "layer2_2, 32, batch-stats, euler", "layer3_2, 16, batch-stats, euler", "layer3_2, 32, folded, euler",
        "layer1, 4, batch-stats, heun", "layer2_2, 8, folded, rk4", "layer3_2, 16, batch-stats, rk4"})
    void generatedVerilogLintsClean(String layer, int lanes, String norm, String solver) throws Exception {
        PaperLayer l = PaperLayer.parse(layer);
        OdeBlockDesign d = OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(lanes)
                .norm(NormMode.parse(norm)).solver(OdeSolver.parse(solver)).build();
        var g = BlockGenerator.generate(d, dir.resolve(d.id()), false);
        VerilogLint.lint(g.folder(), g.top(), g.verilog());
    }
}
