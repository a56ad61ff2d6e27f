package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a network engine's Verilator harness ({@link NetworkTestbenchWriter}) on its output folder: the
 * binary is built with make and cached by a SHA-256 of the RTL, harness, its headers and Makefile, as the block's
 * ({@link VerilatorHarness#binary}); the result is pass or fail, the cycles per image and one message.
 */
public final class NetworkHarness {
    private static final Pattern CYCLES = Pattern.compile("image 1: PASS, \\d+ logits bit-exact, CYCLES (\\d+)");
    private static final Pattern PROBLEM = Pattern.compile("(?m)^(FAIL .*|image \\d+: FAIL.*|bad vectors: .*|bad option: .*)$");

    private NetworkHarness() {
    }

    /**
     * One run: {@code passed} when every logit of both images matched and nothing failed;
     * {@code cyclesPerImage} the engine's CYCLES of the first image (-1 when it did not pass);
     * {@code message} the first failure (or the cycles line); {@code output} all the harness printed.
     */
    public record Outcome(boolean passed, long cyclesPerImage, String message, String output) {
    }

    /** Builds (or takes from {@link VerilatorHarness#CACHE}) and runs the harness on the folder's vectors. */
    public static Outcome run(Path outFolder, String top, long seed, boolean gaps) throws IOException {
        return run(outFolder, top, VerilatorHarness.CACHE, seed, gaps, List.of());
    }

    /**
     * The same with another cache folder and more arguments for the harness ({@code --timeout-cycles=N},
     * plusargs for the RTL such as {@code +trace_me}).
     */
    public static Outcome run(Path outFolder, String top, Path cache, long seed, boolean gaps, List<String> extra)
            throws IOException {
        return run(outFolder, top, cache, "vectors", seed, gaps, extra);
    }

    /** The same on another vectors folder of {@code outFolder/testbench} (say, one real image's). */
    public static Outcome run(Path outFolder, String top, Path cache, String vectors, long seed, boolean gaps,
            List<String> extra) throws IOException {
        Path binary = VerilatorHarness.binary(outFolder, top, cache);
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), vectors, Long.toString(seed)));
        if (!gaps) {
            cmd.add("--no-gaps");
        }
        cmd.addAll(extra);
        Tool.Result r = Tool.run(outFolder.resolve("testbench"), cmd, 3600);
        return outcome(r.exit(), r.output());
    }

    /** Reads what the harness printed. */
    static Outcome outcome(int exit, String output) {
        Matcher problem = PROBLEM.matcher(output);
        Matcher cycles = CYCLES.matcher(output);
        boolean passed = exit == 0 && output.contains("ALL PASSED") && !problem.find(0) && cycles.find();
        if (passed) {
            long c = Long.parseLong(cycles.group(1));
            return new Outcome(true, c, "passed, " + c + " cycles per image", output);
        }
        String message = problem.find(0) ? problem.group(1)
                : "the harness exited with " + exit + " without naming a failure:\n" + output;
        return new Outcome(false, -1, message, output);
    }
}
