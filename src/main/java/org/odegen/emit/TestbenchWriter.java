package org.odegen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.HexWords;
import org.odegen.model.OdeBlock;

/**
 * Writes {@code testbench/} into an output folder: the Verilator C++ harness and its Makefile from the
 * Velocity templates of the project's {@code testbench/} folder, and golden vectors from the Java golden
 * model, so that a user with only Verilator and make can check the block ({@code make -C testbench}); and the
 * cocotb 2.x bench of the same cases in {@code testbench/cocotb/} ({@link CocotbWriter}).
 */
public final class TestbenchWriter {
    private TestbenchWriter() {
    }

    /** One run of the block: its parameters, input, Euler steps, h, t0, and the golden output. */
    record Case(String name, BlockParams params, int[] z0, int steps, long h, long t0, int[] expected) {
    }

    public static void write(OdeBlockDesign design, String top, Path folder) throws IOException {
        Path tb = Files.createDirectories(folder.resolve("testbench"));
        BlockConfig b = design.block();
        Map<String, Object> vars = Map.of("top", top, "channels", b.channels(), "height", b.height(), "width",
                b.width(), "paramWords", b.paramWords(), "featureWords", b.featureWords());
        Templates.render("testbench/harness.cpp.vm", vars, tb.resolve("harness.cpp"));
        Templates.render("testbench/Makefile.vm", vars, tb.resolve("Makefile"));
        StringBuilder cases = new StringBuilder();
        for (Case c : cases(b)) {
            Path dir = Files.createDirectories(tb.resolve("vectors").resolve(c.name()));
            HexWords.write(dir.resolve("params.hex"), c.params().toStream());
            HexWords.write(dir.resolve("z0.hex"), c.z0());
            HexWords.write(dir.resolve("expected.hex"), c.expected());
            cases.append(c.name()).append(' ').append(c.steps()).append(' ').append(c.h()).append(' ').append(c.t0())
                    .append('\n');
        }
        Files.writeString(tb.resolve("vectors").resolve("cases.txt"), cases.toString(), StandardCharsets.UTF_8);
        CocotbWriter.write(design, top, tb);
    }

    /**
     * Stimulus: realistic scales over two steps with h != 1 and t0 != 0, one conv1 output channel with
     * zero weights (a zero-variance channel for batch-stats); then extreme values that saturate.
     */
    static Case[] cases(BlockConfig b) {
        QFormat q = b.format();
        SplittableRandom rng = new SplittableRandom(b.channels() * 1000L + b.height());
        BlockParams realistic = BlockParams.random(b, rng);
        Arrays.fill(realistic.conv1(), 0, b.cin() * 9, 0); // output channel 0 of conv1: zero variance
        int[] z0 = BlockParams.uniform(rng, b.featureWords(), q, 2 * q.one());
        long h = q.quantize(0.25);
        long t0 = q.quantize(0.5);
        BlockParams extreme = BlockParams.random(b, rng, q.max(), q.max());
        int[] zx = BlockParams.uniform(rng, b.featureWords(), q, q.max());
        return new Case[] {
            run("random", b, realistic, z0, 2, h, t0),
            run("saturate", b, extreme, zx, 1, q.one(), 0)};
    }

    private static Case run(String name, BlockConfig b, BlockParams p, int[] z0, int steps, long h, long t0) {
        FixedMap out = new OdeBlock(b, p).run(new FixedMap(b.channels(), b.height(), b.width(), z0), steps, h, t0);
        return new Case(name, p, z0, steps, h, t0, out.data());
    }
}
