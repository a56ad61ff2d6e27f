package org.odegen.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkDescription.DescriptionException;
import org.odegen.net.NetworkDescription.Layer;
import org.odegen.net.NetworkDescription.Shortcut;

/**
 * The Java DSL of a network: a fluent builder of a {@link NetworkDescription} (MODEL.md's {@code network.json}),
 *
 * <pre>{@code
 * NetworkDescription net = NetworkBuilder.input(1, 28, 28).norm(NormMode.BATCH_STATS).mean(0.1307).std(0.3081)
 *         .stem(16)
 *         .ode(16).steps(4).solver(OdeSolver.RK4)
 *         .res(32).stride(2).shortcutB()
 *         .ode(32).steps(8)
 *         .classifier(10);
 * }</pre>
 *
 * A layer method adds a layer; the methods after it ({@code steps}, {@code solver}, {@code time}, {@code t},
 * {@code stride}, {@code shortcutA}, {@code shortcutB}, {@code name}) set that layer's keys, and one that the layer
 * does not have is refused naming the layer. Names default to the tensor prefixes {@code conv1}/{@code bn1} (the
 * stem), {@code res<i>}, {@code ode<i>} (counted per kind from 1) and {@code fc}. {@link #classifier} ends the network
 * and returns the description, validated as a file is: one message per mistake, naming the layer.
 */
public final class NetworkBuilder {
    private final int channels;
    private final int height;
    private final int width;
    private NormMode norm = NormMode.BATCH_STATS;
    private double eps = NetworkDescription.DEFAULT_EPS;
    private List<Double> mean;
    private List<Double> std;
    private final List<Layer> layers = new ArrayList<>();
    private int resCount;
    private int odeCount;
    /** Channels after the layers so far (the stem's out, then each res's). */
    private int current;

    private NetworkBuilder(int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new DescriptionException("input(" + channels + ", " + height + ", " + width + "): each must be at least 1");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mean = Collections.nCopies(channels, 0.0);
        this.std = Collections.nCopies(channels, 1.0);
        this.current = channels;
    }

    /** The image: {@code C} channels of {@code H x W}. */
    public static NetworkBuilder input(int channels, int height, int width) {
        return new NetworkBuilder(channels, height, width);
    }

    /** The norm mode of every norm (default batch-stats). */
    public NetworkBuilder norm(NormMode mode) {
        this.norm = mode;
        return this;
    }

    /** The norms' epsilon (default 1e-5). */
    public NetworkBuilder eps(double value) {
        this.eps = value;
        return this;
    }

    /** The image's per-channel mean (default 0), one number per input channel. */
    public NetworkBuilder mean(double... perChannel) {
        this.mean = boxed(perChannel);
        return this;
    }

    /** The image's per-channel standard deviation (default 1), one number per input channel. */
    public NetworkBuilder std(double... perChannel) {
        this.std = boxed(perChannel);
        return this;
    }

    /** The stem: conv3x3 from the image's channels to {@code out}, norm, relu. */
    public NetworkBuilder stem(int out) {
        layers.add(new NetworkDescription.Stem(out, "conv1", "bn1"));
        current = out;
        return this;
    }

    /** A ResNet basic block to {@code out} channels (stride 1 and identity shortcut until said otherwise). */
    public NetworkBuilder res(int out) {
        resCount++;
        layers.add(new NetworkDescription.Res("res" + resCount, out, 1, Shortcut.IDENTITY));
        current = out;
        return this;
    }

    /** An ODEBlock over {@code channels} channels (its input's: an ODE layer keeps them), one Euler step over [0, 1]. */
    public NetworkBuilder ode(int channels) {
        odeCount++;
        String name = "ode" + odeCount;
        if (channels != current) {
            throw new DescriptionException("layer " + layers.size() + " (" + name + "): an ode layer keeps its channels: "
                    + current + " come in, ode(" + channels + ") asks for " + channels);
        }
        layers.add(new NetworkDescription.Ode(name, 1, OdeSolver.EULER, true, 0.0, 1.0));
        return this;
    }

    /** The last ode layer's steps M. */
    public NetworkBuilder steps(int m) {
        NetworkDescription.Ode o = last(NetworkDescription.Ode.class, "steps");
        return replace(new NetworkDescription.Ode(o.name(), m, o.solver(), o.time(), o.t0(), o.t1()));
    }

    /** The last ode layer's solver. */
    public NetworkBuilder solver(OdeSolver s) {
        NetworkDescription.Ode o = last(NetworkDescription.Ode.class, "solver");
        return replace(new NetworkDescription.Ode(o.name(), o.steps(), s, o.time(), o.t0(), o.t1()));
    }

    /** Whether the last ode layer has the time channel (default true). */
    public NetworkBuilder time(boolean on) {
        NetworkDescription.Ode o = last(NetworkDescription.Ode.class, "time");
        return replace(new NetworkDescription.Ode(o.name(), o.steps(), o.solver(), on, o.t0(), o.t1()));
    }

    /** The last ode layer integrates over {@code [t0, t1]} (default [0, 1]). */
    public NetworkBuilder t(double t0, double t1) {
        NetworkDescription.Ode o = last(NetworkDescription.Ode.class, "t");
        return replace(new NetworkDescription.Ode(o.name(), o.steps(), o.solver(), o.time(), t0, t1));
    }

    /** The last res layer's stride, 1 or 2. */
    public NetworkBuilder stride(int s) {
        NetworkDescription.Res r = last(NetworkDescription.Res.class, "stride");
        return replace(new NetworkDescription.Res(r.name(), r.out(), s, r.shortcut()));
    }

    /** The last res layer's shortcut is option A (no parameters: subsampling and zero channels). */
    public NetworkBuilder shortcutA() {
        NetworkDescription.Res r = last(NetworkDescription.Res.class, "shortcutA");
        return replace(new NetworkDescription.Res(r.name(), r.out(), r.stride(), Shortcut.A));
    }

    /** The last res layer's shortcut is option B (conv1x1 and norm). */
    public NetworkBuilder shortcutB() {
        NetworkDescription.Res r = last(NetworkDescription.Res.class, "shortcutB");
        return replace(new NetworkDescription.Res(r.name(), r.out(), r.stride(), Shortcut.B));
    }

    /** Renames the last res or ode layer (its tensors' prefix), or the stem's conv (the bn becomes {@code <name>_bn}). */
    public NetworkBuilder name(String name) {
        if (layers.isEmpty()) {
            throw new DescriptionException("name(\"" + name + "\") needs a layer before it");
        }
        Layer l = layers.get(layers.size() - 1);
        if (l instanceof NetworkDescription.Stem st) {
            return replace(new NetworkDescription.Stem(st.out(), name, name + "_bn"));
        } else if (l instanceof NetworkDescription.Res r) {
            return replace(new NetworkDescription.Res(name, r.out(), r.stride(), r.shortcut()));
        }
        NetworkDescription.Ode o = (NetworkDescription.Ode) l;
        return replace(new NetworkDescription.Ode(name, o.steps(), o.solver(), o.time(), o.t0(), o.t1()));
    }

    /** Ends the network: global average pooling and a classifier of {@code classes} logits, named {@code fc}. */
    public NetworkDescription classifier(int classes) {
        List<Layer> all = new ArrayList<>(layers);
        all.add(new NetworkDescription.Fc("fc"));
        return new NetworkDescription(channels, height, width, classes, norm, eps, mean, std, all);
    }

    private <T extends Layer> T last(Class<T> kind, String method) {
        if (layers.isEmpty()) {
            throw new DescriptionException(method + "() needs a layer before it");
        }
        Layer l = layers.get(layers.size() - 1);
        if (!kind.isInstance(l)) {
            throw new DescriptionException("layer " + (layers.size() - 1) + " (" + l.label() + "): " + method
                    + "() is for " + (kind == NetworkDescription.Ode.class ? "an ode" : "a res") + " layer, this is "
                    + (l.kind().equals("ode") ? "an " : "a ") + l.kind() + " layer");
        }
        return kind.cast(l);
    }

    private NetworkBuilder replace(Layer l) {
        layers.set(layers.size() - 1, l);
        return this;
    }

    private static List<Double> boxed(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double d : v) {
            out.add(d);
        }
        return out;
    }
}
