package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.Cifar100;
import org.odegen.net.LayerRow;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.SafeTensors;
import org.odegen.net.Stage;
import org.odegen.net.Tensor;
import org.odegen.net.Variant;
import org.odegen.net.Weights;
import org.odegen.report.AccuracyLadder;

/**
 * The PyTorch zoo (src/main/python/odegen_torch) against the Java float twin: the same weights
 * and images give the same logits, to 1e-4 relative, for every variant at N = 20 and ODENet at
 * N = 56, in both norm modes; the module names give exactly the README's state_dict names; and
 * what Python repeats of the Java side (normalization, eps, the variant tables) equals it.
 */
class TorchAgreementTest {
    static final double TOLERANCE = 1e-4;
    /** Q32.20 against the float twin (2^-20 rounding per operation, some 20 layers; measured 4.6e-6 to 7.9e-6). */
    static final double FIXED_TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void pythonRepeatsTheJavaFactsExactly() throws Exception {
        PythonSide.Result r = PythonSide.module("odegen_torch.agreement", List.of("--facts"), 300);
        assertEquals(0, r.exit(), r.stderr());
        JsonNode f = new ObjectMapper().readTree(r.stdout());
        for (int c = 0; c < 3; c++) {
            assertEquals(Cifar100.MEAN[c], f.get("mean").get(c).asDouble(), 0.0, "CIFAR mean, channel " + c);
            assertEquals(Cifar100.STD[c], f.get("std").get(c).asDouble(), 0.0, "CIFAR std, channel " + c);
        }
        assertEquals(Network.EPS, f.get("eps").asDouble(), 0.0);
        assertEquals(Variant.values().length, f.get("variants").size());
        for (Variant v : Variant.values()) {
            assertEquals(v.id(), f.get("variants").get(v.ordinal()).asText());
            assertEquals(v.paperName(), f.get("names").get(v.ordinal()).asText());
        }
        assertEquals(Variant.DEPTHS.length, f.get("depths").size());
        for (int i = 0; i < Variant.DEPTHS.length; i++) {
            assertEquals(Variant.DEPTHS[i], f.get("depths").get(i).asInt());
        }
        for (Stage s : Stage.values()) {
            JsonNode n = f.get("stages").get(s.ordinal());
            assertEquals(List.of(s.id(), s.inChannels(), s.outChannels(), s.outSize(), s.stride()),
                    List.of(n.get(0).asText(), n.get(1).asInt(), n.get(2).asInt(), n.get(3).asInt(), n.get(4).asInt()));
        }
        for (Variant v : Variant.values()) {
            for (int depth : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, depth);
                JsonNode t = f.get("tables").get(v.id() + "-" + depth);
                assertEquals(spec.rows().size(), t.size());
                for (int i = 0; i < t.size(); i++) {
                    LayerRow row = spec.rows().get(i);
                    String rowName = spec.name() + " " + row.stage().id();
                    assertEquals(row.stage().id(), t.get(i).get(0).asText(), rowName);
                    assertEquals(row.kind().name().toLowerCase(Locale.ROOT), t.get(i).get(1).asText(), rowName);
                    assertEquals(row.instances(), t.get(i).get(2).asInt(), rowName);
                    assertEquals(row.executions(), t.get(i).get(3).asInt(), rowName);
                }
            }
        }
    }

    private record Case(Variant variant, int depth, NormMode norm) {
        String id() {
            return variant.id() + "-" + depth + "-" + norm.id();
        }
    }

    @Test
    void javaFloatTwinGivesPytorchsLogits() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (NormMode norm : NormMode.values()) {
            for (Variant v : Variant.values()) {
                cases.add(new Case(v, 20, norm));
            }
            cases.add(new Case(Variant.ODENET, 56, norm));
        }
        List<String> nets = cases.stream().map(c -> c.variant().id() + ":" + c.depth() + ":" + c.norm().id()).toList();
        PythonSide.Result r = PythonSide.module("odegen_torch.agreement",
                List.of("--out", dir.toString(), "--images", "2", "--networks", String.join(",", nets)), 900);
        assertEquals(0, r.exit(), r.stderr());
        List<Cifar100.Sample> samples = Cifar100.read(dir.resolve("images.bin"), 0);
        List<FloatMap> images = samples.stream().map(Cifar100.Sample::normalized).toList();
        Map<String, Double> worst = new LinkedHashMap<>();
        for (Case c : cases) {
            NetworkSpec spec = NetworkSpec.of(c.variant(), c.depth());
            Path file = dir.resolve(c.id() + ".safetensors");
            // the module names give exactly the README's state_dict names, no more, no fewer
            Set<String> expected = new TreeSet<>();
            Weights.slots(spec).forEach(s -> expected.add(s.name()));
            assertEquals(expected, new TreeSet<>(SafeTensors.read(file).keySet()), c.id() + ": tensor names");
            Weights w = Weights.read(spec, file, true);
            double[][] torch = AccuracyLadder.readTorchLogits(dir.resolve(c.id() + ".logits.safetensors"), samples);
            double[][] java = AccuracyLadder.floatLogits(new Network(w, c.norm(), QFormat.Q32_20), images);
            AccuracyLadder.TorchComparison cmp = AccuracyLadder.compare(java, torch);
            worst.put(c.id(), cmp.maxRelativeDifference());
            assertTrue(cmp.maxRelativeDifference() <= TOLERANCE, c.id() + ": Java float logits differ from PyTorch's by "
                    + cmp.maxRelativeDifference() + " relative (tolerance " + TOLERANCE + ")");
            assertEquals(images.size(), cmp.samePrediction(), c.id() + ": arg-max");
        }
        worst.forEach((k, v) -> System.out.printf(Locale.ROOT, "torch/Java float agreement %-26s %.2e%n", k, v));

        // The check has teeth: the time channel last instead of first (a ConcatConv2d of cat([x, t])) is caught.
        Case folded = new Case(Variant.RODENET_3, 20, NormMode.FOLDED);
        assertTrue(timeChannelLast(folded, samples, images) > 100 * TOLERANCE, "the time channel's position went unnoticed");
        // With batch-stats, an ODEBlock in the last stage cannot change the logits: f ends in a per-image
        // norm, so each channel of f has spatial mean beta2, and the global average pool sees
        // mean(z_M) = mean(z_0) + beta2 whatever its convolutions are (sum of h = 1, no ReLU after).
        Case stats = new Case(Variant.RODENET_3, 20, NormMode.BATCH_STATS);
        assertTrue(timeChannelLast(stats, samples, images) <= TOLERANCE, "layer3_2's convolutions changed the logits");
    }

    /**
     * Heun and RK4: PyTorch's float64 logits against the Java float twin run with the same solver,
     * and the fixed-point twin at Q32.20 against that float twin. rODENet-2 (its ODEBlock followed
     * by a residual stage) and rODENet-1+2 folded (two blocks), so the solver changes the logits:
     * the twin run with Euler instead must be caught.
     */
    @Test
    void heunAndRk4TwinsGivePytorchsLogits() throws Exception {
        record SolverCase(Variant variant, NormMode norm, OdeSolver solver) {
            String id() {
                return variant.id() + "-20-" + norm.id() + "-" + solver.id();
            }
        }
        List<SolverCase> cases = List.of(new SolverCase(Variant.RODENET_2, NormMode.BATCH_STATS, OdeSolver.HEUN),
                new SolverCase(Variant.RODENET_2, NormMode.BATCH_STATS, OdeSolver.RK4),
                new SolverCase(Variant.RODENET_1_2, NormMode.FOLDED, OdeSolver.RK4));
        List<String> nets = cases.stream()
                .map(c -> c.variant().id() + ":20:" + c.norm().id() + ":" + c.solver().id()).toList();
        PythonSide.Result r = PythonSide.module("odegen_torch.agreement",
                List.of("--out", dir.toString(), "--images", "2", "--networks", String.join(",", nets)), 600);
        assertEquals(0, r.exit(), r.stderr());
        List<Cifar100.Sample> samples = Cifar100.read(dir.resolve("images.bin"), 0);
        List<FloatMap> images = samples.stream().map(Cifar100.Sample::normalized).toList();
        for (SolverCase c : cases) {
            Weights w = Weights.read(NetworkSpec.of(c.variant(), 20), dir.resolve(c.id() + ".safetensors"), true);
            double[][] torch = AccuracyLadder.readTorchLogits(dir.resolve(c.id() + ".logits.safetensors"), samples);
            Network net = new Network(w, c.norm(), QFormat.Q32_20);
            double[][] java = AccuracyLadder.floatLogits(net, images, c.solver());
            AccuracyLadder.TorchComparison cmp = AccuracyLadder.compare(java, torch);
            assertTrue(cmp.maxRelativeDifference() <= TOLERANCE, c.id() + ": Java float logits differ from PyTorch's by "
                    + cmp.maxRelativeDifference() + " relative (tolerance " + TOLERANCE + ")");
            assertEquals(images.size(), cmp.samePrediction(), c.id() + ": arg-max");
            double euler = AccuracyLadder.compare(AccuracyLadder.floatLogits(net, images, OdeSolver.EULER), torch)
                    .maxRelativeDifference();
            // Euler and Heun differ by about 1e-2 relative here (6 steps of a smooth f): 10x the tolerance is plain
            assertTrue(euler > 10 * TOLERANCE, c.id() + ": the twin run with Euler is as close (" + euler + ")");
            double[][] fixed = new double[images.size()][];
            for (int i = 0; i < fixed.length; i++) {
                int[] raw = net.forwardFixed(images.get(i), c.solver());
                fixed[i] = new double[raw.length];
                for (int j = 0; j < raw.length; j++) {
                    fixed[i][j] = QFormat.Q32_20.toDouble(raw[j]);
                }
            }
            AccuracyLadder.TorchComparison q = AccuracyLadder.compare(fixed, java);
            System.out.printf(Locale.ROOT, "%s: torch/Java float %.2e, Euler instead %.2e, Q32.20/float %.2e%n", c.id(),
                    cmp.maxRelativeDifference(), euler, q.maxRelativeDifference());
            assertTrue(q.maxRelativeDifference() <= FIXED_TOLERANCE, c.id() + ": Q32.20 logits differ from the float "
                    + "twin's by " + q.maxRelativeDifference() + " relative (tolerance " + FIXED_TOLERANCE + ")");
            assertEquals(images.size(), q.samePrediction(), c.id() + ": Q32.20 arg-max");
        }
    }

    /** The relative logit difference with layer3_2's conv1 fed the time channel last. */
    private double timeChannelLast(Case c, List<Cifar100.Sample> samples, List<FloatMap> images) throws Exception {
        NetworkSpec spec = NetworkSpec.of(c.variant(), c.depth());
        Map<String, Tensor> named = new LinkedHashMap<>(SafeTensors.read(dir.resolve(c.id() + ".safetensors")));
        Tensor t = named.get("layer3_2.0.conv1.weight");
        int[] sh = t.shape();
        double[] moved = new double[t.data().length];
        for (int co = 0; co < sh[0]; co++) {
            for (int ci = 0; ci < sh[1]; ci++) {
                int to = (ci + sh[1] - 1) % sh[1]; // channel 0 (time) -> last
                System.arraycopy(t.data(), (co * sh[1] + ci) * 9, moved, (co * sh[1] + to) * 9, 9);
            }
        }
        named.put(t.name(), new Tensor(t.name(), sh, moved));
        Weights wrong = Weights.of(spec, named, "time channel last", true);
        double[][] torch = AccuracyLadder.readTorchLogits(dir.resolve(c.id() + ".logits.safetensors"), samples);
        return AccuracyLadder.compare(AccuracyLadder.floatLogits(new Network(wrong, c.norm(), QFormat.Q32_20), images),
                torch).maxRelativeDifference();
    }

    @Test
    void badChoicesGiveOneClearError() throws Exception {
        PythonSide.Result r = PythonSide.module("odegen_torch.train",
                List.of("--variant", "rodenet-9", "--data", "digits", "--out", dir.resolve("w.safetensors").toString()),
                300);
        assertEquals(2, r.exit());
        assertEquals(List.of("train.py: error: variant 'rodenet-9' is unknown; valid: resnet, odenet, rodenet-1, "
                + "rodenet-2, rodenet-1+2, rodenet-3, hybrid-3"), r.stderr().lines().toList());
        assertTrue(!dir.resolve("w.safetensors").toFile().exists(), "no weights after an error");
        r = PythonSide.module("odegen_torch.train",
                List.of("--data", dir.resolve("nothing").toString(), "--out", dir.resolve("w.safetensors").toString()),
                300);
        assertEquals(2, r.exit());
        assertTrue(r.stderr().startsWith("train.py: error: data '") && r.stderr().contains("valid: digits"), r.stderr());
        r = PythonSide.module("odegen_torch.train", List.of("--data", "digits", "-N", "21", "--out", "x"), 300);
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("depth N = 21 is not one of the paper's; valid: 20, 32, 44, 56"), r.stderr());
    }

    /** A Python without the packages says which are missing and how to install them (when this machine has one). */
    @Test
    void aPythonWithoutThePackagesNamesTheInstallCommand() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")),
                "no /usr/bin/python3");
        PythonSide.Result probe = PythonSide.run(List.of("/usr/bin/python3", "-c", "import torch"), 60);
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.exit() != 0, "the system Python has torch");
        PythonSide.Result r = PythonSide.run(List.of("/usr/bin/python3", "-m", "odegen_torch.train", "--help"), 60);
        assertEquals(1, r.exit());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("odegen_torch: error: this Python (/usr/bin/python3) lacks the package")
                && r.stderr().contains("install: bash .ci/install-python"), r.stderr());
    }
}
