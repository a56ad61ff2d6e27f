package org.odegen.net;

import static org.odegen.net.NetworkDescription.DEFAULT_EPS;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription.DescriptionException;
import org.odegen.net.NetworkDescription.Fc;
import org.odegen.net.NetworkDescription.Layer;
import org.odegen.net.NetworkDescription.Ode;
import org.odegen.net.NetworkDescription.Res;
import org.odegen.net.NetworkDescription.Shortcut;
import org.odegen.net.NetworkDescription.Stem;

/**
 * Reads {@code network.json} (doc/reference/network-json.md) into a {@link NetworkDescription}: its JSON, keys and types, the
 * defaults of absent keys, each mistake one {@link DescriptionException} naming the file, the layer and the problem.
 * What the values mean together (shapes, shortcuts, tensor names) is {@link NetworkDescriptionValidator}'s, through
 * the record's constructor. The bodies of {@link NetworkDescription#read} and {@link NetworkDescription#parse}.
 */
final class NetworkDescriptionParser {

    private NetworkDescriptionParser() {
    }

    private static final List<String> TOP_KEYS = List.of("input", "classes", "norm", "eps", "mean", "std", "layers");
    private static final List<String> KINDS = List.of("stem", "res", "ode", "fc");
    private static final List<String> STEM_KEYS = List.of("kind", "out", "conv", "bn");
    private static final List<String> RES_KEYS = List.of("kind", "name", "out", "stride", "shortcut");
    private static final List<String> ODE_KEYS = List.of("kind", "name", "steps", "solver", "time", "t0", "t1");
    private static final List<String> FC_KEYS = List.of("kind", "name");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** {@link NetworkDescription#read}. */
    static NetworkDescription read(Path file) throws IOException {
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

    /** {@link NetworkDescription#parse}. */
    static NetworkDescription parse(String text, String source) {
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
}
