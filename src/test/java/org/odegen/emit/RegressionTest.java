package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;

/**
 * The Verilator regression: every configuration of {@code testbench/regression.csv} and
 * {@code testbench/regression-solvers.csv} (or the lists named by {@code -Dregression.list=A,B}) is generated,
 * its C++ harness built with make (builds cached under target/verilator-cache by a hash of the RTL and the
 * harness), run with random gaps and back-pressure
 * against the golden vectors, then without gaps to measure cycles per step of the solver:
 * {@code CYCLES(2 steps) - CYCLES(1 step)}, which must equal the schedule in manifest.json.
 * A row's optional fourth column is the ODE solver (euler when absent). Heun and RK4 rows are run once,
 * without gaps, bit-exact and timed in the same run: the stream handshakes they share with Euler are
 * checked with gaps by the Euler rows, and a second run of a 4-evaluation step would double their time.
 * Writes target/regression/cycles.md. A failure leaves an FST waveform (make trace) and names it.
 */
class RegressionTest {
    private static final Path ROOT = Path.of("target", "regression");
    private static final Path CACHE = VerilatorHarness.CACHE;
    private static final Map<String, String> ROWS = new TreeMap<>();
    private static final Progress PROGRESS = new Progress();
    /** What {@code mvn test} runs: Euler's list and the Heun and RK4 rows (-Dregression.list takes files, comma-separated). */
    private static final String DEFAULT_LISTS = "testbench/regression.csv,testbench/regression-solvers.csv";
    private static int done;

    static Stream<String[]> configurations() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String file : System.getProperty("regression.list", DEFAULT_LISTS).split(",")) {
            for (String line : Files.readAllLines(Path.of(file.strip()))) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    String[] row = s.split("\\s*,\\s*");
                    rows.add(row.length == 3 ? new String[] {row[0], row[1], row[2], "euler"} : row);
                }
            }
        }
        return rows.stream();
    }

    private static int total() throws IOException {
        return (int) configurations().count();
    }

    private static Tool.Result run(Path cwd, List<String> cmd) throws IOException {
        return Tool.run(cwd, cmd, 1800);
    }

    @ParameterizedTest(name = "{0} x{1} {2} {3}")
    @MethodSource("configurations")
    void bitExactAgainstTheGoldenModel(String layer, String lanesText, String norm, String solverText)
            throws Exception {
        long start = System.nanoTime();
        PaperLayer l = PaperLayer.parse(layer);
        int lanes = Integer.parseInt(lanesText);
        OdeSolver solver = OdeSolver.parse(solverText);
        OdeBlockDesign d = OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(lanes)
                .norm(NormMode.parse(norm)).solver(solver).build();
        String id = d.id() + "_" + norm;
        var g = BlockGenerator.generate(d, ROOT.resolve(id), false);
        Path tb = g.folder().resolve("testbench");
        Path bin = VerilatorHarness.binary(g.folder(), g.top(), CACHE);
        boolean gaps = solver == OdeSolver.EULER;
        Tool.Result checked = VerilatorHarness.run(g.folder(), bin, 1, gaps);
        if (checked.exit() != 0 || !checked.output().contains("ALL PASSED")) {
            Tool.Result trace = run(tb, List.of("make", "trace"));
            fail(id + " differs from the golden model:\n" + checked.output() + "\nwaveform: "
                    + tb.resolve(g.top() + ".fst") + (trace.exit() == 0 ? "" : " (make trace failed:\n" + trace.output() + ")"));
        }
        Tool.Result timed = gaps ? VerilatorHarness.run(g.folder(), bin, 1, false) : checked;
        long perStep = VerilatorHarness.cycles(timed.output()).perStep();
        long bound = d.macBoundCyclesPerSolverStep();
        assertEquals(g.cyclesPerStep(), perStep, id + ": measured cycles per " + solver + " step against the schedule");
        assertTrue(perStep <= 1.10 * bound, id + ": " + perStep + " cycles, bound " + bound);
        // the issue's budget: s evaluations cost at most s x Euler's step of the same block, plus 2%
        long euler = Hardware.cyclesPerStep(d.block(), lanes);
        double perEuler = perStep / (double) euler;
        assertTrue(perEuler <= solver.evaluations() * 1.02, id + ": " + perEuler + "x Euler's step");
        synchronized (ROWS) {
            ROWS.put(String.format(Locale.ROOT, "%s %02d %s %d", layer, lanes, norm, solver.code()),
                    String.format(Locale.ROOT, "| %s | %d | %s | %s | %d | %d | %.4f | %.4f |", layer, lanes, norm,
                            solver, perStep, bound, perStep / (double) bound, perEuler));
            done++;
            System.out.printf(Locale.ROOT, "[regression %d/%d] %s: bit-exact, %,d cycles per %s step (%.4fx the bound, "
                    + "%.4fx Euler's), %.0f s%s%n", done, total(), id, perStep, solver, perStep / (double) bound, perEuler,
                    (System.nanoTime() - start) / 1e9, PROGRESS.left(done, total()));
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        if (ROWS.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("| layer | lanes | norm | solver | cycles per step (measured) | "
                + "multiply-add bound (s evaluations) | ratio | against Euler's step |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        ROWS.values().forEach(r -> sb.append(r).append('\n'));
        Files.createDirectories(ROOT);
        Files.writeString(ROOT.resolve("cycles.md"), sb.toString());
    }
}
