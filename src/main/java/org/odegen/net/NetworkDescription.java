package org.odegen.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;

/**
 * One ODE network, described once: the image's shape and normalization, the classes, the norm
 * mode and the layers in execution order (a stem, ResNet blocks and ODEBlocks, a classifier). This
 * is the project's model of {@code network.json} (doc/reference/network-json.md); the golden model, the
 * weights, the parameter blob and the generator all read it, and the paper's zoo is seven families
 * of instances of it ({@link #zoo}).
 *
 * <p>Only valid descriptions exist: {@link #parse} and the constructor refuse every mistake with one
 * message naming the layer (its index and name) and the problem. {@link #canonicalJson()} writes the
 * description with every default spelled out, byte-identical for equal descriptions; its CRC-32 is the
 * engine's {@code NETWORK_ID}.
 *
 * <p>The record holds the description and what follows from it (shapes, tensors, costs); its parts live beside it:
 * {@link NetworkDescriptionParser} reads {@code network.json}, {@link NetworkDescriptionValidator} holds the rules
 * the constructor checks, {@link NetworkDescriptionWriter} writes the canonical form and {@link NetworkDescriptionZoo}
 * builds the zoo.
 */
public record NetworkDescription(int channels, int height, int width, int classes, NormMode norm, double eps,
                                 List<Double> mean, List<Double> std, List<Layer> layers) {

    /** The norms' epsilon when the file gives none (PyTorch's default). */
    public static final double DEFAULT_EPS = 1e-5;

    /** One layer of the description. */
    public sealed interface Layer permits Stem, Res, Ode, Fc {
        /** {@code stem}, {@code res}, {@code ode} or {@code fc}. */
        String kind();

        /** How error messages name it: the {@code name}, or the stem's conv. */
        String label();
    }

    /** conv3x3 from the image's channels to {@code out}, norm, relu; tensors {@code <conv>.weight}, {@code <bn>.*}. */
    public record Stem(int out, String conv, String bn) implements Layer {
        public String kind() {
            return "stem";
        }

        public String label() {
            return conv;
        }
    }

    /** A ResNet basic block to {@code out} channels at {@code stride}, with its shortcut. */
    public record Res(String name, int out, int stride, Shortcut shortcut) implements Layer {
        public String kind() {
            return "res";
        }

        public String label() {
            return name;
        }
    }

    /** An ODEBlock integrated over [t0, t1] in {@code steps} steps of {@code solver}. */
    public record Ode(String name, int steps, OdeSolver solver, boolean time, double t0, double t1) implements Layer {
        public String kind() {
            return "ode";
        }

        public String label() {
            return name;
        }
    }

    /** Global average pooling, then the classifier {@code <name>.weight}, {@code <name>.bias}. */
    public record Fc(String name) implements Layer {
        public String kind() {
            return "fc";
        }

        public String label() {
            return name;
        }
    }

    /** A ResNet block's shortcut: identity, option A (no parameters) or option B (conv1x1 and norm). */
    public enum Shortcut { IDENTITY, A, B }

    /** A feature map's shape. */
    public record Shape(int channels, int height, int width) {
        public int pixels() {
            return height * width;
        }

        public int words() {
            return channels * pixels();
        }

        /** The shape after a stride: {@code ceil(H / s) x ceil(W / s)} (ARITHMETIC.md). */
        Shape strided(int out, int stride) {
            return new Shape(out, (height + stride - 1) / stride, (width + stride - 1) / stride);
        }

        @Override
        public String toString() {
            return channels + "x" + height + "x" + width;
        }
    }

    /** A description's mistake: the message names the layer and the problem. */
    public static final class DescriptionException extends IllegalArgumentException {
        public DescriptionException(String message) {
            super(message);
        }
    }

    public NetworkDescription {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        layers = List.copyOf(layers);
        NetworkDescriptionValidator.validate(channels, height, width, classes, norm, eps, mean, std, layers);
    }

    // ---------------------------------------------------------------- shapes and tensors

    /** The image's shape. */
    public Shape input() {
        return new Shape(channels, height, width);
    }

    /** The shape entering layer {@code i}; {@code shapes().get(layers.size())} is the classifier's output. */
    public List<Shape> shapes() {
        List<Shape> out = new ArrayList<>();
        Shape s = input();
        for (Layer l : layers) {
            out.add(s);
            if (l instanceof Stem st) {
                s = new Shape(st.out(), s.height(), s.width());
            } else if (l instanceof Res r) {
                s = s.strided(r.out(), r.stride());
            } else if (l instanceof Fc) {
                s = new Shape(classes, 1, 1);
            }
        }
        out.add(s);
        return out;
    }

    /** Every tensor of the network, in the parameter blob's order (MODEL.md), running statistics beside their norm. */
    public List<Weights.Slot> tensors() {
        List<Weights.Slot> out = new ArrayList<>();
        List<Shape> shapes = shapes();
        for (int i = 0; i < layers.size(); i++) {
            Shape in = shapes.get(i);
            Shape o = shapes.get(i + 1);
            Layer l = layers.get(i);
            if (l instanceof Stem st) {
                conv(out, st.conv(), st.out(), in.channels(), 3);
                norm(out, st.bn(), st.out());
            } else if (l instanceof Res r) {
                block(out, r.name(), in.channels(), r.out(), 0);
                if (r.shortcut() == Shortcut.B) {
                    conv(out, r.name() + ".shortcut.0", r.out(), in.channels(), 1);
                    norm(out, r.name() + ".shortcut.1", r.out());
                }
            } else if (l instanceof Ode od) {
                block(out, od.name(), in.channels(), o.channels(), od.time() ? 1 : 0);
            } else if (l instanceof Fc f) {
                out.add(new Weights.Slot(f.name() + ".weight", Weights.Role.FC_WEIGHT, new int[] {classes,
                    in.channels()}));
                out.add(new Weights.Slot(f.name() + ".bias", Weights.Role.FC_BIAS, new int[] {classes}));
            }
        }
        return out;
    }

    private static void block(List<Weights.Slot> out, String name, int cin, int cout, int time) {
        conv(out, name + ".conv1", cout, cin + time, 3);
        norm(out, name + ".bn1", cout);
        conv(out, name + ".conv2", cout, cout + time, 3);
        norm(out, name + ".bn2", cout);
    }

    private static void conv(List<Weights.Slot> out, String prefix, int cout, int cin, int k) {
        out.add(new Weights.Slot(prefix + ".weight", Weights.Role.CONV, new int[] {cout, cin, k, k}));
    }

    private static void norm(List<Weights.Slot> out, String prefix, int c) {
        out.add(new Weights.Slot(prefix + ".weight", Weights.Role.NORM_WEIGHT, new int[] {c}));
        out.add(new Weights.Slot(prefix + ".bias", Weights.Role.NORM_BIAS, new int[] {c}));
        out.add(new Weights.Slot(prefix + ".running_mean", Weights.Role.RUNNING_MEAN, new int[] {c}));
        out.add(new Weights.Slot(prefix + ".running_var", Weights.Role.RUNNING_VAR, new int[] {c}));
    }

    /** Trainable parameters (running statistics excluded): the parameter blob's length in words. */
    public long params() {
        return tensors().stream().filter(Weights.Slot::isParameter).mapToLong(s -> Tensor.elements(s.shape())).sum();
    }

    /** Multiply-adds of one image: every convolution (with ODE layers' evaluations and steps), the classifier. */
    public long multiplyAdds() {
        long total = 0;
        List<Shape> shapes = shapes();
        for (int i = 0; i < layers.size(); i++) {
            Shape in = shapes.get(i);
            Shape o = shapes.get(i + 1);
            Layer l = layers.get(i);
            if (l instanceof Stem) {
                total += (long) o.words() * in.channels() * 9;
            } else if (l instanceof Res r) {
                total += (long) o.words() * (in.channels() + o.channels()) * 9
                        + (r.shortcut() == Shortcut.B ? (long) o.words() * in.channels() : 0);
            } else if (l instanceof Ode od) {
                total += (long) od.steps() * od.solver().evaluations() * 2 * o.words()
                        * (o.channels() + (od.time() ? 1 : 0)) * 9;
            } else {
                total += (long) classes * in.channels();
            }
        }
        return total;
    }

    /** The ODE layers, in order. */
    public List<Ode> odeLayers() {
        return layers.stream().filter(l -> l instanceof Ode).map(l -> (Ode) l).toList();
    }

    /** The classifier (the last layer). */
    public Fc classifier() {
        return (Fc) layers.get(layers.size() - 1);
    }

    /** The one solver of the ODE layers, {@code mixed} when they use several, {@code euler} when there are none. */
    public String solverId() {
        List<OdeSolver> used = odeLayers().stream().map(Ode::solver).distinct().toList();
        return used.isEmpty() ? OdeSolver.EULER.id() : used.size() == 1 ? used.get(0).id() : "mixed";
    }

    /** The same network with every norm in mode {@code n}. */
    public NetworkDescription withNorm(NormMode n) {
        return n == norm ? this : new NetworkDescription(channels, height, width, classes, n, eps, mean, std, layers);
    }

    /** The same network with every ODE layer run by {@code s}. */
    public NetworkDescription withSolver(OdeSolver s) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            out.add(l instanceof Ode o ? new Ode(o.name(), o.steps(), s, o.time(), o.t0(), o.t1()) : l);
        }
        return new NetworkDescription(channels, height, width, classes, norm, eps, mean, std, out);
    }

    // ---------------------------------------------------------------- the zoo

    /**
     * The zoo network {@code spec} as a description (MODEL.md): the user guide's state_dict names,
     * CIFAR-100's 3x32x32 images and normalization, 100 classes, the stride-2 blocks with shortcut A,
     * one {@code ode} layer per ODEBlock instance with {@code steps} = its executions.
     */
    public static NetworkDescription zoo(NetworkSpec spec, NormMode norm, OdeSolver solver) {
        return NetworkDescriptionZoo.of(spec, norm, solver);
    }

    /** {@link #zoo(NetworkSpec, NormMode, OdeSolver)} with batch-stats norms and Euler. */
    public static NetworkDescription zoo(NetworkSpec spec) {
        return zoo(spec, NormMode.BATCH_STATS, OdeSolver.EULER);
    }

    /** The zoo network this description is (canonically equal to), if any (MODEL.md); otherwise {@code custom}. */
    public Optional<NetworkSpec> zooSpec() {
        return NetworkDescriptionZoo.specOf(this);
    }

    /** "rODENet-3-20" for a zoo network, otherwise "custom". */
    public String displayName() {
        return zooSpec().map(NetworkSpec::name).orElse("custom");
    }

    // ---------------------------------------------------------------- network.json

    /** Reads and validates a {@code network.json}; every mistake is one {@link DescriptionException} naming the file. */
    public static NetworkDescription read(Path file) throws IOException {
        return NetworkDescriptionParser.read(file);
    }

    /** Parses and validates a description; {@code source} (a file name) begins every error message. */
    public static NetworkDescription parse(String text, String source) {
        return NetworkDescriptionParser.parse(text, source);
    }

    /**
     * The canonical {@code network.json}: keys in MODEL.md's order, every default written out (an identity
     * shortcut is the absent key), numbers as Java prints them, one layer a line, a final newline.
     */
    public String canonicalJson() {
        return NetworkDescriptionWriter.canonicalJson(this);
    }

    /** {@code NETWORK_ID}: the CRC-32 (IEEE 802.3) of the canonical file's UTF-8 bytes. */
    public long networkId() {
        CRC32 crc = new CRC32();
        crc.update(canonicalJson().getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** {@code 0x1a2b3c4d}. */
    public String networkIdHex() {
        return String.format(Locale.ROOT, "0x%08x", networkId());
    }

    @Override
    public String toString() {
        return displayName() + " (" + input() + " -> " + classes + ", " + layers.size() + " layers)";
    }
}
