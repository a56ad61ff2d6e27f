package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.odegen.dsl.NetworkDesign;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;

/**
 * The network engine's regression: every row of {@code testbench/network-regression.csv} (or
 * {@code -Dnetwork.list=...}) is generated, its Verilator harness built (cached under target/verilator-cache)
 * and run against the golden vectors of the fixed-point twin: without gaps, where the logits must be
 * bit-exact and CYCLES equal the generator's schedule (up to the harness's own handshake, see
 * {@link #HANDSHAKE}), and, for 'gaps' rows, again with random gaps, back-pressure and DDR latency.
 * Writes target/network-regression/cycles.md.
 */
class NetworkRegressionTest {
    private static final Path ROOT = Path.of("target", "network-regression");
    /**
     * Cycles between the START write and the image's first word that the schedule does not count: the harness
     * sends the image only after the write's B response (2 cycles measured for the first image).
     */
    static final int HANDSHAKE = 4;
    /** The share of the schedule a "load-bound" row may wait for weight loads. */
    static final double LOAD_WAIT = 0.03;
    private static final Map<String, String> ROWS = new TreeMap<>();
    private static final Progress PROGRESS = new Progress();
    private static int done;

    static Stream<String[]> configurations() throws IOException {
        Path list = Path.of(System.getProperty("network.list", "testbench/network-regression.csv"));
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                String[] r = s.split("\\s*,\\s*");
                // the seventh column, the solver, is optional (Euler where it is left out), the eighth, the
                // multiply-adds a lane (1 where it is left out), and the ninth, whether the engine may wait for
                // its weight loads ("hidden" where it is left out: CYCLES is the schedule's)
                String[] full = {r[0], r[1], r[2], r[3], r[4], r[5], "euler", "1", "hidden"};
                if (r.length > 8 && !List.of("hidden", "load-bound").contains(r[8])) {
                    throw new IllegalArgumentException(list + ": '" + r[8] + "' in the ninth column; valid: hidden, "
                            + "load-bound");
                }
                System.arraycopy(r, 6, full, 6, r.length - 6);
                rows.add(full);
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}-{1} x{2} {3} {4} {6} mac{7} {8}")
    @MethodSource("configurations")
    void bitExactAgainstTheFixedPointTwin(String variant, String depth, String lanes, String norm, String format,
            String gaps, String solver, String macs, String loads) throws Exception {
        long start = System.nanoTime();
        NetworkDesign d = new NetworkDesign(NetworkSpec.of(Variant.parse(variant), Integer.parseInt(depth)),
                Integer.parseInt(lanes), QFormat.parse(format), NormMode.parse(norm), OdeSolver.parse(solver),
                Integer.parseInt(macs));
        String id = d.id() + "_" + norm + "_" + format;
        var g = NetworkGenerator.generate(d, ROOT.resolve(id), false);
        var timed = NetworkHarness.run(g.folder(), g.top(), VerilatorHarness.CACHE, 1, false, List.of("--images=1"));
        if (!timed.passed()) {
            fail(id + " differs from the fixed-point twin (no gaps): " + timed.message() + "\n" + timed.output());
        }
        if (!solver.equals("euler")) {
            // the golden logits of this solver are not Euler's: an engine that ran Euler steps would fail here
            int[] euler = NetworkTestbenchWriter.vectors(NetworkGenerator.vectorNetwork(d), NetworkGenerator.VECTOR_SEED,
                    OdeSolver.EULER).logits();
            int[] golden = HexWords.read(g.folder().resolve("testbench/vectors/logits.hex"), d.format());
            assertFalse(java.util.Arrays.equals(euler, golden), id + ": its golden logits are Euler's; pick a row "
                    + "whose ODEBlocks change the logits");
        }
        long measured = timed.cyclesPerImage();
        // the schedule counts every weight load hidden behind the compute before it; a "load-bound" row's engine
        // computes faster than the HP port brings some loads (NetworkHwConfig.triples at 64 lanes) and waits, at
        // most LOAD_WAIT of the schedule
        long waits = loads.equals("load-bound") ? (long) (g.cycles() * LOAD_WAIT) : 0;
        assertTrue(measured >= g.cycles() && measured <= g.cycles() + waits + HANDSHAKE, id + ": measured " + measured
                + " cycles per image, the schedule states " + g.cycles()
                + (waits > 0 ? " and the row allows " + waits + " waited" : ""));
        if (d.spec().variant() == Variant.RODENET_3 && d.spec().depth() == 20 && solver.equals("euler")) {
            wrongLogitFails(g.folder(), g.top(), d.format());
        }
        if (gaps.equals("gaps")) {
            var checked = NetworkHarness.run(g.folder(), g.top(), 7, true);
            if (!checked.passed()) {
                fail(id + " differs from the fixed-point twin (gaps): " + checked.message() + "\n" + checked.output());
            }
        }
        synchronized (ROWS) {
            double ratio = measured / (double) g.macBoundCycles();
            ROWS.put(id, String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %,d | %,d | %.2f | %.1f%% |",
                    d.spec().name(), d.lanes(), d.macsPerLane(), norm, format, solver, measured, g.macBoundCycles(),
                    measured / 1e5, 100 / ratio));
            done++;
            System.out.printf(Locale.ROOT, "[network regression %d/%d] %s: bit-exact, %,d cycles per image "
                    + "(%.2f ms at 100 MHz, %.1f%% of the multiply-add bound%s)%s, %.0f s%s%n", done,
                    configurations().count(), id, measured, measured / 1e5, 100 / ratio,
                    measured > g.cycles() + HANDSHAKE ? String.format(Locale.ROOT, "; %,d waited for weight loads",
                            measured - g.cycles() - 1) : "",
                    gaps.equals("gaps") ? ", and with gaps" : "", (System.nanoTime() - start) / 1e9,
                    PROGRESS.left(done, (int) configurations().count()));
        }
    }

    /** The harness on the real engine fails on one wrong golden logit, and names it. */
    private static void wrongLogitFails(Path folder, String top, QFormat q) throws IOException {
        Path logits = folder.resolve("testbench/vectors/logits.hex");
        byte[] good = Files.readAllBytes(logits);
        int[] words = HexWords.read(logits, q);
        words[37] ^= 1;
        HexWords.write(logits, words);
        try {
            var wrong = NetworkHarness.run(folder, top, VerilatorHarness.CACHE, 1, false, List.of("--images=1"));
            assertFalse(wrong.passed(), "a wrong golden logit must fail the harness");
            assertTrue(wrong.message().contains("first wrong logit 37"), wrong.message());
        } finally {
            Files.write(logits, good);
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        if (ROWS.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("| network | lanes | multiply-adds a lane | norm | format | solver | cycles per "
                + "image (measured) | multiply-add bound | ms at 100 MHz | of the bound |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        ROWS.values().forEach(r -> sb.append(r).append('\n'));
        Files.createDirectories(ROOT);
        Files.writeString(ROOT.resolve("cycles.md"), sb.toString());
    }
}
