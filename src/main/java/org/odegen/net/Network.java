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
 * One network with its weights, in two twins: float (double) and fixed point (ARITHMETIC.md,
 * bit-exact), built from its {@link NetworkDescription} (any network of MODEL.md; the zoo is seven
 * families of descriptions). The fixed twin's ODEBlocks are {@link OdeBlock} golden models, and can be
 * handed to another executor (the Verilated RTL) through {@link BlockExecutor}.
 */
public final class Network {
    /** Float eps of the norm layers when the description gives none (PyTorch's default). */
    public static final double EPS = NetworkDescription.DEFAULT_EPS;

    private final NetworkDescription description;
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

    /** A ResNet basic block; {@code sc}, {@code scNorm} are option B's conv1x1 and norm (null otherwise). */
    record Basic(Conv c1, Norm n1, Conv c2, Norm n2, int stride, NetworkDescription.Shortcut shortcut, Conv sc,
                 Norm scNorm) implements Layer {
    }

    /** An ODEBlock run {@code executions} steps of {@code h} from {@code t0} (raw; {@code hReal}, {@code t0Real} for the float twin). */
    record Ode(OdeBlock block, Conv c1, Norm n1, Conv c2, Norm n2, int executions, long h, long t0, double hReal,
               double t0Real) implements Layer {
    }

    record Classifier(double[] w, double[] b, int[] rawW, int[] rawB) implements Layer {
    }

    /** The network of {@code weights}' description with that description's norm mode. */
    public Network(Weights weights, QFormat format) {
        this(weights, weights.description().norm(), format);
    }

    /** The network of {@code weights}' description, its norms in mode {@code norm} (the zoo is trained in either). */
    public Network(Weights weights, NormMode norm, QFormat format) {
        this.description = weights.description().withNorm(norm);
        this.spec = weights.zooSpecOrNull();
        this.norm = norm;
        this.q = format;
        this.ops = new FixedOps(format);
        List<NetworkDescription.Shape> shapes = description.shapes();
        List<NetworkDescription.Layer> ls = description.layers();
        for (int i = 0; i < ls.size(); i++) {
            NetworkDescription.Layer l = ls.get(i);
            NetworkDescription.Shape out = shapes.get(i + 1);
            if (l instanceof NetworkDescription.Stem st) {
                layers.add(new Stem(conv(weights, st.conv()), norm(weights, st.bn())));
            } else if (l instanceof NetworkDescription.Res r) {
                String p = r.name() + ".";
                boolean b = r.shortcut() == NetworkDescription.Shortcut.B;
                layers.add(new Basic(conv(weights, p + "conv1"), norm(weights, p + "bn1"), conv(weights, p + "conv2"),
                        norm(weights, p + "bn2"), r.stride(), r.shortcut(), b ? conv(weights, p + "shortcut.0") : null,
                        b ? norm(weights, p + "shortcut.1") : null));
            } else if (l instanceof NetworkDescription.Ode o) {
                String p = o.name() + ".";
                Conv c1 = conv(weights, p + "conv1");
                Norm n1 = norm(weights, p + "bn1");
                Conv c2 = conv(weights, p + "conv2");
                Norm n2 = norm(weights, p + "bn2");
                // the block's name becomes a Verilog identifier when its RTL is co-simulated: layer3_2.0 -> layer3_2_0
                BlockConfig cfg = new BlockConfig(o.name().replace('.', '_'), out.channels(), out.height(), out.width(), q,
                        norm, o.time(), description.eps());
                BlockParams bp = new BlockParams(c1.raw, n1.rawA, n1.rawB, c2.raw, n2.rawA, n2.rawB);
                // ARITHMETIC.md: h = quantize((t1 - t0) / M), t0 = quantize(t0), in double.
                double hReal = (o.t1() - o.t0()) / o.steps();
                layers.add(new Ode(new OdeBlock(cfg, bp, o.solver()), c1, n1, c2, n2, o.steps(), q.quantize(hReal),
                        q.quantize(o.t0()), hReal, o.t0()));
            } else if (l instanceof NetworkDescription.Fc f) {
                double[] w = weights.get(f.name() + ".weight").data();
                double[] b = weights.get(f.name() + ".bias").data();
                layers.add(new Classifier(w, b, quantize(w), quantize(b)));
            }
        }
    }

    /** What this network is: its description, with the norm mode it runs in. */
    public NetworkDescription description() {
        return description;
    }

    /** The zoo network this is; refused for a custom description. */
    public NetworkSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("this network is not one of the zoo's (" + description + ")");
        }
        return spec;
    }

    /** "rODENet-3-20" for the zoo, "custom" otherwise. */
    public String name() {
        return spec != null ? spec.name() : "custom";
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

    /** The steps each ODEBlock runs (its executions per instance), in the order of {@link #odeBlocks()}. */
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

    /** Fixed-point logits of a normalized image, each ODE layer run by its own solver. */
    public int[] forwardFixed(FloatMap image) {
        return forwardFixed(quantize(image), GOLDEN, null);
    }

    /** Fixed-point logits with every ODE layer run by {@code solver} (the one the model was trained with). */
    public int[] forwardFixed(FloatMap image, OdeSolver solver) {
        return forwardFixed(quantize(image), GOLDEN, solver);
    }

    /** Fixed-point logits (raw), the ODE layers run by {@code executor} with their own solvers. */
    public int[] forwardFixed(FixedMap x, BlockExecutor executor) {
        return forwardFixed(x, executor, null);
    }

    /**
     * Fixed-point logits (raw). Each ODE layer runs M = its steps of {@code solver} (its own when null),
     * {@code h = quantize((t1 - t0) / M)}, {@code t0 = quantize(t0)}; the executor gets each block with
     * that solver ({@link OdeBlock#solver()}).
     */
    public int[] forwardFixed(FixedMap x, BlockExecutor executor, OdeSolver solver) {
        for (Layer layer : layers) {
            if (layer instanceof Stem st) {
                x = ops.relu(normFixed(ops.conv3x3(x, st.conv.raw, st.conv.cout, 1, null), st.norm));
            } else if (layer instanceof Basic b) {
                FixedMap y = ops.relu(normFixed(ops.conv3x3(x, b.c1.raw, b.c1.cout, b.stride, null), b.n1));
                y = normFixed(ops.conv3x3(y, b.c2.raw, b.c2.cout, 1, null), b.n2);
                FixedMap sc = b.shortcut == NetworkDescription.Shortcut.B
                        ? normFixed(ops.conv1x1(x, b.sc.raw, b.sc.cout, b.stride), b.scNorm)
                        : shortcutFixed(x, b.c1.cout, b.stride);
                x = ops.relu(ops.addSat(y, sc));
            } else if (layer instanceof Ode o) {
                OdeBlock block = solver == null ? o.block : o.block.withSolver(solver);
                x = executor.run(block, x, o.executions, o.h, o.t0);
            } else if (layer instanceof Classifier c) {
                return ops.linear(ops.averagePool(x), c.rawW, c.rawB);
            }
        }
        throw new IllegalStateException("network without a classifier");
    }

    /** Float logits of the float twin (same structure; h = (t1 - t0)/M, t_k = t0 + k*h), each ODE layer's own solver. */
    public double[] forwardFloat(FloatMap x) {
        return forwardFloat(x, null);
    }

    /** Float logits of the float twin with every ODE layer run by {@code solver} (its own when null). */
    public double[] forwardFloat(FloatMap x, OdeSolver solver) {
        for (Layer layer : layers) {
            if (layer instanceof Stem st) {
                x = FloatOps.relu(normFloat(FloatOps.conv3x3(x, st.conv.w, st.conv.cout, 1, null), st.norm));
            } else if (layer instanceof Basic b) {
                FloatMap y = FloatOps.relu(normFloat(FloatOps.conv3x3(x, b.c1.w, b.c1.cout, b.stride, null), b.n1));
                y = normFloat(FloatOps.conv3x3(y, b.c2.w, b.c2.cout, 1, null), b.n2);
                FloatMap sc = b.shortcut == NetworkDescription.Shortcut.B
                        ? normFloat(FloatOps.conv1x1(x, b.sc.w, b.sc.cout, b.stride), b.scNorm)
                        : shortcutFloat(x, b.c1.cout, b.stride);
                x = FloatOps.relu(FloatOps.axpy(y, 1.0, sc));
            } else if (layer instanceof Ode o) {
                boolean time = o.block.config().timeChannel();
                x = FloatOps.solve(solver == null ? o.block.solver() : solver, x, o.executions, o.hReal, o.t0Real,
                        (z, t) -> {
                            Double tt = time ? t : null;
                            FloatMap f = FloatOps.relu(normFloat(FloatOps.conv3x3(z, o.c1.w, o.c1.cout, 1, tt), o.n1));
                            return normFloat(FloatOps.conv3x3(f, o.c2.w, o.c2.cout, 1, tt), o.n2);
                        });
            } else if (layer instanceof Classifier c) {
                return FloatOps.linear(FloatOps.averagePool(x), c.w, c.b);
            }
        }
        throw new IllegalStateException("network without a classifier");
    }

    private FixedMap normFixed(FixedMap x, Norm n) {
        return ops.norm(norm, x, n.rawA, n.rawB, Math.max(1, q.quantize(description.eps())));
    }

    private FloatMap normFloat(FloatMap x, Norm n) {
        return FloatOps.norm(norm, x, n.a, n.b, description.eps());
    }

    /**
     * The parameter-free "option A" shortcut: subsample at even positions when the stride is 2 (an
     * {@code H x W} map gives {@code ceil(H/2) x ceil(W/2)}) and pad the new channels with zeros, half
     * before and half after (as the common PyTorch CIFAR ResNet). Returns, for each output index, the
     * input index it copies, or -1 for a zero.
     */
    static int[] shortcutSource(int cin, int h, int w, int cout, int stride) {
        int ho = (h + stride - 1) / stride;
        int wo = (w + stride - 1) / stride;
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
        return new FixedMap(cout, (x.height() + stride - 1) / stride, (x.width() + stride - 1) / stride, out);
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
        return new FloatMap(cout, (x.height() + stride - 1) / stride, (x.width() + stride - 1) / stride, out);
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
            scale[c] = gamma[c] / Math.sqrt(var[c] + description.eps());
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
