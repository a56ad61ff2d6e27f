package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.net.Cifar100;
import org.odegen.net.LayerRow;
import org.odegen.net.NetworkSpec;
import org.odegen.net.SafeTensors;
import org.odegen.net.Tensor;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/**
 * The PyTorch side of network.json (MODEL.md; src/main/python/odegen_torch/description.py and
 * described.py): the zoo's descriptions equal describe(zoo.build(...)) and name exactly the Java
 * side's tensors; descriptions round-trip through build and describe; the built model's tensor
 * names, shapes and feature-map sizes are those this test derives from MODEL.md and ARITHMETIC.md
 * on its own; bad files give exit 2 and one line naming the layer; init writes the tensors.
 * One Python process per group of checks (`selftest`), since importing torch costs seconds.
 */
class DescriptionTorchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODULE = "odegen_torch.description";

    @TempDir
    Path dir;

    /** Non-zoo descriptions, each exercising something the zoo does not. */
    static final Map<String, String> GOOD = new LinkedHashMap<>();

    static {
        // 1x8x8, 10 classes, every default left out
        GOOD.put("tiny", """
                {"input": [1, 8, 8], "classes": 10, "norm": "folded", "layers": [
                  {"kind": "stem", "out": 4, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "ode1", "steps": 2},
                  {"kind": "fc", "name": "fc"}]}""");
        // 1x28x28 down to 7x7 with stride 2, then 4x4 (ceil(7/2)) with B
        GOOD.put("mnist", """
                {"input": [1, 28, 28], "classes": 10, "norm": "batch-stats", "mean": [0.1307], "std": [0.3081],
                 "layers": [
                  {"kind": "stem", "out": 8, "conv": "conv1", "bn": "bn1"},
                  {"kind": "res", "name": "down1", "out": 16, "stride": 2, "shortcut": "A"},
                  {"kind": "res", "name": "down2", "out": 32, "stride": 2, "shortcut": "B"},
                  {"kind": "res", "name": "down3", "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "ode1", "steps": 3, "solver": "rk4"},
                  {"kind": "fc", "name": "head"}]}""");
        // 3x32x32 with 32/64/128 channels, a 1x1 shortcut B, CIFAR-like normalization
        GOOD.put("wide", """
                {"input": [3, 32, 32], "classes": 100, "norm": "folded", "eps": 0.001,
                 "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.5, 1],
                 "layers": [
                  {"kind": "stem", "out": 32, "conv": "stem.conv", "bn": "stem.bn"},
                  {"kind": "ode", "name": "stage1.ode", "steps": 1},
                  {"kind": "res", "name": "stage2.0", "out": 64, "stride": 2, "shortcut": "B"},
                  {"kind": "res", "name": "stage3.0", "out": 128, "stride": 2, "shortcut": "A"},
                  {"kind": "fc", "name": "classifier"}]}""");
        // heun and rk4 in one network, over [0.5, 2] and [0, 2], one without the time channel
        GOOD.put("solvers", """
                {"input": [2, 6, 5], "classes": 3, "norm": "folded", "layers": [
                  {"kind": "stem", "out": 6, "conv": "c", "bn": "n"},
                  {"kind": "ode", "name": "a", "steps": 2, "solver": "heun", "t0": 0.5, "t1": 2},
                  {"kind": "ode", "name": "b", "steps": 3, "solver": "rk4", "time": false, "t1": 2},
                  {"kind": "ode", "name": "d", "steps": 1, "solver": "euler", "t0": 1, "t1": 0},
                  {"kind": "fc", "name": "fc"}]}""");
        // channel counts 12 and 24: B at stride 1 to more channels, B as a projection, identity, [0, 2]
        GOOD.put("twelve", """
                {"input": [3, 10, 10], "classes": 7, "norm": "batch-stats", "layers": [
                  {"kind": "stem", "out": 12, "conv": "conv1", "bn": "bn1"},
                  {"kind": "res", "name": "r1", "out": 24, "shortcut": "B"},
                  {"kind": "res", "name": "r2", "shortcut": "B"},
                  {"kind": "res", "name": "r3", "out": 24},
                  {"kind": "ode", "name": "o", "steps": 2, "t1": 2},
                  {"kind": "fc", "name": "fc"}]}""");
        // odd sizes: option B and A at stride 2 on 7x7 and 4x4 (MODEL.md's ceil(H/2))
        GOOD.put("odd", """
                {"input": [1, 7, 7], "classes": 3, "norm": "folded", "layers": [
                  {"kind": "stem", "out": 4, "conv": "conv1", "bn": "bn1"},
                  {"kind": "res", "name": "b", "out": 6, "stride": 2, "shortcut": "B"},
                  {"kind": "res", "name": "a", "out": 8, "stride": 2, "shortcut": "A"},
                  {"kind": "fc", "name": "fc"}]}""");
    }

    @Test
    void zooAndRoundTrips() throws Exception {
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : GOOD.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".json");
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        List<String> args = new ArrayList<>(List.of("selftest"));
        args.addAll(files);
        PythonSide.Result r = PythonSide.module(MODULE, args, 300);
        assertEquals(0, r.exit(), r.stderr());
        JsonNode st = JSON.readTree(r.stdout());

        // the zoo: zoo_description == describe(zoo.build(...)), Java's tensor names, same logits
        JsonNode zoo = st.get("zoo");
        int seen = 0;
        for (Variant v : Variant.values()) {
            for (String norm : List.of("batch-stats", "folded")) {
                checkZoo(zoo.get(v.id() + "-20-" + norm + "-euler"), v, norm + " euler");
                seen++;
            }
        }
        assertEquals(seen + 2, zoo.size(), "the zoo cases: every variant in both norms, and two other solvers");
        checkZoo(zoo.get("rodenet-1+2-20-folded-heun"), Variant.RODENET_1_2, "folded heun");
        checkZoo(zoo.get("rodenet-2-20-batch-stats-rk4"), Variant.RODENET_2, "batch-stats rk4");
        assertEquals("heun", zoo.get("rodenet-1+2-20-folded-heun").get("description").get("layers").get(1).get("solver")
                .asText());

        // the command line's describe prints the same description
        PythonSide.Result d = PythonSide.module(MODULE, List.of("describe", "--variant", "rodenet-1+2", "--depth", "20",
                "--norm", "folded", "--solver", "heun"), 120);
        assertEquals(0, d.exit(), d.stderr());
        assertEquals(zoo.get("rodenet-1+2-20-folded-heun").get("description"), JSON.readTree(d.stdout()));

        for (String name : GOOD.keySet()) {
            JsonNode f = st.get("files").get(dir.resolve(name + ".json").toString());
            assertNotNull(f, name);
            assertTrue(f.get("error") == null, name + ": " + f.get("error"));
            JsonNode norm = f.get("normalized");
            assertEquals(norm, f.get("described"), name + ": describe(build(d)) == parse(d)");
            assertEquals(0.0, f.get("logit_gap").asDouble(), 0.0, name + ": build(describe(build(d))) with the same weights");
            assertEquals("custom", f.get("network").asText(), name);
            // every default written out, the user's values kept
            JsonNode given = JSON.readTree(GOOD.get(name));
            checkDefaults(name, given, norm);
            // the built state_dict: exactly MODEL.md's names and shapes (running statistics in both modes)
            Map<String, List<Integer>> built = new TreeMap<>();
            f.get("built").forEach(t -> built.put(t.get(0).asText(), ints(t.get(1))));
            assertEquals(expectedTensors(norm), built, name + ": tensor names and shapes");
            Map<String, List<Integer>> listed = new TreeMap<>();
            f.get("tensors").forEach(t -> listed.put(t.get(0).asText(), ints(t.get(1))));
            assertEquals(built, listed, name + ": description.tensors");
            // each layer's output on a forward pass: channels, ceil(H/2) x ceil(W/2) at stride 2
            assertEquals(expectedShapes(norm), listShapes(f.get("shapes")), name + ": feature-map shapes");
            // check on the canonical text gives the same bytes
            Path canon = dir.resolve(name + ".canonical.json");
            Files.writeString(canon, f.get("canonical").asText());
            PythonSide.Result c = PythonSide.module(MODULE, List.of("check", canon.toString()), 60);
            assertEquals(0, c.exit(), c.stderr());
            assertEquals(f.get("canonical").asText(), c.stdout(), name + ": canonical form is a fixed point");
        }

        // a plain nn.Sequential: described, rebuilt with its weights, the same logits
        JsonNode seq = st.get("sequential");
        assertEquals(0.0, seq.get("logit_gap").asDouble(), 0.0);
        List<String> kinds = new ArrayList<>();
        seq.get("described").get("layers").forEach(l -> kinds.add(l.get("kind").asText()));
        assertEquals(List.of("stem", "res", "ode", "fc"), kinds);
        assertEquals("head", seq.get("described").get("layers").get(3).get("name").asText());
        // a module describe cannot take is refused by its name and type
        String drop = st.get("refusals").get("dropout").asText();
        assertTrue(drop.startsWith("module 'drop' (Dropout) is not supported; supported: "), drop);
        String k5 = st.get("refusals").get("5x5").asText();
        assertTrue(k5.startsWith("module 'c5' (Conv2d) is not supported with kernel 5x5"), k5);
        String noInput = st.get("refusals").get("no input").asText();
        assertTrue(noInput.contains("input=[C, H, W]"), noInput);
    }

    private static void checkZoo(JsonNode z, Variant v, String what) {
        String id = v.id() + " " + what;
        assertNotNull(z, id);
        JsonNode desc = z.get("description");
        assertEquals(desc, z.get("described"), id + ": zoo_description == describe(zoo.build(...))");
        assertEquals(z.get("zoo_name").asText(), z.get("network").asText(), id + ": recognized as the zoo network");
        assertEquals(0.0, z.get("logit_gap").asDouble(), 0.0, id + ": the built model gives ZooNet's logits");
        NetworkSpec spec = NetworkSpec.of(v, 20);
        List<String> java = new ArrayList<>(Weights.slots(spec).stream().map(Weights.Slot::name).sorted().toList());
        assertEquals(java, strings(z.get("zoo_state")), id + ": ZooNet's state_dict names are Java's");
        assertEquals(java, strings(z.get("built_state")), id + ": the described model's state_dict names are Java's");
        assertEquals(java, new ArrayList<>(expectedTensors(desc).keySet()), id + ": MODEL.md's names are Java's");
        for (int c = 0; c < 3; c++) {
            assertEquals(Cifar100.MEAN[c], desc.get("mean").get(c).asDouble(), 0.0, id);
            assertEquals(Cifar100.STD[c], desc.get("std").get(c).asDouble(), 0.0, id);
        }
        // one ode layer per ODE row with steps = executions; a res layer per ResNet instance
        List<String> expected = new ArrayList<>();
        for (LayerRow row : spec.rows()) {
            for (int i = 0; i < row.instances(); i++) {
                String name = row.stage().id() + "." + i;
                expected.add(switch (row.kind()) {
                    case STEM -> "stem";
                    case RESNET -> "res " + name;
                    case ODE -> "ode " + name + " " + row.executions();
                    case CLASSIFIER -> "fc " + row.stage().id();
                });
            }
        }
        List<String> got = new ArrayList<>();
        for (JsonNode l : desc.get("layers")) {
            got.add(switch (l.get("kind").asText()) {
                case "stem" -> "stem";
                case "res" -> "res " + l.get("name").asText();
                case "ode" -> "ode " + l.get("name").asText() + " " + l.get("steps").asInt();
                default -> "fc " + l.get("name").asText();
            });
        }
        assertEquals(expected, got, id + ": the layers of Table 4");
    }

    /** MODEL.md's defaults filled in, the given values kept. */
    private static void checkDefaults(String name, JsonNode given, JsonNode norm) {
        int c = given.get("input").get(0).asInt();
        assertEquals(given.has("eps") ? given.get("eps").asDouble() : 1e-5, norm.get("eps").asDouble(), 0.0, name);
        for (int i = 0; i < c; i++) {
            assertEquals(given.has("mean") ? given.get("mean").get(i).asDouble() : 0.0, norm.get("mean").get(i).asDouble(),
                    0.0, name);
            assertEquals(given.has("std") ? given.get("std").get(i).asDouble() : 1.0, norm.get("std").get(i).asDouble(),
                    0.0, name);
        }
        for (int i = 0; i < given.get("layers").size(); i++) {
            JsonNode g = given.get("layers").get(i);
            JsonNode n = norm.get("layers").get(i);
            g.fieldNames().forEachRemaining(k -> {
                if (g.get(k).isNumber()) { // 2 and 2.0 are one number: t0, t1 are written as floats
                    assertEquals(g.get(k).asDouble(), n.get(k).asDouble(), 0.0, name + " " + k);
                } else {
                    assertEquals(g.get(k), n.get(k), name + " " + k);
                }
            });
            if (g.get("kind").asText().equals("ode")) {
                assertEquals(g.has("solver") ? g.get("solver").asText() : "euler", n.get("solver").asText(), name);
                assertEquals(!g.has("time") || g.get("time").asBoolean(), n.get("time").asBoolean(), name);
                assertEquals(g.has("t0") ? g.get("t0").asDouble() : 0.0, n.get("t0").asDouble(), 0.0, name);
                assertEquals(g.has("t1") ? g.get("t1").asDouble() : 1.0, n.get("t1").asDouble(), 0.0, name);
            }
            if (g.get("kind").asText().equals("res")) {
                assertTrue(n.has("out") && n.has("stride"), name + ": out and stride written out");
                assertEquals(g.has("stride") ? g.get("stride").asInt() : 1, n.get("stride").asInt(), name);
            }
        }
    }

    /** The state_dict MODEL.md gives a description: names and shapes, the norms' running statistics in both modes. */
    static Map<String, List<Integer>> expectedTensors(JsonNode d) {
        Map<String, List<Integer>> out = new TreeMap<>();
        int c = d.get("input").get(0).asInt();
        for (JsonNode l : d.get("layers")) {
            switch (l.get("kind").asText()) {
                case "stem" -> {
                    int o = l.get("out").asInt();
                    out.put(l.get("conv").asText() + ".weight", List.of(o, c, 3, 3));
                    norm(out, l.get("bn").asText(), o);
                    c = o;
                }
                case "res", "ode" -> {
                    String p = l.get("name").asText();
                    boolean ode = l.get("kind").asText().equals("ode");
                    int o = ode ? c : l.get("out").asInt();
                    int t = ode && l.get("time").asBoolean() ? 1 : 0;
                    out.put(p + ".conv1.weight", List.of(o, c + t, 3, 3));
                    norm(out, p + ".bn1", o);
                    out.put(p + ".conv2.weight", List.of(o, o + t, 3, 3));
                    norm(out, p + ".bn2", o);
                    if (l.has("shortcut") && l.get("shortcut").asText().equals("B")) {
                        out.put(p + ".shortcut.0.weight", List.of(o, c, 1, 1));
                        norm(out, p + ".shortcut.1", o);
                    }
                    c = o;
                }
                default -> {
                    int k = d.get("classes").asInt();
                    out.put(l.get("name").asText() + ".weight", List.of(k, c));
                    out.put(l.get("name").asText() + ".bias", List.of(k));
                }
            }
        }
        return out;
    }

    private static void norm(Map<String, List<Integer>> out, String p, int n) {
        for (String s : List.of("weight", "bias", "running_mean", "running_var")) {
            out.put(p + "." + s, List.of(n));
        }
    }

    /** Each layer's output shape: [C, H, W] (ceil(H/2) x ceil(W/2) at stride 2), then [K]. */
    static List<List<Integer>> expectedShapes(JsonNode d) {
        List<List<Integer>> out = new ArrayList<>();
        int c = d.get("input").get(0).asInt();
        int h = d.get("input").get(1).asInt();
        int w = d.get("input").get(2).asInt();
        for (JsonNode l : d.get("layers")) {
            String k = l.get("kind").asText();
            if (k.equals("fc")) {
                out.add(List.of(d.get("classes").asInt()));
                continue;
            }
            if (l.has("out")) {
                c = l.get("out").asInt();
            }
            if (l.has("stride") && l.get("stride").asInt() == 2) {
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
            out.add(List.of(c, h, w));
        }
        return out;
    }

    private static List<List<Integer>> listShapes(JsonNode n) {
        List<List<Integer>> out = new ArrayList<>();
        n.forEach(s -> out.add(ints(s)));
        return out;
    }

    private static List<Integer> ints(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asInt()));
        return out;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** A bad description: the file's text, the layer the message must name, and a piece of the problem. */
    private record Bad(String layers, String top, String where, String problem) {
    }

    private static final String STEM = "{\"kind\": \"stem\", \"out\": 8, \"conv\": \"c\", \"bn\": \"b\"}";
    private static final String FC = "{\"kind\": \"fc\", \"name\": \"fc\"}";

    @Test
    void badDescriptionsGiveOneLineNamingTheLayer() throws Exception {
        List<Bad> bad = List.of(
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"ode1\", \"stpes\": 3}, " + FC, "",
                        "layer 1 (ode1): ", "unknown key 'stpes' for an ode layer; valid: name, steps, solver, time, t0, t1"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"r\", \"out\": 16}, " + FC, "",
                        "layer 1 (r): ", "from 8 to 16 channels at stride 1 needs a shortcut"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"r\", \"stride\": 2}, " + FC, "",
                        "layer 1 (r): ", "at stride 2 needs a shortcut"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"r\", \"out\": 4, \"shortcut\": \"A\"}, " + FC, "",
                        "layer 1 (r): ", "shortcut A needs out >= in"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"r\", \"shortcut\": \"A\"}, " + FC, "",
                        "layer 1 (r): ", "shortcut A needs more channels or stride 2"),
                new Bad("{\"kind\": \"ode\", \"name\": \"o\", \"steps\": 1}, " + STEM + ", " + FC, "",
                        "layer 0 (o): ", "the first layer must be the stem"),
                new Bad(STEM + ", " + FC + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": 1}", "",
                        "layer 1 (fc): ", "fc must be the last layer"),
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": 0}, " + FC, "",
                        "layer 1 (o): ", "steps must be >= 1, got 0"),
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": \"4\"}, " + FC, "",
                        "layer 1 (o): ", "steps must be an integer"),
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": 1}, {\"kind\": \"ode\", \"name\": \"o\", "
                        + "\"steps\": 1}, " + FC, "", "layer 2 (o): ", "name 'o' is used by layer 1 too"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"r\", \"stride\": 3, \"shortcut\": \"B\"}, " + FC, "",
                        "layer 1 (r): ", "stride must be 1 or 2"),
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": 1, \"solver\": \"rk5\"}, " + FC, "",
                        "layer 1 (o): ", "solver 'rk5' is unknown; valid: euler, heun, rk4"),
                new Bad(STEM + ", {\"kind\": \"ode\", \"name\": \"o\", \"steps\": 1, \"time\": 1}, " + FC, "",
                        "layer 1 (o): ", "time must be true or false"),
                new Bad(STEM + ", {\"kind\": \"pool\", \"name\": \"p\"}, " + FC, "",
                        "layer 1 (p): ", "kind 'pool' is unknown; valid: stem, res, ode, fc"),
                new Bad(STEM + ", {\"kind\": \"res\", \"name\": \"c.x\"}, " + FC, "",
                        "layer 1 (c.x): ", "inside layer 0's 'c'"),
                new Bad(STEM + ", " + FC, ", \"std\": [0]", "", "std[0] must be > 0"),
                new Bad(STEM + ", " + FC, ", \"mean\": [0, 1]", "", "mean has 2 numbers; the input has C = 1"),
                new Bad(STEM + ", " + FC, ", \"eps\": 0", "", "eps must be > 0"),
                new Bad(STEM + ", " + FC, ", \"classes\": 0", "", "classes must be >= 1"));
        for (int i = 0; i < bad.size(); i++) {
            Bad b = bad.get(i);
            String top = b.top().contains("classes") ? b.top() : ", \"classes\": 10" + b.top();
            Path f = dir.resolve("bad" + i + ".json");
            Files.writeString(f, "{\"input\": [1, 8, 8], \"norm\": \"folded\"" + top + ", \"layers\": [" + b.layers() + "]}");
            PythonSide.Result r = PythonSide.module(MODULE, List.of("check", f.toString()), 60);
            String what = "bad " + i + " (" + b.problem() + ")";
            assertEquals(2, r.exit(), what + ": " + r.stderr());
            assertEquals("", r.stdout(), what);
            List<String> lines = r.stderr().lines().toList();
            assertEquals(1, lines.size(), what + ": " + r.stderr());
            assertTrue(lines.get(0).startsWith("error: " + b.where()), what + ": " + lines.get(0));
            assertTrue(lines.get(0).contains(b.problem()), what + ": " + lines.get(0));
        }
        // not JSON at all, and a file that is not there
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"input\": [1, 8, 8],");
        for (String f : List.of(broken.toString(), dir.resolve("absent.json").toString())) {
            PythonSide.Result r = PythonSide.module(MODULE, List.of("check", f), 60);
            assertEquals(2, r.exit(), r.stderr());
            assertEquals(1, r.stderr().lines().count(), r.stderr());
            assertTrue(r.stderr().startsWith("error: "), r.stderr());
        }
    }

    @Test
    void initWritesSeededWeightsJavaReads() throws Exception {
        Path desc = dir.resolve("wide.json");
        Files.writeString(desc, GOOD.get("wide"));
        Path w1 = dir.resolve("w1.safetensors");
        Path w2 = dir.resolve("w2.safetensors");
        for (Path w : List.of(w1, w2)) {
            PythonSide.Result r = PythonSide.module(MODULE, List.of("init", desc.toString(), "--seed", "5", "--out",
                    w.toString()), 120);
            assertEquals(0, r.exit(), r.stderr());
        }
        assertArrayEquals(Files.readAllBytes(w1), Files.readAllBytes(w2), "the same seed gives the same bytes");
        Map<String, Tensor> read = SafeTensors.read(w1);
        Map<String, List<Integer>> got = new TreeMap<>();
        read.forEach((k, t) -> got.put(k, Arrays.stream(t.shape()).boxed().toList()));
        assertEquals(expectedTensors(JSON.readTree(runCheck(desc))), got, "init's tensors are MODEL.md's");
        // running statistics drawn too, away from BatchNorm's (0, 1)
        double[] var = read.get("stem.bn.running_var").data();
        assertTrue(Arrays.stream(var).noneMatch(x -> x == 1.0), Arrays.toString(var));
    }

    private String runCheck(Path f) throws Exception {
        PythonSide.Result r = PythonSide.module(MODULE, List.of("check", f.toString()), 60);
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout();
    }
}
