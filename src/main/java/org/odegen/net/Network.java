package org.odegen.net;

import java.util.ArrayList;
import java.util.List;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.FixedOps;
import org.odegen.model.FloatMap;
import org.odegen.model.FloatOps;
import org.odegen.model.NormMode;
import org.odegen.model.OdeBlock;
import org.odegen.model.OdeSolver;

/**
 * One network of the zoo with its weights, in two twins: float (double) and fixed point
 * (ARITHMETIC.md, bit-exact). The fixed twin's ODEBlocks are {@link OdeBlock} golden models, and
 * can be handed to another executor (the Verilated RTL) through {@link BlockExecutor}.
 */
public final class Network {
    /** Float eps of the norm layers (PyTorch's default). */
    public static final double EPS = 1e-5;

    private final NetworkSpec spec;
    private final NormMode norm;
    private final QFormat q;
    private final FixedOps ops;
    private final List<Layer> layers = new ArrayList<>();

    /** Runs an ODEBlock of the fixed-point twin: the golden model by default, the RTL in co-simulation. */
    public interface BlockExecutor {
        FixedMap run(OdeBlock block, FixedMap z0, int steps, long h, long t0);
    }

    public static final BlockExecutor GOLDEN = (block, z0, steps, h, t0) -> block.run(z0, steps, h, t0);

    /** A convolution's weights, float and quantized. */
    record Conv(double[] w, int[] raw, int cout) {
    }

    /** A norm layer's two per-channel vectors for the chosen mode, float and quantized. */
    record Norm(double[] a, double[] b, int[] rawA, int[] rawB) {
    }

    sealed interface Layer permits Stem, Basic, Ode, Classifier {
    }

    record Stem(Conv conv, Norm norm) implements Layer {
    }

    record Basic(Conv c1, Norm n1, Conv c2, Norm n2, int stride) implements Layer {
    }

    record Ode(OdeBlock block, Conv c1, Norm n1, Conv c2, Norm n2, int executions) implements Layer {
    }

    record Classifier(double[] w, double[] b, int[] rawW, int[] rawB) implements Layer {
    }

    public Network(Weights weights, NormMode norm, QFormat format) {
        this.spec = weights.spec();
        this.norm = norm;
        this.q = format;
        this.ops = new FixedOps(format);
        for (LayerRow row : spec.rows()) {
            Stage s = row.stage();
            switch (row.kind()) {
                case STEM -> layers.add(new Stem(conv(weights, "conv1"), norm(weights, "bn1")));
                case RESNET -> {
                    for (int i = 0; i < row.instances(); i++) {
                        String p = s.id() + "." + i + ".";
                        layers.add(new Basic(conv(weights, p + "conv1"), norm(weights, p + "bn1"),
                                conv(weights, p + "conv2"), norm(weights, p + "bn2"), s.stride()));
                    }
                }
                case ODE -> {
                    for (int i = 0; i < row.instances(); i++) {
                        String p = s.id() + "." + i + ".";
                        Conv c1 = conv(weights, p + "conv1");
                        Norm n1 = norm(weights, p + "bn1");
                        Conv c2 = conv(weights, p + "conv2");
                        Norm n2 = norm(weights, p + "bn2");
                        BlockConfig cfg = new BlockConfig(s.id(), s.outChannels(), s.outSize(), s.outSize(), q, norm,
                                true);
                        BlockParams bp = new BlockParams(c1.raw, n1.rawA, n1.rawB, c2.raw, n2.rawA, n2.rawB);
                        layers.add(new Ode(new OdeBlock(cfg, bp), c1, n1, c2, n2, row.executions()));
                    }
                }
                case CLASSIFIER -> {
                    double[] w = weights.get("fc.weight").data();
                    double[] b = weights.get("fc.bias").data();
                    layers.add(new Classifier(w, b, quantize(w), quantize(b)));
                }
                default -> throw new IllegalStateException(row.kind().name());
            }
        }
    }

    public NetworkSpec spec() {
        return spec;
    }

    public QFormat format() {
        return q;
    }

    public NormMode norm() {
        return norm;
    }

    /** The layers in network order, with their quantized parameters (read by {@link ParameterBlob}). */
    List<Layer> layers() {
        return java.util.Collections.unmodifiableList(layers);
    }

    /** The ODEBlocks of the network, in order (what an FPGA would run). */
    public List<OdeBlock> odeBlocks() {
        return layers.stream().filter(l -> l instanceof Ode).map(l -> ((Ode) l).block()).toList();
    }

    /** The Euler steps each ODEBlock runs (its executions per instance), in the order of {@link #odeBlocks()}. */
    public List<Integer> odeSteps() {
        return layers.stream().filter(l -> l instanceof Ode).map(l -> ((Ode) l).executions()).toList();
    }

    /** The normalized image in the network's number format. */
    public FixedMap quantize(FloatMap image) {
        int[] raw = new int[image.data().length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (int) q.quantize(image.data()[i]);
        }
        return new FixedMap(image.channels(), image.height(), image.width(), raw);
    }

    public int[] forwardFixed(FloatMap image) {
        return forwardFixed(quantize(image), GOLDEN);
    }

    /** Fixed-point logits with the ODEBlocks run by {@code solver} (the one the model was trained with). */
    public int[] forwardFixed(FloatMap image, OdeSolver solver) {
        return forwardFixed(quantize(image), GOLDEN, solver);
    }

    /** Fixed-point logits (raw). ODEBlocks run M = executions Euler steps, h = quantize(1/M), t0 = 0. */
    public int[] forwardFixed(FixedMap x, BlockExecutor executor) {
        return forwardFixed(x, executor, OdeSolver.EULER);
    }

    /**
     * Fixed-point logits (raw). ODEBlocks run M = executions steps of {@code solver}, h = quantize(1/M),
     * t0 = 0; the executor gets each block with that solver ({@link OdeBlock#solver()}).
     */
    public int[] forwardFixed(FixedMap x, BlockExecutor executor, OdeSolver solver) {
        for (Layer layer : layers) {
            if (layer instanceof Stem st) {
                x = ops.relu(normFixed(ops.conv3x3(x, st.conv.raw, st.conv.cout, 1, null), st.norm));
            } else if (layer instanceof Basic b) {
                FixedMap y = ops.relu(normFixed(ops.conv3x3(x, b.c1.raw, b.c1.cout, b.stride, null), b.n1));
                y = normFixed(ops.conv3x3(y, b.c2.raw, b.c2.cout, 1, null), b.n2);
                x = ops.relu(ops.addSat(y, shortcutFixed(x, b.c1.cout, b.stride)));
            } else if (layer instanceof Ode o) {
                long h = OdeBlock.defaultStepSize(o.block.config(), o.executions);
                x = executor.run(o.block.withSolver(solver), x, o.executions, h, 0);
            } else if (layer instanceof Classifier c) {
                return ops.linear(ops.averagePool(x), c.rawW, c.rawB);
            }
        }
        throw new IllegalStateException("network without a classifier");
    }

    /** Float logits of the float twin (same structure; h = 1/M, t_k = k/M), Euler. */
    public double[] forwardFloat(FloatMap x) {
        return forwardFloat(x, OdeSolver.EULER);
    }

    /** Float logits of the float twin with the ODEBlocks run by {@code solver}. */
    public double[] forwardFloat(FloatMap x, OdeSolver solver) {
        for (Layer layer : layers) {
            if (layer instanceof Stem st) {
                x = FloatOps.relu(normFloat(FloatOps.conv3x3(x, st.conv.w, st.conv.cout, 1, null), st.norm));
            } else if (layer instanceof Basic b) {
                FloatMap y = FloatOps.relu(normFloat(FloatOps.conv3x3(x, b.c1.w, b.c1.cout, b.stride, null), b.n1));
                y = normFloat(FloatOps.conv3x3(y, b.c2.w, b.c2.cout, 1, null), b.n2);
                x = FloatOps.relu(FloatOps.axpy(y, 1.0, shortcutFloat(x, b.c1.cout, b.stride)));
            } else if (layer instanceof Ode o) {
                x = FloatOps.solve(solver, x, o.executions, 1.0 / o.executions, 0.0, (z, t) -> {
                    FloatMap f = FloatOps.relu(normFloat(FloatOps.conv3x3(z, o.c1.w, o.c1.cout, 1, t), o.n1));
                    return normFloat(FloatOps.conv3x3(f, o.c2.w, o.c2.cout, 1, t), o.n2);
                });
            } else if (layer instanceof Classifier c) {
                return FloatOps.linear(FloatOps.averagePool(x), c.w, c.b);
            }
        }
        throw new IllegalStateException("network without a classifier");
    }

    private FixedMap normFixed(FixedMap x, Norm n) {
        return ops.norm(norm, x, n.rawA, n.rawB, Math.max(1, q.quantize(EPS)));
    }

    private FloatMap normFloat(FloatMap x, Norm n) {
        return FloatOps.norm(norm, x, n.a, n.b, EPS);
    }

    /**
     * The parameter-free "option A" shortcut: subsample at even positions when the stride is 2 and
     * pad the new channels with zeros, half before and half after (as the common PyTorch CIFAR ResNet).
     * Returns, for each output index, the input index it copies, or -1 for a zero.
     */
    static int[] shortcutSource(int cin, int h, int w, int cout, int stride) {
        int ho = h / stride;
        int wo = w / stride;
        int off = shortcutChannelOffset(cin, cout);
        int[] src = new int[cout * ho * wo];
        java.util.Arrays.fill(src, -1);
        for (int c = 0; c < cin; c++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < wo; x++) {
                    src[((c + off) * ho + y) * wo + x] = (c * h + y * stride) * w + x * stride;
                }
            }
        }
        return src;
    }

    /** The channel where the shortcut's first input channel lands (public: the engine's program uses it). */
    public static int shortcutChannelOffset(int cin, int cout) {
        return (cout - cin) / 2;
    }

    private static FixedMap shortcutFixed(FixedMap x, int cout, int stride) {
        if (stride == 1 && cout == x.channels()) {
            return x;
        }
        int[] src = shortcutSource(x.channels(), x.height(), x.width(), cout, stride);
        int[] out = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] < 0 ? 0 : x.data()[src[i]];
        }
        return new FixedMap(cout, x.height() / stride, x.width() / stride, out);
    }

    private static FloatMap shortcutFloat(FloatMap x, int cout, int stride) {
        if (stride == 1 && cout == x.channels()) {
            return x;
        }
        int[] src = shortcutSource(x.channels(), x.height(), x.width(), cout, stride);
        double[] out = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] < 0 ? 0 : x.data()[src[i]];
        }
        return new FloatMap(cout, x.height() / stride, x.width() / stride, out);
    }

    private Conv conv(Weights w, String prefix) {
        Tensor t = w.get(prefix + ".weight");
        return new Conv(t.data(), quantize(t.data()), t.shape()[0]);
    }

    /** gamma, beta for batch-stats; scale = gamma / sqrt(var + eps), shift = beta - mean * scale for folded. */
    private Norm norm(Weights w, String prefix) {
        double[] gamma = w.get(prefix + ".weight").data();
        double[] beta = w.get(prefix + ".bias").data();
        if (norm == NormMode.BATCH_STATS) {
            return new Norm(gamma, beta, quantize(gamma), quantize(beta));
        }
        double[] mean = w.get(prefix + ".running_mean").data();
        double[] var = w.get(prefix + ".running_var").data();
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(var[c] + EPS);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new Norm(scale, shift, quantize(scale), quantize(shift));
    }

    private int[] quantize(double[] v) {
        int[] raw = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            raw[i] = (int) q.quantize(v[i]);
        }
        return raw;
    }
}
