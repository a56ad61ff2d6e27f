package org.odegen.cocotb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.emit.NetworkGenerator;
import org.odegen.net.Variant;

/**
 * The network engine's cocotb 2.x bench ({@code testbench/cocotb/} of its output folder), run with its own
 * Makefile on Icarus under real cocotb and cocotbext-axi. {@code mvn test} runs its fast tests on rODENet-3-20
 * x16 and shows that a wrong golden value (a CONFIG field of {@code network.txt}) fails the bench, naming it. One
 * whole image (2.6M cycles: about an hour or more on Icarus, README) runs only with {@code -Dcocotb.engine.full=true}.
 */
class CocotbNetworkBenchTest {
    static final Path OUT = Path.of("target/cocotb-network");
    static final List<String> FAST = List.of("start_before_load", "misaligned_load", "build_registers", "image_stream");
    static Path venvBin;
    static Path folder;

    @BeforeAll
    static void generate() throws IOException {
        // installs cocotb 2.x, cocotbext-axi and numpy into the cached environment on a fresh machine
        venvBin = CocotbMake.venvBin(Path.of("").toAbsolutePath());
        folder = NetworkGenerator.generate(NetworkDesign.of(Variant.RODENET_3, 20, 16), OUT.resolve("rodenet-3-20_x16"),
                false).folder();
    }

    @Test
    void fastTestsPass() throws IOException {
        CocotbMake.Run run = CocotbMake.make(folder.resolve("testbench/cocotb"), venvBin, Map.of(), List.of(), 600);
        System.out.printf("engine cocotb bench, fast tests on Icarus: %s, %.1f s (build included)%n",
                run.passed() ? "passed" : "FAILED", run.wallSeconds());
        assertEquals(FAST, run.cases().stream().map(CocotbMake.Case::name).toList(), run.output());
        for (CocotbMake.Case c : run.cases()) {
            assertTrue(c.passed(), c.name() + ": " + c.message() + "\n" + run.output());
        }
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("as the folder says (lanes 16, variant 5, depth 20, frac 20, norm 1, width 32, "
                + "solver 0)"), run.output());
        assertTrue(Pattern.compile("image taken; [1-9]\\d* m_axi beats read from the blob meanwhile, all inside it")
                .matcher(run.output()).find(), run.output());
    }

    /**
     * A deliberately wrong golden value: network.txt says depth 21 for the depth-20 engine. build_registers must
     * fail and name the field, what it reads and what the file says; make must fail. In a copy of the folder,
     * so that the other tests keep the right vectors; this run finds cocotb as a user's plain {@code make} does.
     */
    @Test
    void wrongGoldenValueFailsAndIsNamed() throws IOException {
        Path copy = OUT.resolve("wrong-depth");
        if (Files.exists(copy)) {
            BlockGenerator.deleteTree(copy);
        }
        copyTree(folder, copy);
        Path facts = copy.resolve("testbench/vectors/network.txt");
        String text = Files.readString(facts);
        assertTrue(text.contains("\ndepth 20\n"), text);
        Files.writeString(facts, text.replace("\ndepth 20\n", "\ndepth 21\n"));
        CocotbMake.Run run = CocotbMake.make(copy.resolve("testbench/cocotb"), Map.of("COCOTB_TEST_FILTER", "build_registers",
                "PATH", CocotbMake.pathWithoutCocotb(), "ODEGEN_VENV", venvBin.getParent().toString()), List.of(), 600);
        assertNotEquals(0, run.exit(), "make must fail on a failed cocotb test\n" + run.output());
        assertEquals(List.of("build_registers"), run.cases().stream().map(CocotbMake.Case::name).toList(), run.output());
        CocotbMake.Case c = run.testCase("build_registers");
        assertFalse(c.passed(), run.output());
        assertTrue(c.message().contains("CONFIG.depth reads 20, ../vectors/network.txt says 21"), c.message());
    }

    /**
     * One whole image on Icarus, every logit compared: only with {@code -Dcocotb.engine.full=true}, as it takes
     * an hour or more (README). CYCLES must be at least the schedule of manifest.json.
     */
    @Test
    @EnabledIfSystemProperty(named = "cocotb.engine.full", matches = "true")
    void wholeImageIsBitExact() throws IOException {
        CocotbMake.Run run = CocotbMake.make(folder.resolve("testbench/cocotb"), venvBin,
                Map.of("COCOTB_TEST_FILTER", "whole_image"), List.of("FULL=1"), 6 * 3600);
        System.out.printf("engine cocotb bench, whole image on Icarus: %s, %.0f s%n", run.passed() ? "passed" : "FAILED",
                run.wallSeconds());
        assertEquals(List.of("whole_image"), run.cases().stream().map(CocotbMake.Case::name).toList(), run.output());
        assertTrue(run.passed(), run.testCase("whole_image").message() + "\n" + run.output());
        Matcher m = Pattern.compile("whole image: PASS, 100 logits bit-exact, CYCLES (\\d+) \\(schedule (\\d+)\\)")
                .matcher(run.output());
        assertTrue(m.find(), run.output());
        long schedule = new ObjectMapper().readTree(folder.resolve("manifest.json").toFile()).get("estimatedCycles").asLong();
        assertEquals(schedule, Long.parseLong(m.group(2)));
        assertTrue(Long.parseLong(m.group(1)) >= schedule, m.group());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(p -> !p.toString().contains("sim_build")).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
