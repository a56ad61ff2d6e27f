package org.odegen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Verilator C++ harness of an output folder ({@code testbench/}): built with make, cached by a
 * SHA-256 of the RTL and the harness, run against the golden vectors, and its CYCLES read back.
 */
public final class VerilatorHarness {
    private static final Pattern CASE = Pattern.compile("(\\w+): PASS, (\\d+) (?:Euler|Heun|RK4) step\\(s\\), CYCLES (\\d+)");

    /** Where harness binaries are cached (shared by the regression and the report). */
    public static final Path CACHE = Path.of("target", "verilator-cache");

    private VerilatorHarness() {
    }

    /** CYCLES of the `saturate` case (1 Euler step, streaming in and out included) and of one more step. */
    public record Cycles(long oneStepRun, long perStep) {
        /** CYCLES of a run of {@code steps} Euler steps: z_0 in, the steps, z_M out. */
        public long run(int steps) {
            return oneStepRun + (steps - 1L) * perStep;
        }
    }

    /** The harness binary of {@code folder}, from {@code cache} when the RTL and the harness are unchanged. */
    public static Path binary(Path folder, String top, Path cache) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> rtl = Files.list(folder.resolve("rtl"))) {
            rtl.sorted().forEach(inputs::add);
        }
        inputs.add(folder.resolve("testbench/harness.cpp"));
        inputs.add(folder.resolve("testbench/Makefile"));
        inputs.add(folder.resolve("testbench").resolve(RegisterFilesWriter.HEADER));
        inputs.add(folder.resolve("testbench").resolve(RegisterFilesWriter.AXIL));
        for (Path f : inputs) {
            sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f));
        }
        Path cached = cache.resolve(HexFormat.of().formatHex(sha.digest())).resolve("V" + top);
        if (!Files.exists(cached)) {
            Tool.Result build = Tool.run(folder.resolve("testbench"), List.of("make", "obj_dir/V" + top), 1800);
            if (build.exit() != 0) {
                throw new IOException("make failed for " + top + ":\n" + build.output());
            }
            Files.createDirectories(cached.getParent());
            Path tmp = cached.resolveSibling("V" + top + ".tmp");
            Files.copy(folder.resolve("testbench/obj_dir/V" + top), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
        }
        return cached.toAbsolutePath();
    }

    /** Runs the harness on the folder's vectors; {@code gaps} false streams without gaps (cycle measurement). */
    public static Tool.Result run(Path folder, Path binary, int seed, boolean gaps) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "vectors", Integer.toString(seed)));
        if (!gaps) {
            cmd.add("--no-gaps");
        }
        return Tool.run(folder.resolve("testbench"), cmd, 1800);
    }

    /** Steps and CYCLES of each passed case the harness printed. */
    public static Map<String, long[]> cases(String output) {
        Map<String, long[]> byCase = new TreeMap<>();
        Matcher m = CASE.matcher(output);
        while (m.find()) {
            byCase.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        return byCase;
    }

    /** Cycles from a gap-free run: `random` has 2 Euler steps and `saturate` 1, with the same word counts. */
    public static Cycles cycles(String output) {
        Map<String, long[]> c = cases(output);
        if (!c.containsKey("random") || !c.containsKey("saturate") || c.get("random")[0] != 2
                || c.get("saturate")[0] != 1) {
            throw new IllegalStateException("the harness did not pass both cases:\n" + output);
        }
        return new Cycles(c.get("saturate")[1], c.get("random")[1] - c.get("saturate")[1]);
    }
}
