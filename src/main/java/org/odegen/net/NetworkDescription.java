package org.odegen.net;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;

/**
 * One ODE network, described once: the image's shape and normalization, the classes, the norm
 * mode and the layers in execution order (a stem, ResNet blocks and ODEBlocks, a classifier). This
 * is the project's model of {@code network.json} (doc/network-json.md); the golden model, the
 * weights, the parameter blob and the generator all read it, and the paper's zoo is seven families
 * of instances of it ({@link #zoo}).
 *
 * <p>Only valid descriptions exist: {@link #parse} and the constructor refuse every mistake with one
 * message naming the layer (its index and name) and the problem. {@link #canonicalJson()} writes the
 * description with every default spelled out, byte-identical for equal descriptions; its CRC-32 is the
 * engine's {@code NETWORK_ID}.
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
        validate(channels, height, width, classes, norm, eps, mean, std, layers);
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
        List<Layer> layers = new ArrayList<>();
        for (LayerRow row : spec.rows()) {
            Stage s = row.stage();
            switch (row.kind()) {
                case STEM -> layers.add(new Stem(s.outChannels(), "conv1", "bn1"));
                case RESNET -> {
                    for (int i = 0; i < row.instances(); i++) {
                        int stride = i == 0 ? s.stride() : 1;
                        boolean changes = i == 0 && (stride != 1 || s.inChannels() != s.outChannels());
                        layers.add(new Res(s.id() + "." + i, s.outChannels(), stride,
                                changes ? Shortcut.A : Shortcut.IDENTITY));
                    }
                }
                case ODE -> {
                    for (int i = 0; i < row.instances(); i++) {
                        layers.add(new Ode(s.id() + "." + i, row.executions(), solver, true, 0.0, 1.0));
                    }
                }
                case CLASSIFIER -> layers.add(new Fc("fc"));
            }
        }
        Stage stem = Stage.CONV1;
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < stem.inChannels(); c++) {
            mean.add(Cifar100.MEAN[c]);
            std.add(Cifar100.STD[c]);
        }
        return new NetworkDescription(stem.inChannels(), 32, 32, Stage.FC.outChannels(), norm, DEFAULT_EPS, mean, std,
                layers);
    }

    /** {@link #zoo(NetworkSpec, NormMode, OdeSolver)} with batch-stats norms and Euler. */
    public static NetworkDescription zoo(NetworkSpec spec) {
        return zoo(spec, NormMode.BATCH_STATS, OdeSolver.EULER);
    }

    /** The zoo network this description is (canonically equal to), if any (MODEL.md); otherwise {@code custom}. */
    public Optional<NetworkSpec> zooSpec() {
        OdeSolver solver = odeLayers().isEmpty() ? OdeSolver.EULER : odeLayers().get(0).solver();
        for (Variant v : Variant.values()) {
            for (int depth : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, depth);
                if (zoo(spec, norm, solver).equals(this)) {
                    return Optional.of(spec);
                }
            }
        }
        return Optional.empty();
    }

    /** "rODENet-3-20" for a zoo network, otherwise "custom". */
    public String displayName() {
        return zooSpec().map(NetworkSpec::name).orElse("custom");
    }

    // ---------------------------------------------------------------- network.json

    private static final List<String> TOP_KEYS = List.of("input", "classes", "norm", "eps", "mean", "std", "layers");
    private static final List<String> KINDS = List.of("stem", "res", "ode", "fc");
    private static final List<String> STEM_KEYS = List.of("kind", "out", "conv", "bn");
    private static final List<String> RES_KEYS = List.of("kind", "name", "out", "stride", "shortcut");
    private static final List<String> ODE_KEYS = List.of("kind", "name", "steps", "solver", "time", "t0", "t1");
    private static final List<String> FC_KEYS = List.of("kind", "name");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads and validates a {@code network.json}; every mistake is one {@link DescriptionException} naming the file. */
    public static NetworkDescription read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DescriptionException(file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DescriptionException(file + ": not UTF-8 text");
        }
        return parse(text, file.toString());
    }

    /** Parses and validates a description; {@code source} (a file name) begins every error message. */
    public static NetworkDescription parse(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new DescriptionException(source + ": not valid JSON: " + m);
        }
        if (root == null || !root.isObject()) {
            throw new DescriptionException(source + ": a description is one JSON object, with keys " + String.join(", ",
                    TOP_KEYS));
        }
        try {
            return fromJson(root);
        } catch (DescriptionException e) {
            throw new DescriptionException(source + ": " + e.getMessage());
        }
    }

    private static NetworkDescription fromJson(JsonNode root) {
        keys(root, TOP_KEYS, "the description");
        int[] input = intArray(require(root, "input", "the description"), "input", 3);
        for (int i = 0; i < 3; i++) {
            if (input[i] < 1) {
                throw new DescriptionException("input [C, H, W] = " + java.util.Arrays.toString(input)
                        + ": each must be at least 1");
            }
        }
        int classes = integer(require(root, "classes", "the description"), "classes");
        NormMode norm = choice(require(root, "norm", "the description"), "norm", NormMode::parse);
        double eps = root.has("eps") ? number(root.get("eps"), "eps") : DEFAULT_EPS;
        List<Double> mean = root.has("mean") ? doubles(root.get("mean"), "mean") : constant(input[0], 0.0);
        List<Double> std = root.has("std") ? doubles(root.get("std"), "std") : constant(input[0], 1.0);
        JsonNode array = require(root, "layers", "the description");
        if (!array.isArray()) {
            throw new DescriptionException("layers must be an array of layers, got " + type(array));
        }
        List<Layer> layers = new ArrayList<>();
        int channels = input[0];
        for (int i = 0; i < array.size(); i++) {
            JsonNode l = array.get(i);
            String where = "layer " + i;
            if (!l.isObject()) {
                throw new DescriptionException(where + ": a layer is a JSON object, got " + type(l));
            }
            if (l.has("name") && l.get("name").isTextual()) {
                where += " (" + l.get("name").asText() + ")";
            }
            try {
                String kind = text(require(l, "kind", "the layer"), "kind");
                Layer layer = switch (kind) {
                    case "stem" -> {
                        keys(l, STEM_KEYS, "a stem layer");
                        yield new Stem(integer(require(l, "out", "a stem layer"), "out"),
                                text(require(l, "conv", "a stem layer"), "conv"),
                                text(require(l, "bn", "a stem layer"), "bn"));
                    }
                    case "res" -> {
                        keys(l, RES_KEYS, "a res layer");
                        int out = l.has("out") ? integer(l.get("out"), "out") : channels;
                        Shortcut sc = Shortcut.IDENTITY;
                        if (l.has("shortcut")) {
                            String v = text(l.get("shortcut"), "shortcut");
                            if (!v.equals("A") && !v.equals("B")) {
                                throw new DescriptionException("shortcut '" + v + "' is unknown; valid: A, B (absent: identity)");
                            }
                            sc = Shortcut.valueOf(v);
                        }
                        yield new Res(text(require(l, "name", "a res layer"), "name"), out,
                                l.has("stride") ? integer(l.get("stride"), "stride") : 1, sc);
                    }
                    case "ode" -> {
                        keys(l, ODE_KEYS, "an ode layer");
                        yield new Ode(text(require(l, "name", "an ode layer"), "name"),
                                integer(require(l, "steps", "an ode layer"), "steps"),
                                l.has("solver") ? choice(l.get("solver"), "solver", OdeSolver::parse) : OdeSolver.EULER,
                                !l.has("time") || bool(l.get("time"), "time"),
                                l.has("t0") ? number(l.get("t0"), "t0") : 0.0,
                                l.has("t1") ? number(l.get("t1"), "t1") : 1.0);
                    }
                    case "fc" -> {
                        keys(l, FC_KEYS, "an fc layer");
                        yield new Fc(text(require(l, "name", "an fc layer"), "name"));
                    }
                    default -> throw new DescriptionException("kind '" + kind + "' is unknown; valid: "
                            + String.join(", ", KINDS));
                };
                if (layer instanceof Stem st) {
                    channels = st.out();
                } else if (layer instanceof Res r) {
                    channels = r.out();
                }
                layers.add(layer);
            } catch (DescriptionException e) {
                throw new DescriptionException(where + ": " + e.getMessage());
            }
        }
        return new NetworkDescription(input[0], input[1], input[2], classes, norm, eps, mean, std, layers);
    }

    private static void validate(int channels, int height, int width, int classes, NormMode norm, double eps,
                                 List<Double> mean, List<Double> std, List<Layer> layers) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new DescriptionException("input [C, H, W] = [" + channels + ", " + height + ", " + width
                    + "]: each must be at least 1");
        }
        if (classes < 1) {
            throw new DescriptionException("classes = " + classes + " must be at least 1");
        }
        if (norm == null) {
            throw new DescriptionException("norm is required; valid: " + NormMode.validIds());
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new DescriptionException("eps = " + eps + " must be a number > 0");
        }
        if (mean.size() != channels || std.size() != channels) {
            throw new DescriptionException("mean and std need one number per input channel (" + channels + "), got "
                    + mean.size() + " and " + std.size());
        }
        for (int c = 0; c < channels; c++) {
            if (!Double.isFinite(mean.get(c)) || !(std.get(c) > 0) || !Double.isFinite(std.get(c))) {
                throw new DescriptionException("channel " + c + ": mean " + mean.get(c) + ", std " + std.get(c)
                        + ": std must be > 0");
            }
        }
        if (layers.isEmpty()) {
            throw new DescriptionException("layers is empty: a network is a stem, then res and ode layers, then an fc");
        }
        Set<String> tensorPrefixes = new HashSet<>();
        int c = channels;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String where = "layer " + i + " (" + l.label() + ")";
            if (i == 0 && !(l instanceof Stem)) {
                throw new DescriptionException(where + ": the first layer must be the stem, got " + l.kind());
            }
            if (i > 0 && l instanceof Stem) {
                throw new DescriptionException(where + ": a stem must be the first layer only");
            }
            boolean last = i == layers.size() - 1;
            if (last && !(l instanceof Fc)) {
                throw new DescriptionException(where + ": the last layer must be the fc (the classifier), got " + l.kind());
            }
            if (!last && l instanceof Fc) {
                throw new DescriptionException(where + ": the fc must be the last layer only");
            }
            if (l instanceof Stem st) {
                positive(where, "out", st.out());
                prefix(where, "conv", st.conv(), tensorPrefixes);
                prefix(where, "bn", st.bn(), tensorPrefixes);
                c = st.out();
            } else if (l instanceof Res r) {
                prefix(where, "name", r.name(), tensorPrefixes);
                positive(where, "out", r.out());
                if (r.stride() != 1 && r.stride() != 2) {
                    throw new DescriptionException(where + ": stride = " + r.stride() + "; valid: 1, 2");
                }
                boolean changes = r.out() != c || r.stride() != 1;
                if (r.shortcut() == null) {
                    throw new DescriptionException(where + ": the shortcut is missing; valid: IDENTITY, A, B");
                }
                if (changes && r.shortcut() == Shortcut.IDENTITY) {
                    throw new DescriptionException(where + ": channels " + c + " -> " + r.out() + " at stride "
                            + r.stride() + " change the shape, so a shortcut is required; valid: "
                            + (r.out() >= c ? "A, B" : "B (A needs out >= in)"));
                }
                if (r.shortcut() == Shortcut.A && (!changes || r.out() < c)) {
                    throw new DescriptionException(where + ": shortcut A needs out >= in and a change of channels or "
                            + "stride 2 (here " + c + " -> " + r.out() + ", stride " + r.stride() + "); use B"
                            + (changes ? "" : " or leave the shortcut out (identity)"));
                }
                c = r.out();
            } else if (l instanceof Ode o) {
                prefix(where, "name", o.name(), tensorPrefixes);
                if (o.steps() < 1) {
                    throw new DescriptionException(where + ": steps = " + o.steps() + " must be at least 1");
                }
                if (o.solver() == null) {
                    throw new DescriptionException(where + ": the solver is missing; valid: " + OdeSolver.validNames());
                }
                if (!Double.isFinite(o.t0()) || !Double.isFinite(o.t1())) {
                    throw new DescriptionException(where + ": t0 and t1 must be finite numbers");
                }
            } else if (l instanceof Fc f) {
                prefix(where, "name", f.name(), tensorPrefixes);
            }
        }
    }

    private static void positive(String where, String key, int v) {
        if (v < 1) {
            throw new DescriptionException(where + ": " + key + " = " + v + " must be at least 1");
        }
    }

    /** A tensor prefix: letters, digits, '_' and '.', not starting or ending with '.', unique in the network. */
    private static void prefix(String where, String key, String name, Set<String> seen) {
        if (name == null || !name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*")) {
            throw new DescriptionException(where + ": " + key + " '" + name + "' is not a tensor prefix (letters, "
                    + "digits and '_', parts joined by '.')");
        }
        if (!seen.add(name)) {
            throw new DescriptionException(where + ": " + key + " '" + name + "' is used twice; each layer's tensors "
                    + "need their own prefix");
        }
        for (String other : seen) {
            // 'a' and 'a.conv1' would give two layers' tensors one name (a.conv1.weight)
            if (other.startsWith(name + ".") || name.startsWith(other + ".")) {
                throw new DescriptionException(where + ": " + key + " '" + name + "' and '" + other + "' nest: one "
                        + "prefix inside another could give two tensors one name");
            }
        }
    }

    private static JsonNode require(JsonNode obj, String key, String what) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            throw new DescriptionException("'" + key + "' is missing (required in " + what + ")");
        }
        return v;
    }

    private static void keys(JsonNode obj, List<String> valid, String what) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!valid.contains(k)) {
                throw new DescriptionException("unknown key '" + k + "'; valid keys of " + what + ": "
                        + String.join(", ", valid));
            }
        }
    }

    private static int integer(JsonNode v, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new DescriptionException(key + " must be an integer, got " + type(v) + " " + v);
        }
        return v.intValue();
    }

    private static double number(JsonNode v, String key) {
        if (!v.isNumber()) {
            throw new DescriptionException(key + " must be a number, got " + type(v) + " " + v);
        }
        return v.doubleValue();
    }

    private static String text(JsonNode v, String key) {
        if (!v.isTextual()) {
            throw new DescriptionException(key + " must be a string, got " + type(v) + " " + v);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode v, String key) {
        if (!v.isBoolean()) {
            throw new DescriptionException(key + " must be true or false, got " + type(v) + " " + v);
        }
        return v.booleanValue();
    }

    private static <T> T choice(JsonNode v, String key, java.util.function.Function<String, T> parse) {
        String s = text(v, key);
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            throw new DescriptionException(key + ": " + e.getMessage());
        }
    }

    private static int[] intArray(JsonNode v, String key, int n) {
        if (!v.isArray() || v.size() != n) {
            throw new DescriptionException(key + " must be an array of " + n + " integers, got " + type(v) + " " + v);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = integer(v.get(i), key + "[" + i + "]");
        }
        return out;
    }

    private static List<Double> doubles(JsonNode v, String key) {
        if (!v.isArray()) {
            throw new DescriptionException(key + " must be an array of numbers, got " + type(v) + " " + v);
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(number(v.get(i), key + "[" + i + "]"));
        }
        return out;
    }

    private static List<Double> constant(int n, double value) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(value);
        }
        return out;
    }

    private static String type(JsonNode v) {
        return v.isTextual() ? "a string" : v.isBoolean() ? "a boolean" : v.isNumber() ? "a number"
                : v.isArray() ? "an array" : v.isObject() ? "an object" : "null";
    }

    /**
     * The canonical {@code network.json}: keys in MODEL.md's order, every default written out (an identity
     * shortcut is the absent key), numbers as Java prints them, one layer a line, a final newline.
     */
    public String canonicalJson() {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        b.append("  \"input\": [").append(channels).append(", ").append(height).append(", ").append(width).append("],\n");
        b.append("  \"classes\": ").append(classes).append(",\n");
        b.append("  \"norm\": ").append(quote(norm.id())).append(",\n");
        b.append("  \"eps\": ").append(num(eps)).append(",\n");
        b.append("  \"mean\": ").append(nums(mean)).append(",\n");
        b.append("  \"std\": ").append(nums(std)).append(",\n");
        b.append("  \"layers\": [\n");
        for (int i = 0; i < layers.size(); i++) {
            b.append("    {\"kind\": ").append(quote(layers.get(i).kind()));
            Layer l = layers.get(i);
            if (l instanceof Stem st) {
                b.append(", \"out\": ").append(st.out()).append(", \"conv\": ").append(quote(st.conv()))
                        .append(", \"bn\": ").append(quote(st.bn()));
            } else if (l instanceof Res r) {
                    b.append(", \"name\": ").append(quote(r.name())).append(", \"out\": ").append(r.out())
                            .append(", \"stride\": ").append(r.stride());
                if (r.shortcut() != Shortcut.IDENTITY) {
                    b.append(", \"shortcut\": ").append(quote(r.shortcut().name()));
                }
            } else if (l instanceof Ode o) {
                b.append(", \"name\": ").append(quote(o.name())).append(", \"steps\": ").append(o.steps())
                        .append(", \"solver\": ").append(quote(o.solver().id())).append(", \"time\": ").append(o.time())
                        .append(", \"t0\": ").append(num(o.t0())).append(", \"t1\": ").append(num(o.t1()));
            } else if (l instanceof Fc f) {
                b.append(", \"name\": ").append(quote(f.name()));
            }
            b.append(i + 1 < layers.size() ? "},\n" : "}\n");
        }
        b.append("  ]\n}\n");
        return b.toString();
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

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    private static String nums(List<Double> v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(num(v.get(i)));
        }
        return b.append(']').toString();
    }

    @Override
    public String toString() {
        return displayName() + " (" + input() + " -> " + classes + ", " + layers.size() + " layers)";
    }
}
