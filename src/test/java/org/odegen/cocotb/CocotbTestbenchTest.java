package org.odegen.cocotb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;

/** The example Python test bench, run by Jython against the Verilated block. */
class CocotbTestbenchTest {
    static final Path EXAMPLE = Path.of("testbench/test_odeblock.py");
    static final Path WORKSPACE = Path.of("target/spinal-sim");

    static OdeBlockDesign small() {
        return OdeBlockDesign.builder("c8").featureMap(8, 8, 8).lanes(4).build();
    }

    private static String text(ByteArrayOutputStream log) {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exampleTestbenchPasses() throws IOException {
        var log = new ByteArrayOutputStream();
        List<TestResult> results = CocotbRunner.run(EXAMPLE, small(), 1, Map.of(), WORKSPACE, tee(log));
        assertEquals(List.of("start_before_load", "random_and_saturate", "cycles_per_euler_step"),
                results.stream().map(TestResult::name).toList());
        for (TestResult r : results) {
            assertTrue(r.passed(), r.name() + ": " + r.message() + "\n" + text(log));
            assertTrue(r.cycles() > 0, r.name() + " simulated no cycles");
        }
        assertTrue(text(log).contains("random: 512 words bit-exact"), text(log));
    }

    /** A deliberately wrong expected value: the test bench must fail and name the word. */
    @Test
    void wrongExpectedValueFailsAndNamesTheWord(@TempDir Path dir) throws IOException {
        Path tb = dir.resolve("test_wrong_expected.py");
        Files.writeString(tb, String.join("\n",
                "import cocotb",
                "from test_odeblock import OdeBlockTB, check_case, random_case",
                "",
                "@cocotb.test()",
                "def wrong_expected_word(dut):",
                "    tb = OdeBlockTB(dut, 1, gaps=False)",
                "    yield tb.start()",
                "    params, z0, steps, h, t0 = random_case(tb.golden, 1)",
                "    expected = tb.golden.run(params, z0, steps, h, t0)",
                "    expected[77] += 1",
                "    yield check_case(tb, 'random', params, z0, steps, h, t0, expect=expected)",
                ""));
        var log = new ByteArrayOutputStream();
        List<TestResult> results = CocotbRunner.run(tb, small(), 1, Map.of(), WORKSPACE, log);
        assertEquals(1, results.size());
        TestResult r = results.get(0);
        assertFalse(r.passed(), "a wrong expected word must fail the test\n" + text(log));
        assertTrue(r.message().contains("first differing word 77 (channel 1, y 1, x 5) after 2 Euler steps"),
                r.message());
    }

    @Test
    void aBrokenTestBenchIsOneClearError(@TempDir Path dir) throws IOException {
        Path syntax = Files.writeString(dir.resolve("test_syntax.py"), "import cocotb\n@cocotb.test()\ndef t(dut)\n    yield\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> CocotbRunner.run(syntax, small(), 1, Map.of(), WORKSPACE, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("test_syntax.py") && e.getMessage().contains("SyntaxError"), e.getMessage());
        Path none = Files.writeString(dir.resolve("test_none.py"), "import cocotb\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> CocotbRunner.run(none, small(), 1, Map.of(), WORKSPACE, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("has no @cocotb.test() functions"), e.getMessage());
    }

    private static OutputStream tee(ByteArrayOutputStream log) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                log.write(b);
                System.out.write(b);
            }
        };
    }
}
