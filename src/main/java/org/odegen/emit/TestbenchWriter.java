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
import org.odegen.hw.Hardware;
import org.odegen.hw.OdeBlockHwConfig;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.HexWords;
import org.odegen.model.OdeBlock;
import org.odegen.model.OdeSolver;

/**
 * Writes {@code testbench/} into an output folder: the Verilator C++ harness and its Makefile from the
 * Velocity templates of the project's {@code testbench/} folder, and golden vectors from the Java golden
 * model, so that a user with only Verilator and make can check the block ({@code make -C testbench}); and the
 * cocotb 2.x bench of the same cases in {@code testbench/cocotb/} ({@link CocotbWriter}).
 */
public final class TestbenchWriter {
    private TestbenchWriter() {
    }

    /** One run of the block: its parameters, input, steps of the solver, h, t0, and the golden output. */
    record Case(String name, BlockParams params, int[] z0, int steps, long h, long t0, int[] expected) {
    }

    public static void write(OdeBlockDesign design, String top, Path folder) throws IOException {
        Path tb = Files.createDirectories(folder.resolve("testbench"));
        BlockConfig b = design.block();
        OdeSolver solver = design.solver();
        Map<String, Object> vars = Map.of("top", top, "channels", b.channels(), "height", b.height(), "width",
                b.width(), "paramWords", b.paramWords(), "featureWords", b.featureWords(), "solverCode",
                solver.code());
        Templates.render("testbench/harness.cpp.vm", vars, tb.resolve("harness.cpp"));
        Templates.render("testbench/Makefile.vm", vars, tb.resolve("Makefile"));
        RegisterFilesWriter.writeC(tb, Hardware.registerMap(),
                RegisterFilesWriter.blockValues(OdeBlockHwConfig.of(b, design.lanes(), solver)));
        StringBuilder cases = new StringBuilder();
        for (Case c : cases(b, solver)) {
            Path dir = Files.createDirectories(tb.resolve("vectors").resolve(c.name()));
            HexWords.write(dir.resolve("params.hex"), c.params().toStream());
            HexWords.write(dir.resolve("z0.hex"), c.z0());
            HexWords.write(dir.resolve("expected.hex"), c.expected());
            // the fifth column: the solver the golden output was computed with (WIDTH[9:8] must say the same)
            cases.append(c.name()).append(' ').append(c.steps()).append(' ').append(c.h()).append(' ').append(c.t0())
                    .append(' ').append(solver.id()).append('\n');
        }
        Files.writeString(tb.resolve("vectors").resolve("cases.txt"), cases.toString(), StandardCharsets.UTF_8);
        CocotbWriter.write(design, top, tb);
    }

    /**
     * Stimulus: realistic scales over two steps with h != 1 and t0 != 0, one conv1 output channel with
     * zero weights (a zero-variance channel for batch-stats); then extreme values that saturate (with Heun
     * and RK4 the stage inputs saturate too). Heun and RK4 run with an odd h, so that h2 = h >> 1 and h6
     * round, and the same stimulus otherwise.
     */
    static Case[] cases(BlockConfig b) {
        return cases(b, OdeSolver.EULER);
    }

    static Case[] cases(BlockConfig b, OdeSolver solver) {
        QFormat q = b.format();
        SplittableRandom rng = new SplittableRandom(b.channels() * 1000L + b.height());
        BlockParams realistic = BlockParams.random(b, rng);
        Arrays.fill(realistic.conv1(), 0, b.cin() * 9, 0); // output channel 0 of conv1: zero variance
        int[] z0 = BlockParams.uniform(rng, b.featureWords(), q, 2 * q.one());
        long h = solver == OdeSolver.EULER ? q.quantize(0.25) : q.quantize(0.25) | 1;
        long t0 = q.quantize(0.5);
        BlockParams extreme = BlockParams.random(b, rng, q.max(), q.max());
        int[] zx = BlockParams.uniform(rng, b.featureWords(), q, q.max());
        return new Case[] {
            run("random", b, solver, realistic, z0, 2, h, t0),
            run("saturate", b, solver, extreme, zx, 1, q.one(), 0)};
    }

    private static Case run(String name, BlockConfig b, OdeSolver solver, BlockParams p, int[] z0, int steps, long h,
                            long t0) {
        FixedMap out = new OdeBlock(b, p, solver).run(new FixedMap(b.channels(), b.height(), b.width(), z0), steps, h,
                t0);
        return new Case(name, p, z0, steps, h, t0, out.data());
    }
}
