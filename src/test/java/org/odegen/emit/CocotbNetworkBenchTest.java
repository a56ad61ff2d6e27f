package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.odegen.cocotb.CocotbMake;
import org.odegen.dsl.NetworkDesign;
import org.odegen.net.Variant;

/**
 * The network engine's cocotb 2.x bench ({@code testbench/cocotb/} of its output folder), run with its own
 * Makefile on Icarus under real cocotb and cocotbext-axi. {@code mvn test} runs its fast tests on rODENet-3-20
 * x16 and shows that a wrong golden value (a CONFIG field of {@code network.txt}) fails the bench, naming it. One
 * whole image of the engine (2.6M cycles: about 16 minutes of CPU on Icarus, 25 of wall time measured; README) runs only with
 * {@code -Dcocotb.engine.full=true}; the same whole-image test runs in {@code mvn test} on NetworkHarnessTest's
 * fixture (NETWORK.md's ports and protocol, no network, logits in thousands of cycles), where it must pass on the
 * fixture's logits and fail, naming the logit, on a wrong one.
 */
class CocotbNetworkBenchTest {
    static final Path OUT = Path.of("target/cocotb-network");
    static final List<String> FAST = List.of("start_before_load", "misaligned_load", "build_registers", "image_stream",
            "ddr_read_error");
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
        assertTrue(run.output().contains("DDR read error on beat 200: DONE ERROR, BUSY low, no logit"), run.output());
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
            Build.deleteTree(copy);
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
     * about 16 minutes of CPU, more on a loaded machine (README). CYCLES must be at least the schedule of manifest.json.
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

    /**
     * A folder with NETWORK.md's layout around the fixture (rtl/NetFixture.v, vectors of NetworkHarnessTest's
     * kind, a manifest.json with what the bench reads) and the bench CocotbWriter writes for any engine top.
     */
    static Path fixtureFolder(Path at) throws IOException {
        if (Files.exists(at)) {
            Build.deleteTree(at);
        }
        Files.createDirectories(at.resolve("rtl"));
        try (InputStream in = NetworkHarnessTest.class.getResourceAsStream("NetFixture.v")) {
            Files.copy(in, at.resolve("rtl/NetFixture.v"));
        }
        SplittableRandom rng = new SplittableRandom(42);
        int blobWords = 1501; // the fixture's BLOB_WORDS
        int[] blob = rng.ints(blobWords).toArray();
        int[] image = rng.ints(3072).toArray();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("name", "fixture");
        // the fixture's CONFIG_WORD and WIDTH_WORD: rodenet-3, N 20, Q32.20, batch-stats, 16 lanes, euler
        for (String f : List.of("lanes 16", "variant 5", "depth 20", "frac 20", "norm 1", "width 32", "solver 0")) {
            facts.put(f.split(" ")[0], f.split(" ")[1]);
        }
        NetworkTestbenchWriter.writeVectors(at.resolve("testbench/vectors"), new NetworkTestbenchWriter.Vectors(blob, image,
                NetworkHarnessTest.fixtureLogits(blob, image), facts));
        // estimatedCycles: a bound the fixture must meet (it takes the image, then sends the logits)
        Files.writeString(at.resolve("manifest.json"), """
                {"top": "NetFixture", "params": {"lanes": 16, "dataWidth": 32, "blobWords": %d, "imageWords": 3072,
                 "logits": 100}, "estimatedCycles": 3172}
                """.formatted(blobWords));
        CocotbWriter.writeNetwork(at, "NetFixture");
        return at.resolve("testbench/cocotb");
    }

    /** The whole-image test on the fixture: it passes on the fixture's logits, reporting CYCLES. */
    @Test
    void wholeImageTestPassesOnTheFixture() throws IOException {
        Path bench = fixtureFolder(OUT.resolve("fixture"));
        CocotbMake.Run run = CocotbMake.make(bench, venvBin, Map.of("COCOTB_TEST_FILTER", "whole_image"),
                List.of("FULL=1"), 600);
        assertEquals(List.of("whole_image"), run.cases().stream().map(CocotbMake.Case::name).toList(), run.output());
        assertTrue(run.passed(), run.testCase("whole_image").message() + "\n" + run.output());
        Matcher m = Pattern.compile("whole image: PASS, 100 logits bit-exact, CYCLES (\\d+) \\(schedule 3172\\)")
                .matcher(run.output());
        assertTrue(m.find(), run.output());
        assertTrue(Long.parseLong(m.group(1)) >= 3172, m.group());
    }

    /** A deliberately wrong golden logit (37 of 100): the whole-image test fails and names it; make fails. */
    @Test
    void wrongGoldenLogitFailsAndIsNamed() throws IOException {
        Path bench = fixtureFolder(OUT.resolve("fixture-wrong-logit"));
        Path logits = bench.resolve("../vectors/logits.hex");
        List<String> lines = Files.readAllLines(logits);
        String golden = lines.get(37);
        String wrong = String.format("%08x", (int) Long.parseLong(golden, 16) ^ 0x100);
        lines.set(37, wrong);
        Files.write(logits, lines);
        CocotbMake.Run run = CocotbMake.make(bench, venvBin, Map.of("COCOTB_TEST_FILTER", "whole_image"),
                List.of("FULL=1"), 600);
        assertNotEquals(0, run.exit(), "make must fail on a failed cocotb test\n" + run.output());
        CocotbMake.Case c = run.testCase("whole_image");
        assertFalse(c.passed(), run.output());
        assertTrue(c.message().contains("FAIL: first wrong logit 37: got " + golden), c.message());
        assertTrue(c.message().contains("golden " + wrong), c.message());
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
