package org.odegen.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.emit.Build;
import org.odegen.emit.TimingEstimate;
import org.odegen.emit.Tool;
import org.odegen.emit.VerilatorHarness;
import org.odegen.emit.YosysEstimate;

/**
 * What the report measures of one block configuration: cycles in simulation (the Verilator C++
 * harness, bit-exact against the golden vectors first, then without gaps) and the Yosys resource
 * and timing estimates. Both are cached under {@code cache} by a SHA-256 of the RTL (the harness binaries under
 * {@link VerilatorHarness#CACHE}, shared with the regression), so a second report only measures what changed.
 */
final class BlockMeasurements {
    /** One configuration's figures. */
    record Measured(OdeBlockDesign design, String top, VerilatorHarness.Cycles cycles, YosysEstimate resources) {
    }

    private final Path work;
    private final Path cache;

    BlockMeasurements(Path work, Path cache) {
        this.work = work;
        this.cache = cache;
    }

    Measured measure(OdeBlockDesign design, boolean cycles, boolean resources) throws IOException {
        Path folder = work.resolve(design.id());
        var g = BlockGenerator.generate(design, folder, false);
        try {
            String key = rtlHash(folder);
            VerilatorHarness.Cycles c = cycles ? cycles(folder, g.top(), key) : null;
            YosysEstimate r = resources ? resources(folder, g.top(), g.verilog(), key) : null;
            return new Measured(design, g.top(), c, r);
        } finally {
            Build.deleteTree(folder);
        }
    }

    private VerilatorHarness.Cycles cycles(Path folder, String top, String key) throws IOException {
        Path file = cache.resolve("cycles").resolve(key + ".properties");
        Properties p = load(file);
        if (p != null) {
            return new VerilatorHarness.Cycles(Long.parseLong(p.getProperty("oneStepRun")),
                    Long.parseLong(p.getProperty("perStep")));
        }
        Path bin = VerilatorHarness.binary(folder, top, VerilatorHarness.CACHE);
        Tool.Result checked = VerilatorHarness.run(folder, bin, 1, true);
        if (checked.exit() != 0 || !checked.output().contains("ALL PASSED")) {
            throw new IllegalStateException(top + " differs from the golden model; no cycles reported:\n" + checked.output());
        }
        VerilatorHarness.Cycles c = VerilatorHarness.cycles(VerilatorHarness.run(folder, bin, 1, false).output());
        Properties out = new Properties();
        out.setProperty("oneStepRun", Long.toString(c.oneStepRun()));
        out.setProperty("perStep", Long.toString(c.perStep()));
        store(file, out);
        return c;
    }

    private YosysEstimate resources(Path folder, String top, java.util.List<String> verilog, String key) throws IOException {
        Path file = cache.resolve("yosys").resolve(key + ".properties");
        Properties p = load(file);
        // an entry from before the timing estimate has no timing.* keys: synthesize again
        if (p != null && p.getProperty("timing.worst.delay") != null) {
            Map<String, Integer> cells = new TreeMap<>();
            Properties timing = new Properties();
            for (String n : p.stringPropertyNames()) {
                if (n.startsWith("timing.")) {
                    timing.setProperty(n.substring("timing.".length()), p.getProperty(n));
                } else {
                    cells.put(n, Integer.parseInt(p.getProperty(n)));
                }
            }
            return new YosysEstimate(cells, TimingEstimate.Result.fromProperties(timing));
        }
        YosysEstimate e = YosysEstimate.synthesize(folder, top, verilog);
        Properties out = new Properties();
        e.cells().forEach((n, v) -> out.setProperty(n, Integer.toString(v)));
        e.timing().toProperties().forEach((k, v) -> out.setProperty("timing." + k, (String) v));
        store(file, out);
        return e;
    }

    private static Properties load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static void store(Path file, Properties p) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "m", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** SHA-256 of the RTL (and the harness, whose vectors decide the cycle cases). */
    private static String rtlHash(Path folder) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> s = Stream.concat(Files.list(folder.resolve("rtl")), Stream.of(
                folder.resolve("testbench/harness.cpp"), folder.resolve("testbench/vectors/random/expected.hex")))) {
            for (Path f : s.sorted().toList()) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
