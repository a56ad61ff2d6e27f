package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * From a trained PyTorch model to the hardware, in mvn test: train rODENet-3-20 on scikit-learn's
 * digits (upsampled to 3x32x32), export it, and run the accuracy ladder (PyTorch float, the Java
 * float twin, the fixed-point twin at a sweep of formats, one image on the Verilated RTL).
 * The folder target/torch-ladder/ keeps the weights, the table and the plot.
 */
class AccuracyLadderTest {
    static final Path OUT = PythonSide.ROOT.resolve("target/torch-ladder");
    /** The training of mvn test: a minute or two of 2-core CPU. */
    static final List<String> TRAINING = List.of("--variant", "rodenet-3", "-N", "20", "--data", "digits",
            "--epochs", "5", "--batch", "32", "--lr", "0.05");
    static final String FORMATS = "Q32.20,Q16.10,Q12.6,Q8.4";
    static final int TEST_IMAGES = 200;

    /** A row of ladder.md: stage, format, images, top-1 (%), same prediction as the reference (%), note. */
    record Row(String stage, String format, int images, double top1, double same, String note) {
    }

    static List<Row> rows(String markdown) {
        List<Row> out = new ArrayList<>();
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("| ") && !line.startsWith("| stage") && !line.startsWith("| ---")) {
                String[] c = line.split("\\|", -1);
                out.add(new Row(c[1].trim(), c[2].trim(), Integer.parseInt(c[3].trim()), pct(c[4]), pct(c[7]),
                        c[8].trim()));
            }
        }
        return out;
    }

    private static double pct(String s) {
        return Double.parseDouble(s.trim().replace("%", ""));
    }

    @Test
    void trainExportAndLadder() throws Exception {
        Files.createDirectories(OUT);
        Path weights = OUT.resolve("rodenet-3-20-digits.safetensors");
        Path summary = OUT.resolve("train-summary.json");
        Files.deleteIfExists(weights);
        List<String> train = new ArrayList<>(TRAINING);
        train.addAll(List.of("--eval-limit", String.valueOf(TEST_IMAGES), "--out", weights.toString(), "--summary",
                summary.toString()));
        long t0 = System.nanoTime();
        PythonSide.Result r = PythonSide.module("odegen_torch.train", train, 1200);
        System.out.print(r.stderr());
        System.out.print(r.stdout());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().startsWith("rODENet-3-20: test top-1 "), r.stdout());
        double trained = new ObjectMapper().readTree(summary.toFile()).get("test_top1").asDouble();
        System.out.printf(Locale.ROOT, "training: %.0f s%n", (System.nanoTime() - t0) / 1e9);

        long t1 = System.nanoTime();
        Path ladder = OUT.resolve("ladder");
        r = PythonSide.module("odegen_torch.ladder", List.of("--variant", "rodenet-3", "-N", "20", "--data", "digits",
                "--weights", weights.toString(), "--limit", String.valueOf(TEST_IMAGES), "--formats", FORMATS,
                "--cosim-images", "1", "--out", ladder.toString(), "--odegen", PythonSide.odegenCommand()), 1200);
        System.out.print(r.stderr());
        System.out.print(r.stdout());
        System.out.printf(Locale.ROOT, "ladder: %.0f s%n", (System.nanoTime() - t1) / 1e9);
        assertEquals(0, r.exit(), r.stderr());
        String md = Files.readString(ladder.resolve("ladder.md"));
        assertTrue(r.stdout().endsWith(md), "the table printed is the table written: " + r.stdout());
        assertTrue(Files.size(ladder.resolve("accuracy_vs_width.png")) > 1000);
        List<Row> rows = rows(md);
        List<String> stages = rows.stream().map(x -> x.stage() + " " + x.format()).toList();
        assertEquals(List.of("PyTorch float float32", "Java float twin double", "Java fixed-point twin Q32.20",
                "Java fixed-point twin Q16.10", "Java fixed-point twin Q12.6", "Java fixed-point twin Q8.4", "RTL co-simulation (x16 lanes, Verilator) Q32.20"), stages);
        Row torch = rows.get(0);
        assertEquals(TEST_IMAGES, torch.images());
        // a real trained model: far above chance (10 digits), and the same figure train.py reported
        assertTrue(torch.top1() >= 80, "PyTorch float top-1 " + torch.top1() + "% after training");
        assertEquals(100 * trained, torch.top1(), 1e-9);
        // the Java float twin follows PyTorch: every prediction the same
        assertEquals(100.0, rows.get(1).same(), 1e-9, "Java float twin against PyTorch");
        assertTrue(md.contains("Java float twin against PyTorch: max |logit difference| / max |logit| = "), md);
        double rel = Double.parseDouble(md.split("max \\|logit\\| = ")[1].split(" ")[0]);
        assertTrue(rel <= 1e-4, "float32 PyTorch against the double Java twin: " + rel);
        // Q32.20 keeps the accuracy; the narrowest format of the sweep visibly does not (the ladder can tell)
        Row q32 = rows.get(2);
        assertTrue(Math.abs(q32.top1() - torch.top1()) <= 1.0, "Q32.20 top-1 " + q32.top1());
        assertTrue(q32.same() >= 99.0, "Q32.20 predictions equal to PyTorch's: " + q32.same());
        Row q8 = rows.get(5);
        assertTrue(q8.top1() < torch.top1() - 5, "Q8.4 top-1 " + q8.top1() + " against " + torch.top1());
        // the RTL gives the fixed-point twin's logits bit for bit
        Row rtl = rows.get(6);
        assertEquals(1, rtl.images());
        assertEquals("1 of 1 bit-exact to the fixed-point twin", rtl.note());
        assertTrue(md.contains("Smallest format within 0.5 points of PyTorch float: Q"), md);
    }

    /** The same arguments give byte-identical weights (seeded, deterministic algorithms). */
    @Test
    void trainingIsReproducible() throws Exception {
        Path dir = Files.createTempDirectory("odegen-train");
        try {
            byte[][] bytes = new byte[2][];
            for (int i = 0; i < 2; i++) {
                Path w = dir.resolve("w" + i + ".safetensors");
                PythonSide.Result r = PythonSide.module("odegen_torch.train", List.of("--variant", "rodenet-3", "-N", "20",
                        "--data", "digits", "--epochs", "1", "--batch", "16", "--train-limit", "32", "--eval-limit", "8",
                        "--out", w.toString()), 600);
                assertEquals(0, r.exit(), r.stderr());
                bytes[i] = Files.readAllBytes(w);
            }
            assertArrayEquals(bytes[0], bytes[1]);
            JsonNode meta = new ObjectMapper().readTree(new String(bytes[0], 8,
                    (int) java.nio.ByteBuffer.wrap(bytes[0], 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(),
                    java.nio.charset.StandardCharsets.UTF_8)).get("__metadata__");
            assertEquals("rODENet-3-20", meta.get("network").asText());
            assertEquals("batch-stats", meta.get("norm").asText());
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
