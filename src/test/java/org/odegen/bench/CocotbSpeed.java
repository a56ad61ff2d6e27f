package org.odegen.bench;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.odegen.cocotb.CocotbMake;
import org.odegen.cocotb.CocotbRunner;
import org.odegen.cocotb.CppHarnessSpeed;
import org.odegen.cocotb.TestResult;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.model.PaperLayer;

/**
 * The speed of the three benches of one configuration, on the same cases (START before LOAD, then the
 * random and saturate cases with gaps and back-pressure, seed 1): the Verilator C++ harness, the Jython
 * bench through the bridge ({@code testbench/test_odeblock.py}), and the cocotb 2.x bench on Icarus
 * ({@code testbench/cocotb/}). Builds are not counted. Arguments: {@code small} (C = 8, 8x8, 4 lanes, as
 * CocotbBenchTest), or a layer and lanes ({@code layer3_2 16}).
 */
public final class CocotbSpeed {
    private CocotbSpeed() {
    }

    public static void main(String[] args) throws Exception {
        OdeBlockDesign d = args.length == 0 || args[0].equals("small")
                ? OdeBlockDesign.builder("cocotb_speed").featureMap(8, 8, 8).lanes(4).build()
                : OdeBlockDesign.paper(PaperLayer.valueOf(args[0].toUpperCase(Locale.ROOT)), Integer.parseInt(args[1]));
        Path out = Path.of("target/cocotb-speed");
        CppHarnessSpeed.Measurement cpp = CppHarnessSpeed.measure(d, out.resolve("cpp").resolve(d.id()), 1);
        row(d, "Verilator C++ harness (make -C testbench)", cpp.passed(), cpp.cycles(), cpp.seconds());

        List<TestResult> jy = CocotbRunner.run(Path.of("testbench/test_odeblock.py"), d, 1, Map.of(),
                Path.of("target/spinal-sim"), OutputStream.nullOutputStream());
        TestResult j = jy.stream().filter(r -> r.name().equals("random_and_saturate")).findFirst().orElseThrow();
        row(d, "Jython bench through the bridge (random_and_saturate)", j.passed(), j.cycles(), j.wallSeconds());

        Path bench = BlockGenerator.generate(d, out.resolve("cocotb").resolve(d.id()), false).folder()
                .resolve("testbench/cocotb");
        Path venv = CocotbMake.venvBin(Path.of("").toAbsolutePath());
        // the first make builds sim.vvp; the second, timed by cocotb itself, only simulates
        CocotbMake.make(bench, venv, Map.of("COCOTB_TEST_FILTER", "start_before_load"), List.of(), 3600);
        CocotbMake.Run run = CocotbMake.make(bench, venv, Map.of(), List.of(), 24 * 3600);
        CocotbMake.Case c = run.testCase("random_and_saturate");
        // the Makefile's clock has a 10 ns period
        row(d, "cocotb 2.x on Icarus (random_and_saturate)", run.passed(), (long) (c.simTimeNs() / 10), c.wallSeconds());
        System.out.printf(Locale.ROOT, "the cocotb make run took %.1f s in all (Python start and both tests)%n",
                run.wallSeconds());
    }

    private static void row(OdeBlockDesign d, String what, boolean passed, long cycles, double seconds) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %,d | %.2f | %,.0f |%n", d.id(), what, passed ? "pass" : "FAIL",
                cycles, seconds, cycles / seconds);
        System.out.flush();
    }
}
