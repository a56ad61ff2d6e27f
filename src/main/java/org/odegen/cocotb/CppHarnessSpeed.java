package org.odegen.cocotb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.emit.Tool;

/**
 * The Verilator C++ harness of the same configuration, for the speed comparison: generates the
 * output folder, builds and runs {@code testbench/} with make, and reads the simulated cycles and
 * the wall time the harness prints.
 */
public final class CppHarnessSpeed {
    private static final Pattern LINE = Pattern.compile("simulated (\\d+) cycles in ([0-9.]+) s");

    private CppHarnessSpeed() {
    }

    /** What the C++ harness measured of its own run (the build is not counted). */
    public record Measurement(long cycles, double seconds, boolean passed) {
        public double cyclesPerSecond() {
            return seconds > 0 ? cycles / seconds : 0;
        }
    }

    public static Measurement measure(OdeBlockDesign design, Path folder, int seed) throws IOException {
        BlockGenerator.generate(design, folder, false);
        Path tb = folder.resolve("testbench");
        Tool.Result build = Tool.run(tb, List.of("make", "obj_dir/V" + topOf(folder)), 1800);
        if (build.exit() != 0) {
            throw new IOException("the C++ harness did not build:\n" + build.output());
        }
        Tool.Result run = Tool.run(tb, List.of("make", "SEED=" + seed), 1800);
        Matcher m = LINE.matcher(run.output());
        if (!m.find()) {
            throw new IOException("the C++ harness printed no cycle count:\n" + run.output());
        }
        return new Measurement(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                run.exit() == 0 && run.output().contains("ALL PASSED"));
    }

    private static String topOf(Path folder) throws IOException {
        String manifest = Files.readString(folder.resolve("manifest.json"));
        Matcher m = Pattern.compile("\"top\"\\s*:\\s*\"(\\w+)\"").matcher(manifest);
        if (!m.find()) {
            throw new IOException("no top in " + folder.resolve("manifest.json"));
        }
        return m.group(1);
    }
}
