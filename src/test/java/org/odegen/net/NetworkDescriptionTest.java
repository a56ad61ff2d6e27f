package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.odegen.fixed.QFormat;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;

/** network.json (MODEL.md): parsing, validation, the canonical form and NETWORK_ID, the zoo as descriptions. */
public class NetworkDescriptionTest {

    /** Every key of MODEL.md's example, defaults left out where it leaves them out. */
    public static final String EXAMPLE = """
            {
              "input":   [1, 28, 28],
              "classes": 10,
              "norm":    "batch-stats",
              "mean":    [0.1307],
              "std":     [0.3081],
              "layers": [
                {"kind": "stem", "out": 16, "conv": "conv1", "bn": "bn1"},
                {"kind": "ode",  "name": "ode1", "steps": 4, "solver": "rk4", "time": true, "t0": 0.0, "t1": 1.0},
                {"kind": "res",  "name": "down1", "out": 32, "stride": 2, "shortcut": "B"},
                {"kind": "ode",  "name": "ode2", "steps": 8, "solver": "euler", "time": true},
                {"kind": "fc",   "name": "fc"}
              ]
            }
            """;

    @Test
    void theExampleParsesWithItsDefaultsAndShapes() {
        NetworkDescription d = NetworkDescription.parse(EXAMPLE, "example.json");
        assertEquals(new NetworkDescription.Shape(1, 28, 28), d.input());
        assertEquals(NetworkDescription.DEFAULT_EPS, d.eps());
        assertEquals(new NetworkDescription.Ode("ode2", 8, OdeSolver.EULER, true, 0.0, 1.0), d.layers().get(3));
        List<NetworkDescription.Shape> shapes = d.shapes();
        assertEquals(new NetworkDescription.Shape(16, 28, 28), shapes.get(2), "after the stem and ode1");
        assertEquals(new NetworkDescription.Shape(32, 14, 14), shapes.get(3), "after the stride-2 block");
        assertEquals(new NetworkDescription.Shape(10, 1, 1), shapes.get(5));
        assertEquals("mixed", d.solverId());
        assertTrue(d.zooSpec().isEmpty());
        // tensors in the blob's order, option B's shortcut after the block's second norm
        List<String> names = d.tensors().stream().map(Weights.Slot::name).toList();
        assertEquals("down1.bn2.running_var", names.get(names.indexOf("down1.shortcut.0.weight") - 1));
        assertArrayEquals(new int[] {32, 16, 1, 1},
                d.tensors().get(names.indexOf("down1.shortcut.0.weight")).shape());
        assertArrayEquals(new int[] {16, 17, 3, 3}, d.tensors().get(names.indexOf("ode1.conv1.weight")).shape());
        assertEquals("fc.bias", names.get(names.size() - 1));
    }

    @Test
    void theCanonicalFormWritesEveryDefaultAndReadsBackEqual() {
        NetworkDescription d = NetworkDescription.parse(EXAMPLE, "example.json");
        String canonical = d.canonicalJson();
        assertEquals("""
                {
                  "input": [1, 28, 28],
                  "classes": 10,
                  "norm": "batch-stats",
                  "eps": 1.0E-5,
                  "mean": [0.1307],
                  "std": [0.3081],
                  "layers": [
                    {"kind": "stem", "out": 16, "conv": "conv1", "bn": "bn1"},
                    {"kind": "ode", "name": "ode1", "steps": 4, "solver": "rk4", "time": true, "t0": 0.0, "t1": 1.0},
                    {"kind": "res", "name": "down1", "out": 32, "stride": 2, "shortcut": "B"},
                    {"kind": "ode", "name": "ode2", "steps": 8, "solver": "euler", "time": true, "t0": 0.0, "t1": 1.0},
                    {"kind": "fc", "name": "fc"}
                  ]
                }
                """, canonical);
        NetworkDescription back = NetworkDescription.parse(canonical, "canonical");
        assertEquals(d, back);
        assertEquals(canonical, back.canonicalJson());
        assertEquals(d.networkId(), back.networkId());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(crc.getValue(), d.networkId());
        // a one-step change is another network
        assertNotEquals(d.networkId(), NetworkDescription.parse(EXAMPLE.replace("\"steps\": 8", "\"steps\": 9"), "x")
                .networkId());
    }

    @Test
    void theZooIsSevenFamiliesOfDescriptions() {
        Set<Long> ids = new HashSet<>();
        for (Variant v : Variant.values()) {
            for (int depth : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, depth);
                NetworkDescription d = NetworkDescription.zoo(spec);
                assertEquals(spec.params(), d.params(), spec.name() + ": parameters");
                assertEquals(d, NetworkDescription.parse(d.canonicalJson(), spec.name()), spec.name());
                assertEquals(spec, d.zooSpec().orElseThrow(), spec.name() + " is recognized as itself");
                assertEquals(spec, d.withNorm(NormMode.FOLDED).withSolver(OdeSolver.RK4).zooSpec().orElseThrow());
                assertTrue(ids.add(d.networkId()), spec.name() + ": its NETWORK_ID differs from the others'");
            }
        }
        NetworkDescription r3 = NetworkDescription.zoo(NetworkSpec.of(Variant.RODENET_3, 20));
        assertEquals(List.of("conv1", "layer1.0", "layer2_1.0", "layer3_1.0", "layer3_2.0", "fc"),
                r3.layers().stream().map(NetworkDescription.Layer::label).toList());
        assertEquals(6, r3.odeLayers().get(0).steps());
        assertEquals(NetworkDescription.Shortcut.A, ((NetworkDescription.Res) r3.layers().get(2)).shortcut());
        assertEquals("custom", NetworkDescription.parse(r3.canonicalJson().replace("\"steps\": 6", "\"steps\": 5"), "x")
                .displayName());
    }

    /** A mistake and a fragment of its one-line message (which names the layer where there is one). */
    record Bad(String why, String from, String to, String message) {
    }

    @Test
    void everyMistakeIsOneLineNamingTheLayer() {
        List<Bad> bad = List.of(
                new Bad("unknown key", "\"steps\": 4", "\"stpes\": 4", "layer 1 (ode1): unknown key 'stpes'; valid keys of an ode layer: kind, name, steps"),
                new Bad("missing steps", "\"steps\": 4, ", "", "layer 1 (ode1): 'steps' is missing"),
                new Bad("steps 0", "\"steps\": 4", "\"steps\": 0", "layer 1 (ode1): steps = 0 must be at least 1"),
                new Bad("wrong type", "\"steps\": 4", "\"steps\": \"4\"", "layer 1 (ode1): steps must be an integer, got a string"),
                new Bad("fraction", "\"steps\": 4", "\"steps\": 4.5", "steps must be an integer"),
                new Bad("unknown solver", "\"rk4\"", "\"rk5\"", "layer 1 (ode1): solver: solver 'rk5' is not valid; valid: euler, heun, rk4"),
                new Bad("unknown kind", "\"kind\": \"res\"", "\"kind\": \"resnet\"", "layer 2 (down1): kind 'resnet' is unknown; valid: stem, res, ode, fc"),
                new Bad("missing shortcut", ", \"shortcut\": \"B\"", "", "layer 2 (down1): channels 16 -> 32 at stride 2 change the shape, so a shortcut is required; valid: A, B"),
                new Bad("bad shortcut", "\"shortcut\": \"B\"", "\"shortcut\": \"C\"", "layer 2 (down1): shortcut 'C' is unknown"),
                new Bad("A narrowing", "\"out\": 32, \"stride\": 2, \"shortcut\": \"B\"", "\"out\": 8, \"stride\": 2, \"shortcut\": \"A\"", "layer 2 (down1): shortcut A needs out >= in"),
                new Bad("stride 3", "\"stride\": 2", "\"stride\": 3", "layer 2 (down1): stride = 3; valid: 1, 2"),
                new Bad("duplicate name", "\"name\": \"ode2\"", "\"name\": \"ode1\"", "layer 3 (ode1): name 'ode1' is used twice"),
                new Bad("no stem first", "{\"kind\": \"stem\", \"out\": 16, \"conv\": \"conv1\", \"bn\": \"bn1\"},", "", "layer 0 (ode1): the first layer must be the stem"),
                new Bad("no fc", ",\n    {\"kind\": \"fc\",   \"name\": \"fc\"}", "", "layer 3 (ode2): the last layer must be the fc"),
                new Bad("zero pixels", "[1, 28, 28]", "[1, 0, 28]", "input [C, H, W] = [1, 0, 28]: each must be at least 1"),
                new Bad("classes 0", "\"classes\": 10", "\"classes\": 0", "classes = 0 must be at least 1"),
                new Bad("no norm", "\"norm\":    \"batch-stats\",", "", "'norm' is missing"),
                new Bad("bad norm", "\"batch-stats\"", "\"batch\"", "norm: norm mode 'batch' is unknown; valid: batch-stats, folded"),
                new Bad("std 0", "[0.3081]", "[0]", "channel 0: mean 0.1307, std 0.0: std must be > 0"),
                new Bad("mean length", "[0.1307]", "[0.1, 0.2]", "mean and std need one number per input channel (1), got 2 and 1"),
                new Bad("top-level key", "\"classes\": 10", "\"classes\": 10, \"clases\": 10", "unknown key 'clases'; valid keys of the description: input, classes"),
                new Bad("duplicate key", "\"classes\": 10", "\"classes\": 10, \"classes\": 11", "not valid JSON: Duplicate field 'classes'"),
                new Bad("bad prefix", "\"name\": \"ode2\"", "\"name\": \"ode 2\"", "name 'ode 2' is not a tensor prefix"),
                new Bad("not JSON", "\"layers\": [", "\"layers\": [[", "not valid JSON"));
        for (Bad b : bad) {
            assertTrue(EXAMPLE.contains(b.from), b.why + ": the test's edit applies");
            String text = EXAMPLE.replace(b.from, b.to);
            var e = assertThrows(NetworkDescription.DescriptionException.class,
                    () -> NetworkDescription.parse(text, "net.json"), b.why);
            assertTrue(e.getMessage().startsWith("net.json: "), b.why + ": names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains(b.message), b.why + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), b.why + ": one line: " + e.getMessage());
        }
    }

    /** Descriptions that are not the zoo's, chosen to stress MODEL.md's rules. */
    static List<String> custom() {
        String digits = """
                {"input": [1, 8, 8], "classes": 10, "norm": "batch-stats", "layers": [
                  {"kind": "stem", "out": 8, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "ode1", "steps": 3},
                  {"kind": "res", "name": "down", "out": 16, "stride": 2, "shortcut": "A"},
                  {"kind": "ode", "name": "ode2", "steps": 2, "solver": "heun", "t1": 2.0},
                  {"kind": "fc", "name": "fc"}]}""";
        String mnist = """
                {"input": [1, 28, 28], "classes": 10, "norm": "folded", "mean": [0.1307], "std": [0.3081], "layers": [
                  {"kind": "stem", "out": 12, "conv": "stem.conv", "bn": "stem.bn"},
                  {"kind": "res", "name": "d1", "out": 24, "stride": 2, "shortcut": "B"},
                  {"kind": "res", "name": "d2", "out": 24, "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "ode", "steps": 2, "solver": "rk4", "time": false, "t0": 0.5, "t1": 1.5},
                  {"kind": "res", "name": "d3", "stride": 2, "shortcut": "B"},
                  {"kind": "fc", "name": "head"}]}""";
        return List.of(digits, mnist);
    }

    @Test
    void theGoldenModelRunsAnyDescriptionAndItsTwinsAgree() {
        for (String text : custom()) {
            NetworkDescription d = NetworkDescription.parse(text, "custom");
            Weights w = Weights.random(d, 3);
            assertEquals(d.params(), w.parameterCount());
            Network net = new Network(w, QFormat.Q32_20);
            assertEquals(d.params(), ParameterBlob.of(net).length, "the blob holds every parameter");
            NetworkDescription.Shape in = d.input();
            double[] px = new double[in.words()];
            java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
            for (int i = 0; i < px.length; i++) {
                px[i] = rng.nextDouble(-1.5, 1.5);
            }
            FloatMap image = new FloatMap(in.channels(), in.height(), in.width(), px);
            double[] f = net.forwardFloat(image);
            int[] q = net.forwardFixed(image);
            assertEquals(d.classes(), q.length);
            assertEquals(d.classes(), f.length);
            double scale = 0;
            for (double v : f) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int k = 0; k < q.length; k++) {
                assertEquals(f[k], QFormat.Q32_20.toDouble(q[k]), 1e-3 * Math.max(1, scale), "logit " + k + " of " + d);
            }
            // the layer's own solver and time run, not Euler over [0, 1]
            assertFalse(java.util.Arrays.equals(q, net.forwardFixed(image, OdeSolver.EULER)), "the solvers matter");
        }
    }

    @Test
    void weightsThatDoNotMatchAreRefusedByTensorName() {
        NetworkDescription d = NetworkDescription.parse(custom().get(1), "custom");
        var named = new java.util.LinkedHashMap<>(Weights.random(d, 1).tensors());
        named.remove("d1.shortcut.0.weight");
        var e = assertThrows(IllegalArgumentException.class, () -> Weights.of(d, named, "w.safetensors", false));
        assertTrue(e.getMessage().contains("w.safetensors: tensor 'd1.shortcut.0.weight' of shape [24, 12, 1, 1] is missing"),
                e.getMessage());
        named.put("d1.shortcut.0.weight", new Tensor("d1.shortcut.0.weight", new int[] {24, 12, 3, 3}, new double[24 * 12 * 9]));
        e = assertThrows(IllegalArgumentException.class, () -> Weights.of(d, named, "w.safetensors", false));
        assertTrue(e.getMessage().contains("has shape [24, 12, 3, 3]"), e.getMessage());
    }
}
