package org.odegen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.model.OdeBlock;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen block}: one ODEBlock run of the golden model on $readmemh files, the door for outside test benches. */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = "Run one ODEBlock of the golden model (ARITHMETIC.md) on $readmemh hex files: "
                + "one 32-bit two's-complement word per line, in INTERFACE.md's orders.")
final class BlockCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--layer", description = "layer1, layer2_2 or layer3_2 (or give --channels and --size)")
    String layer;

    @Option(names = "--channels", description = "channels C, instead of --layer")
    Integer channels;

    @Option(names = "--size", description = "height = width of the feature map, instead of --layer")
    Integer size;

    @Option(names = "--params", required = true, description = "parameter stream, 2*(C*Cin*9) + 4*C words")
    Path params;

    @Option(names = "--input", required = true, description = "z_0, C*H*W words in [c][y][x] order")
    Path input;

    @Option(names = "--steps", defaultValue = "1", description = "steps M of the solver (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--solver", defaultValue = "euler", description = "ODE solver: euler, heun or rk4 (default: ${DEFAULT-VALUE})")
    String solver;

    @Option(names = "--h", description = "step size h, raw Q value (default: quantize(1/M))")
    Long h;

    @Option(names = "--t0", defaultValue = "0", description = "start time t0, raw Q value (default: ${DEFAULT-VALUE})")
    long t0;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--no-time", description = "no time channel (Cin = C)")
    boolean noTime;

    @Option(names = "--format", defaultValue = "Q32.20", description = "number format QW.F (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", required = true, description = "z_M, C*H*W words")
    Path out;

    @Override
    public Integer call() throws Exception {
        BlockConfig cfg = config();
        OdeSolver method = OdeSolver.parse(solver);
        int[] p = HexWords.read(params, cfg.format(), cfg.paramWords(), "the parameter stream of " + cfg.name());
        int[] z = HexWords.read(input, cfg.format(), cfg.featureWords(), "the input feature map of " + cfg.name());
        OdeBlock block = new OdeBlock(cfg, BlockParams.fromStream(cfg, p), method);
        long step = h != null ? h : OdeBlock.defaultStepSize(cfg, steps);
        FixedMap zM = block.run(new FixedMap(cfg.channels(), cfg.height(), cfg.width(), z), steps, step, t0);
        HexWords.write(out, zM.data());
        spec.commandLine().getErr().printf("%s: %d %s step(s), h = %d, t0 = %d -> %s%n", cfg.name(), steps,
                method.title(), step, t0, out);
        return 0;
    }

    private BlockConfig config() {
        QFormat q = QFormat.parse(format);
        NormMode mode = NormMode.parse(norm);
        BlockConfig cfg;
        if (layer != null) {
            if (channels != null || size != null) {
                throw new IllegalArgumentException("give either --layer or --channels with --size, not both");
            }
            cfg = PaperLayer.parse(layer).config();
        } else {
            if (channels == null || size == null) {
                throw new IllegalArgumentException("give --layer (" + PaperLayer.validIds()
                        + ") or both --channels and --size");
            }
            cfg = new BlockConfig("block_c" + channels + "_s" + size, channels, size, size, q, mode, true);
        }
        return cfg.withFormat(q).withNorm(mode).withTimeChannel(!noTime);
    }
}
