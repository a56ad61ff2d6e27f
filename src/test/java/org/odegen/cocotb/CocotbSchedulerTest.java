package org.odegen.cocotb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cocotb subset's semantics (src/test/python/test_scheduler.py) on the real Verilated block:
 * timers and edges at the right simulated times, fork/join, return values, exceptions, and every
 * way a test bench can go wrong, each with its message.
 */
class CocotbSchedulerTest {
    private static final Map<String, TestResult> results = new LinkedHashMap<>();
    private static String log;

    @BeforeAll
    static void run() throws IOException {
        var out = new ByteArrayOutputStream();
        List<TestResult> list = CocotbRunner.run(Path.of("src/test/python/test_scheduler.py"),
                CocotbTestbenchTest.small(), 3, Map.of(), CocotbTestbenchTest.WORKSPACE, out);
        list.forEach(r -> results.put(r.name(), r));
        log = out.toString(StandardCharsets.UTF_8);
    }

    private static TestResult result(String name) {
        assertTrue(results.containsKey(name), name + " did not run: " + results.keySet() + "\n" + log);
        return results.get(name);
    }

    private static void passes(String name) {
        TestResult r = result(name);
        assertTrue(r.passed(), name + ": " + r.message() + "\n" + log);
    }

    private static void failsWith(String name, String... parts) {
        TestResult r = result(name);
        assertFalse(r.passed(), name + " should fail\n" + log);
        for (String p : parts) {
            assertTrue(r.message().contains(p), name + ": '" + r.message() + "' lacks '" + p + "'");
        }
    }

    @Test
    void timersEdgesAndClockCyclesKeepSimulatedTime() {
        passes("timer_and_edges");
        assertEquals(3_000 + 5_000 + 70_000 - 5_000, result("timer_and_edges").simTimePs());
    }

    @Test
    void clocksToggledOnTheJavaSideWakeEachKindOfWaiter() {
        passes("clocks_on_the_java_side");
    }

    @Test
    void forkJoinReturnValuesAndExceptions() {
        passes("fork_join_and_return_values");
    }

    @Test
    void signalsReadAndWrittenByName() {
        passes("registers_over_signals");
    }

    @Test
    void expectFailTurnsAFailureIntoAPass() {
        passes("failing_assert");
        assertTrue(result("failing_assert").message().contains("arithmetic is off"));
        assertTrue(result("failing_assert").message().contains("test_scheduler.py:"), "names the line");
    }

    @Test
    void testBenchMistakesFailTheTestWithAClearMessage() {
        failsWith("fails_in_forked_task", "ValueError", "broken on purpose");
        failsWith("waits_forever", "no clock or timer", "interrupt");
        failsWith("runs_too_long", "timeout of 200000 ps");
        failsWith("unknown_signal", "no port 'no_such_port'", "s_axis_tdata");
        failsWith("write_to_an_output", "interrupt is an output");
        failsWith("write_in_readonly", "ReadOnly");
        failsWith("yields_nonsense", "yielded 42");
    }
}
