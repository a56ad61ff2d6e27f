package org.odegen.cocotb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.model.NormMode;

/**
 * The cocotb 2.x bench written into every output folder ({@code testbench/cocotb/}), run with its own
 * Makefile on Icarus under real cocotb and cocotbext-axi: it passes on two small blocks (one per norm
 * mode), and fails on a wrong golden word, naming it.
 */
class CocotbBenchTest {
    static final Path OUT = Path.of("target/cocotb-bench");
    static final int TIMEOUT_S = 600;
    static Path venvBin;

    @BeforeAll
    static void pythonEnvironment() throws IOException {
        // installs cocotb 2.x, cocotbext-axi and numpy into the cached environment on a fresh machine
        venvBin = CocotbMake.venvBin(Path.of("").toAbsolutePath());
    }

    /** C = 8, 8x8, 4 lanes: the whole bench in seconds on Icarus (a paper layer would take hours). */
    static OdeBlockDesign small(NormMode norm) {
        return OdeBlockDesign.builder("cocotb_" + norm.id().replace('-', '_')).featureMap(8, 8, 8).lanes(4).norm(norm)
                .build();
    }

    static Path generate(OdeBlockDesign d, String name) throws IOException {
        return BlockGenerator.generate(d, OUT.resolve(name), false).folder().resolve("testbench/cocotb");
    }

    @Test
    void benchPassesForBothNormModes() throws IOException {
        for (NormMode norm : NormMode.values()) {
            OdeBlockDesign d = small(norm);
            Path bench = generate(d, d.id());
            CocotbMake.Run run = CocotbMake.make(bench, venvBin, Map.of(), List.of(), TIMEOUT_S);
            System.out.printf("cocotb bench %s on Icarus: %s, %.1f s (build included)%n", d.id(),
                    run.passed() ? "passed" : "FAILED", run.wallSeconds());
            assertEquals(List.of("start_before_load", "random_and_saturate"),
                    run.cases().stream().map(CocotbMake.Case::name).toList(), run.output());
            for (CocotbMake.Case c : run.cases()) {
                assertTrue(c.passed(), d.id() + " " + c.name() + ": " + c.message() + "\n" + run.output());
            }
            assertEquals(0, run.exit(), run.output());
            for (String name : List.of("random", "saturate")) {
                Matcher m = Pattern.compile(name + ": PASS, 512 words bit-exact, (\\d) Euler step\\(s\\), CYCLES (\\d+)")
                        .matcher(run.output());
                assertTrue(m.find(), name + " reported no CYCLES:\n" + run.output());
                long steps = Long.parseLong(m.group(1));
                long cycles = Long.parseLong(m.group(2));
                long perStep = org.odegen.hw.Hardware.cyclesPerStep(d.block(), d.lanes());
                // with gaps and back-pressure on 512 words in and out, CYCLES is the schedule and a little
                assertTrue(cycles >= steps * perStep && cycles < steps * perStep + 8 * 512,
                        name + ": CYCLES " + cycles + " for " + steps + " steps of " + perStep);
            }
        }
    }

    /**
     * A deliberately wrong golden word (random case, word 21): make fails, and results.xml names the word.
     * On a smaller block (C = 4, 4x4, 2 lanes), since the word is found only after the whole random case.
     * This run finds cocotb as a user's plain {@code make} does: not on the PATH, through ODEGEN_VENV.
     */
    @Test
    void wrongGoldenWordFailsAndIsNamed() throws IOException {
        Path bench = generate(OdeBlockDesign.builder("cocotb_wrong_word").featureMap(4, 4, 4).lanes(2).build(),
                "cocotb_wrong_word");
        Path expected = bench.resolve("../vectors/random/expected.hex");
        List<String> lines = Files.readAllLines(expected);
        lines.set(21, String.format("%08x", (int) Long.parseLong(lines.get(21), 16) ^ 1));
        Files.write(expected, lines);
        CocotbMake.Run run = CocotbMake.make(bench, Map.of("COCOTB_TEST_FILTER", "random_and_saturate",
                "PATH", CocotbMake.pathWithoutCocotb(), "ODEGEN_VENV", venvBin.getParent().toString()), List.of(), TIMEOUT_S);
        assertNotEquals(0, run.exit(), "make must fail on a failed cocotb test\n" + run.output());
        CocotbMake.Case c = run.testCase("random_and_saturate");
        assertFalse(c.passed(), run.output());
        assertEquals(List.of("random_and_saturate"), run.cases().stream().map(CocotbMake.Case::name).toList());
        assertTrue(c.message().contains("random: FAIL after 2 Euler step(s): first differing word 21 (channel 1, y 1, x 1)"),
                c.message());
    }
}
