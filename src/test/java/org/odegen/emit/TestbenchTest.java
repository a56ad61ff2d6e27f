package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.model.NormMode;

/** The harness written into an output folder builds with make and Verilator, passes, and fails on a wrong word. */
class TestbenchTest {
    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    private static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out");
        return new Result(p.exitValue(), out);
    }

    @Test
    void harnessPassesAndNamesTheFirstWrongWord() throws Exception {
        for (NormMode norm : NormMode.values()) {
            OdeBlockDesign d = OdeBlockDesign.builder("tb_" + norm.id().replace('-', '_')).featureMap(4, 4, 4).lanes(2)
                    .norm(norm).build();
            var g = BlockGenerator.generate(d, dir.resolve(d.id()), false);
            Path tb = g.folder().resolve("testbench");
            Result ok = run(tb, "make");
            assertEquals(0, ok.exit(), ok.output());
            assertTrue(ok.output().contains("random: PASS") && ok.output().contains("saturate: PASS")
                    && ok.output().contains("ALL PASSED"), ok.output());
            // a deliberately wrong golden word: the harness must fail and name where
            Path expected = tb.resolve("vectors/random/expected.hex");
            List<String> lines = Files.readAllLines(expected);
            lines.set(21, String.format("%08x", (int) Long.parseLong(lines.get(21), 16) ^ 1));
            Files.write(expected, lines);
            Result bad = run(tb, "./obj_dir/V" + g.top(), "vectors", "3");
            assertEquals(1, bad.exit(), bad.output());
            assertTrue(bad.output().contains("first differing word 21 (channel 1, y 1, x 1)"), bad.output());
        }
    }
}
