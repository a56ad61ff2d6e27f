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
    static String python(Path cwd) throws Exception {
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

    /** run_network.py (numpy on the ARM, the block offloaded; here its numpy twin) gives the golden model's logits. */
    @Test
    void networkScriptGivesTheGoldenLogits() throws Exception {
        var g = BlockGenerator.generate(OdeBlockDesign.paper(org.odegen.model.PaperLayer.LAYER3_2, 16), dir.resolve("l3"),
                false);
        Path drv = g.folder().resolve("vivado/driver");
        var spec = org.odegen.net.NetworkSpec.of(org.odegen.net.Variant.RODENET_3, 20);
        var weights = org.odegen.net.Weights.random(spec, 4);
        weights.write(dir.resolve("w.safetensors"));
        var samples = org.odegen.net.Cifar100Test.samples(2);
        org.odegen.net.Cifar100.write(dir.resolve("test.bin"), samples);
        for (NormMode norm : NormMode.values()) {
            var net = new org.odegen.net.Network(weights, norm, org.odegen.fixed.QFormat.Q32_20);
            Result r = run(drv, List.of(python(drv), "run_network.py", "--variant", "rodenet-3", "--depth", "20",
                    "--weights", dir.resolve("w.safetensors").toString(), "--data", dir.resolve("test.bin").toString(),
                    "--norm", norm.id(), "--fallback"));
            assertEquals(0, r.exit(), r.output());
            List<String> logitLines = r.output().lines().filter(l -> l.startsWith("image ")).toList();
            assertEquals(2, logitLines.size(), r.output());
            for (int i = 0; i < 2; i++) {
                int[] golden = net.forwardFixed(samples.get(i).normalized());
                String expected = java.util.Arrays.stream(golden).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(","));
                assertTrue(logitLines.get(i).endsWith("logits " + expected), norm + " image " + i + ":\n" + logitLines.get(i)
                        + "\ngolden " + expected);
            }
            // the overlay's block (batch-stats) is offloaded; with folded weights the script runs it in numpy
            assertTrue(r.output().contains("ODEBlock runs offloaded: " + (norm == NormMode.BATCH_STATS ? 2 : 0)), r.output());
        }
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
            // the driver's registers are its folder's odegen_regs.py, the map's
            String regs = Files.readString(drv.resolve("odegen_regs.py"));
            assertTrue(text.contains("import odegen_regs as regs") && !text.contains("0x4:"), "the driver imports its registers");
            Hardware.registerMap().offsets().forEach((name, offset) ->
                    assertTrue(regs.contains(name + " = " + String.format("0x%02x", offset) + "  #"), name + " in odegen_regs.py"));
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
