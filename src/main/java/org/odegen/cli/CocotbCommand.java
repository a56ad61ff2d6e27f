package org.odegen.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.odegen.cocotb.CocotbRunner;
import org.odegen.cocotb.CppHarnessSpeed;
import org.odegen.cocotb.TestResult;
import org.odegen.dsl.OdeBlockDesign;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odegen cocotb}: a cocotb-style Python test bench against the Verilated block, in this JVM. */
@Command(name = "cocotb", mixinStandardHelpOptions = true,
        description = "Run a cocotb-style Python test bench (Jython) against the Verilated ODEBlock of one configuration.")
final class CocotbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TESTBENCH", description = "the test module, e.g. testbench/test_odeblock.py")
    Path testbench;

    @Mixin
    DesignOptions designOptions;

    @Option(names = "--seed", defaultValue = "1", description = "cocotb.RANDOM_SEED and Verilator's seed (default: ${DEFAULT-VALUE})")
    int seed;

    @Option(names = "--plusarg", paramLabel = "KEY=VALUE", description = "cocotb.plusargs entries (repeatable)")
    List<String> plusargs = new ArrayList<>();

    @Option(names = "--compare-cpp", description = "also run the Verilator C++ harness of the same configuration and compare speed")
    boolean compareCpp;

    @Override
    public Integer call() throws Exception {
        OdeBlockDesign design = designOptions.design();
        CocotbRunner.checkTestbench(testbench);
        Map<String, String> args = new LinkedHashMap<>();
        for (String p : plusargs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("plusarg '" + p + "' is not KEY=VALUE");
            }
            args.put(p.substring(0, eq), p.substring(eq + 1));
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("building %s under Verilator (cached under target/spinal-sim) ...%n", design.id());
        err.flush();
        List<TestResult> results = CocotbRunner.run(testbench, design, seed, args, Path.of("target/spinal-sim"), System.out);
        System.out.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%n%-28s %-6s %10s %8s %12s%n", "test", "result", "cycles", "wall s", "cycles/s");
        long cycles = 0;
        double wall = 0;
        boolean allPassed = true;
        for (TestResult r : results) {
            out.printf(Locale.ROOT, "%-28s %-6s %10d %8.2f %12.0f%n", r.name(), r.passed() ? "PASS" : "FAIL", r.cycles(),
                    r.wallSeconds(), r.cyclesPerSecond());
            cycles += r.cycles();
            wall += r.wallSeconds();
            allPassed &= r.passed();
        }
        out.printf(Locale.ROOT, "%-28s %-6s %10d %8.2f %12.0f%n", "all", allPassed ? "PASS" : "FAIL", cycles, wall,
                wall > 0 ? cycles / wall : 0);
        if (compareCpp) {
            Path folder = Files.createTempDirectory("odegen-cpp-speed");
            CppHarnessSpeed.Measurement m;
            try {
                m = CppHarnessSpeed.measure(design, folder.resolve(design.id()), seed);
            } finally {
                try (var walk = Files.walk(folder)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            out.printf(Locale.ROOT, "%-28s %-6s %10d %8.2f %12.0f%n", "C++ harness (same cases)", m.passed() ? "PASS" : "FAIL",
                    m.cycles(), m.seconds(), m.cyclesPerSecond());
            out.printf(Locale.ROOT, "the Python bridge runs at %.1f%% of the C++ harness's speed (%.0fx slower)%n",
                    100 * (cycles / wall) / m.cyclesPerSecond(), m.cyclesPerSecond() / (cycles / wall));
        }
        out.flush();
        return allPassed ? 0 : 1;
    }
}
