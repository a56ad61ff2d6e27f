package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.SafeTensors;
import org.odegen.net.Tensor;
import org.odegen.net.Weights;

/**
 * Any description (MODEL.md), not only the zoo's: PyTorch's float64 logits of DescribedNet
 * (odegen_torch.agreement --model) equal the Java float twin's to 1e-4 relative (max |diff| /
 * max |logit|), in both norm modes, on seeded random weights whose norms are away from their
 * defaults; and the fixed twin at Q32.20 stays close to the float twin.
 */
class DescriptionAgreementTest {
    static final double TOLERANCE = 1e-4;
    /**
     * Q32.20 against the float twin, relative to the largest float logit: each fixed operation
     * rounds to 2^-20 (about 1e-6) and these networks have at most some ten layers plus a few
     * ODE steps, so the zoo's measured 5e-6 to 8e-6 (20 layers) is the order (measured here:
     * 4.2e-6 to 1.8e-5, the most for 'times' with its eight steps); 1e-4 leaves room
     * for batch-stats on 4x4 maps (a mean and variance over 16 pixels, whose 1/sqrt amplifies
     * the rounding of small variances) and is still 100x below what a wrong layer gives.
     */
    static final double FIXED_TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    /** Six non-zoo descriptions, the norm left as %s; each stresses one of MODEL.md's or ARITHMETIC.md's rules. */
    static Map<String, String> descriptions() {
        Map<String, String> d = new LinkedHashMap<>();
        // 1x8x8, 10 classes; option A from 4 to 8 channels at stride 2 (2 zero channels in front)
        d.put("tiny8", """
                {"input": [1, 8, 8], "classes": 10, "norm": "%s", "layers": [
                  {"kind": "stem", "out": 4, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "ode1", "steps": 2},
                  {"kind": "res", "name": "down", "out": 8, "stride": 2, "shortcut": "A"},
                  {"kind": "fc", "name": "fc"}]}""");
        // 1x28x28 -> 14 -> 7 -> 4 (ceil(7/2)) by stride 2, option B shortcuts; MNIST's mean and std
        d.put("mnist", """
                {"input": [1, 28, 28], "classes": 10, "norm": "%s", "mean": [0.1307], "std": [0.3081], "layers": [
                  {"kind": "stem", "out": 4, "conv": "stem.conv", "bn": "stem.bn"},
                  {"kind": "res", "name": "d1", "out": 8, "stride": 2, "shortcut": "B"},
                  {"kind": "res", "name": "d2", "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "ode", "steps": 2},
                  {"kind": "res", "name": "d3", "out": 12, "stride": 2, "shortcut": "B"},
                  {"kind": "fc", "name": "head"}]}""");
        // 3x32x32 with 32/64/128 channels, 10 classes: identity, option A and option B
        d.put("cifar", """
                {"input": [3, 32, 32], "classes": 10, "norm": "%s", "layers": [
                  {"kind": "stem", "out": 32, "conv": "conv1", "bn": "bn1"},
                  {"kind": "res", "name": "layer1.0", "out": 32},
                  {"kind": "res", "name": "layer2.0", "out": 64, "stride": 2, "shortcut": "A"},
                  {"kind": "res", "name": "layer3.0", "out": 128, "stride": 2, "shortcut": "B"},
                  {"kind": "fc", "name": "fc"}]}""");
        // Heun and RK4 in one network
        d.put("solvers", """
                {"input": [3, 8, 8], "classes": 5, "norm": "%s", "layers": [
                  {"kind": "stem", "out": 6, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "heun", "steps": 2, "solver": "heun"},
                  {"kind": "ode", "name": "rk4", "steps": 2, "solver": "rk4"},
                  {"kind": "res", "name": "down", "out": 6, "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "euler", "steps": 3},
                  {"kind": "fc", "name": "fc"}]}""");
        // t0 = 0.5, t1 = 2.0 (h = 0.5, t_k = 0.5 + k h in the time channel), then time: false
        d.put("times", """
                {"input": [2, 6, 6], "classes": 3, "norm": "%s", "mean": [0.2, -0.1], "std": [0.5, 2.0], "layers": [
                  {"kind": "stem", "out": 4, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "late", "steps": 3, "solver": "rk4", "t0": 0.5, "t1": 2.0},
                  {"kind": "ode", "name": "timeless", "steps": 2, "solver": "heun", "time": false},
                  {"kind": "res", "name": "down", "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "again", "steps": 2, "t0": 0.5, "t1": 2.0},
                  {"kind": "fc", "name": "fc"}]}""");
        // 12 and 24 channels: option A pads (24 - 12) / 2 = 6 zero channels in front, on an odd 5x5 -> 3x3
        d.put("twelve", """
                {"input": [3, 10, 10], "classes": 7, "norm": "%s", "layers": [
                  {"kind": "stem", "out": 12, "conv": "conv1", "bn": "bn1"},
                  {"kind": "res", "name": "r1", "stride": 2, "shortcut": "B"},
                  {"kind": "ode", "name": "o1", "steps": 2, "solver": "heun"},
                  {"kind": "res", "name": "r2", "out": 24, "stride": 2, "shortcut": "A"},
                  {"kind": "ode", "name": "o2", "steps": 2},
                  {"kind": "fc", "name": "fc"}]}""");
        return d;
    }

    @Test
    void javaTwinsGivePytorchsLogitsForAnyDescription() throws Exception {
        List<String> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, String> e : descriptions().entrySet()) {
            for (NormMode norm : NormMode.values()) {
                String id = e.getKey() + "-" + norm.id();
                Path file = dir.resolve(id + ".json");
                Files.writeString(file, String.format(Locale.ROOT, e.getValue(), norm.id()));
                files.add(file.toString());
                ids.add(id);
            }
        }
        // and every example network the engine's regression runs (examples/networks), in both norms
        try (var examples = Files.list(Path.of("examples", "networks"))) {
            for (Path f : examples.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                NetworkDescription ex = NetworkDescription.read(f);
                for (NormMode norm : NormMode.values()) {
                    String id = f.getFileName().toString().replace(".json", "") + "-" + norm.id();
                    Path file = dir.resolve(id + ".json");
                    Files.writeString(file, ex.withNorm(norm).canonicalJson());
                    files.add(file.toString());
                    ids.add(id);
                }
            }
        }
        PythonSide.Result r = PythonSide.module("odegen_torch.agreement", List.of("--model", String.join(",", files),
                "--out", dir.toString(), "--images", "2", "--seed", "5"), 600);
        assertEquals(0, r.exit(), r.stderr());
        List<String> report = new ArrayList<>();
        for (String id : ids) {
            NetworkDescription desc = NetworkDescription.read(dir.resolve(id + ".json"));
            Weights w = Weights.read(desc, dir.resolve(id + ".safetensors"), desc.norm() == NormMode.FOLDED);
            Map<String, Tensor> t = SafeTensors.read(dir.resolve(id + ".logits.safetensors"));
            Tensor logits = t.get("logits");
            Tensor images = t.get("images");
            NetworkDescription.Shape in = desc.input();
            assertArrayEquals(new int[] {2, in.channels(), in.height(), in.width()}, images.shape(), id + ": images");
            assertArrayEquals(new int[] {2, desc.classes()}, logits.shape(), id + ": logits");
            Network net = new Network(w, QFormat.Q32_20);
            double floatWorst = 0;
            double fixedWorst = 0;
            for (int i = 0; i < 2; i++) {
                int words = in.words();
                FloatMap image = new FloatMap(in.channels(), in.height(), in.width(),
                        Arrays.copyOfRange(images.data(), i * words, (i + 1) * words));
                double[] torch = Arrays.copyOfRange(logits.data(), i * desc.classes(), (i + 1) * desc.classes());
                double[] java = net.forwardFloat(image);
                int[] raw = net.forwardFixed(image);
                double[] fixed = Arrays.stream(raw).mapToDouble(QFormat.Q32_20::toDouble).toArray();
                floatWorst = Math.max(floatWorst, relative(java, torch));
                fixedWorst = Math.max(fixedWorst, relative(fixed, java));
            }
            report.add(String.format(Locale.ROOT, "%-20s torch/Java float %.2e, Q32.20/float %.2e", id, floatWorst,
                    fixedWorst));
            assertTrue(floatWorst <= TOLERANCE, id + ": Java float logits differ from PyTorch's by " + floatWorst
                    + " relative (tolerance " + TOLERANCE + ")\n" + String.join("\n", report));
            assertTrue(fixedWorst <= FIXED_TOLERANCE, id + ": Q32.20 logits differ from the float twin's by " + fixedWorst
                    + " relative (tolerance " + FIXED_TOLERANCE + ")\n" + String.join("\n", report));
        }
        report.forEach(System.out::println);

        // The check has teeth: the same weights and images run by a description that differs in
        // t0 (0 instead of 0.5: the time channel's values) or in the solvers (Heun and RK4 swapped)
        // give other logits, by 10x the tolerance or more (the agreement itself is about 1e-15).
        double t0 = misread("times-folded", "\"t0\": 0.5", "\"t0\": 0.0");
        double euler = misread("solvers-folded", "\"heun\", \"steps\": 2, \"solver\": \"heun\"",
                "\"heun\", \"steps\": 2, \"solver\": \"euler\"");
        double steps = misread("twelve-folded", "\"o1\", \"steps\": 2", "\"o1\", \"steps\": 3");
        System.out.printf(Locale.ROOT, "misread: t0 0 %.2e, Heun as Euler %.2e, M 3 %.2e%n", t0, euler, steps);
        assertTrue(t0 > 10 * TOLERANCE, "t0 went unnoticed: " + t0);
        assertTrue(euler > 10 * TOLERANCE, "Heun as Euler went unnoticed: " + euler);
        assertTrue(steps > 10 * TOLERANCE, "M went unnoticed: " + steps);
    }

    /** The relative difference to PyTorch's logits of the Java float twin run by the description with {@code from} replaced. */
    private double misread(String id, String from, String to) throws Exception {
        String text = Files.readString(dir.resolve(id + ".json"));
        assertTrue(text.contains(from), id + ": " + from);
        NetworkDescription desc = NetworkDescription.parse(text.replace(from, to), id);
        Weights w = Weights.read(desc, dir.resolve(id + ".safetensors"), desc.norm() == NormMode.FOLDED);
        Map<String, Tensor> t = SafeTensors.read(dir.resolve(id + ".logits.safetensors"));
        int words = desc.input().words();
        double worst = 0;
        for (int i = 0; i < 2; i++) {
            FloatMap image = new FloatMap(desc.input().channels(), desc.input().height(), desc.input().width(),
                    Arrays.copyOfRange(t.get("images").data(), i * words, (i + 1) * words));
            double[] torch = Arrays.copyOfRange(t.get("logits").data(), i * desc.classes(), (i + 1) * desc.classes());
            worst = Math.max(worst, relative(new Network(w, QFormat.Q32_20).forwardFloat(image), torch));
        }
        return worst;
    }

    /** max_j |a_j - b_j| / max_j |b_j|. */
    static double relative(double[] a, double[] b) {
        assertEquals(b.length, a.length, "logits");
        double scale = 0;
        double diff = 0;
        for (int j = 0; j < a.length; j++) {
            scale = Math.max(scale, Math.abs(b[j]));
            diff = Math.max(diff, Math.abs(a[j] - b[j]));
        }
        return scale > 0 ? diff / scale : diff;
    }
}
