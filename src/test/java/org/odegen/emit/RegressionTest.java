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
import org.odegen.model.NormMode;
import org.odegen.model.PaperLayer;

/**
 * The Verilator regression: every configuration of {@code testbench/regression.csv} (or the list named by
 * {@code -Dregression.list=...}) is generated, its C++ harness built with make (builds cached under
 * target/verilator-cache by a hash of the RTL and the harness), run with random gaps and back-pressure
 * against the golden vectors, then without gaps to measure cycles per Euler step:
 * {@code CYCLES(2 steps) - CYCLES(1 step)}, which must equal the schedule in manifest.json.
 * Writes target/regression/cycles.md. A failure leaves an FST waveform (make trace) and names it.
 */
class RegressionTest {
    private static final Path ROOT = Path.of("target", "regression");
    private static final Path CACHE = VerilatorHarness.CACHE;
    private static final Map<String, String> ROWS = new TreeMap<>();
    private static int done;

    static Stream<String[]> configurations() throws IOException {
        Path list = Path.of(System.getProperty("regression.list", "testbench/regression.csv"));
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                rows.add(s.split("\\s*,\\s*"));
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

    @ParameterizedTest(name = "{0} x{1} {2}")
    @MethodSource("configurations")
    void bitExactAgainstTheGoldenModel(String layer, String lanesText, String norm) throws Exception {
        long start = System.nanoTime();
        PaperLayer l = PaperLayer.parse(layer);
        int lanes = Integer.parseInt(lanesText);
        OdeBlockDesign d = OdeBlockDesign.builder(l.id()).featureMap(l.channels(), l.size(), l.size()).lanes(lanes)
                .norm(NormMode.parse(norm)).build();
        String id = d.id() + "_" + norm;
        var g = BlockGenerator.generate(d, ROOT.resolve(id), false);
        Path tb = g.folder().resolve("testbench");
        Path bin = VerilatorHarness.binary(g.folder(), g.top(), CACHE);
        Tool.Result checked = VerilatorHarness.run(g.folder(), bin, 1, true);
        if (checked.exit() != 0 || !checked.output().contains("ALL PASSED")) {
            Tool.Result trace = run(tb, List.of("make", "trace"));
            fail(id + " differs from the golden model:\n" + checked.output() + "\nwaveform: "
                    + tb.resolve(g.top() + ".fst") + (trace.exit() == 0 ? "" : " (make trace failed:\n" + trace.output() + ")"));
        }
        Tool.Result timed = VerilatorHarness.run(g.folder(), bin, 1, false);
        long perStep = VerilatorHarness.cycles(timed.output()).perStep();
        long bound = d.macBoundCyclesPerStep();
        assertEquals(g.cyclesPerStep(), perStep, id + ": measured cycles per Euler step against the schedule");
        assertTrue(perStep <= 1.10 * bound, id + ": " + perStep + " cycles, bound " + bound);
        synchronized (ROWS) {
            ROWS.put(String.format(Locale.ROOT, "%s %02d %s", layer, lanes, norm), String.format(Locale.ROOT,
                    "| %s | %d | %s | %d | %d | %.4f |", layer, lanes, norm, perStep, bound, perStep / (double) bound));
            done++;
            System.out.printf(Locale.ROOT, "[regression %d/%d] %s: bit-exact, %d cycles per Euler step (%.4fx the bound), %.0f s%n",
                    done, total(), id, perStep, perStep / (double) bound, (System.nanoTime() - start) / 1e9);
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        if (ROWS.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("| layer | lanes | norm | cycles per Euler step (measured) | multiply-add bound | ratio |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        ROWS.values().forEach(r -> sb.append(r).append('\n'));
        Files.createDirectories(ROOT);
        Files.writeString(ROOT.resolve("cycles.md"), sb.toString());
    }
}
