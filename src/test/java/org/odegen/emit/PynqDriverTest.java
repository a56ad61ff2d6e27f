package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.model.NormMode;

/**
 * The generated PYNQ driver: it compiles, its register offsets are the RTL's, and its numpy block
 * (the fallback without the FPGA, and the board run's check) reproduces the golden vectors bit for bit.
 */
class PynqDriverTest {
    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    private static Result run(Path cwd, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /** A Python 3 with numpy (.ci/install-tools installs Debian's python3-numpy when none has it). */
    private static String python(Path cwd) throws Exception {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                if (run(cwd, List.of(py, "-c", "import numpy")).exit() == 0) {
                    return py;
                }
            } catch (java.io.IOException e) {
                // not there: try the next
            }
        }
        fail("no python3 with numpy: run .ci/install-tools (Debian python3-numpy)");
        return null;
    }

    @Test
    void driverCompilesUsesTheRtlRegistersAndItsNumpyBlockIsBitExact() throws Exception {
        List<OdeBlockDesign> designs = new ArrayList<>();
        for (NormMode norm : NormMode.values()) {
            designs.add(OdeBlockDesign.builder("py_" + norm.id().replace('-', '_')).featureMap(8, 4, 4).lanes(4)
                    .norm(norm).build());
        }
        designs.add(OdeBlockDesign.builder("py_notime").featureMap(4, 8, 8).lanes(2).timeChannel(false).format(16, 8)
                .build());
        for (OdeBlockDesign d : designs) {
            var g = BlockGenerator.generate(d, dir.resolve(d.id()), false);
            Path drv = g.folder().resolve("vivado/driver");
            String py = python(drv);
            String text = Files.readString(drv.resolve("odegen_block.py"));
            Hardware.registers().forEach((name, offset) ->
                    assertTrue(text.contains("\"" + name + "\": " + offset + ","), name + " in the driver"));
            assertTrue(text.contains("PARAM_WORDS = " + d.block().paramWords()) && text.contains("TOP = \"" + g.top() + "\""));
            Result compile = run(drv, List.of(py, "-m", "py_compile", "odegen_block.py"));
            assertEquals(0, compile.exit(), compile.output());
            Result check = run(drv, List.of(py, "odegen_block.py", "--check", "../../testbench/vectors"));
            assertEquals(0, check.exit(), d.id() + ":\n" + check.output());
            assertTrue(check.output().contains("random: PASS") && check.output().contains("saturate: PASS"), check.output());
        }
        // a wrong golden word: the check fails and names it
        Path last = dir.resolve(designs.get(0).id());
        Path expected = last.resolve("testbench/vectors/random/expected.hex");
        List<String> lines = new ArrayList<>(Files.readAllLines(expected));
        lines.set(17, String.format("%08x", (int) Long.parseLong(lines.get(17), 16) + 1));
        Files.write(expected, lines);
        Path drv = last.resolve("vivado/driver");
        Result bad = run(drv, List.of(python(drv), "odegen_block.py", "--check", "../../testbench/vectors"));
        assertEquals(1, bad.exit(), bad.output());
        assertTrue(bad.output().contains("first differing word 17 (channel 1, y 0, x 1)"), bad.output());
    }
}
