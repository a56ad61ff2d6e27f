package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.cli.Main;
import org.odegen.net.Cifar100;
import org.odegen.net.NetworkSpec;
import org.odegen.net.SafeTensors;
import org.odegen.net.Tensor;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/** {@code odegen ladder}: bad input gives one error line naming the problem, exit 2, and no table. */
class LadderCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Seeded random weights of the variant at N = 20, as {@code w.safetensors}. */
    private Path randomWeights(Variant variant) throws IOException {
        Path w = dir.resolve("w.safetensors");
        Weights.random(NetworkSpec.of(variant, 20), 1).write(w);
        return w;
    }

    /** Two images as {@code test.bin}: their pixels from {@code pixels}, or zeros where it is null. */
    private Path twoImages(java.util.Random pixels) throws IOException {
        Path data = dir.resolve("test.bin");
        List<Cifar100.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] px = new byte[3072];
            if (pixels != null) {
                pixels.nextBytes(px);
            }
            samples.add(new Cifar100.Sample(0, i, px));
        }
        Cifar100.write(data, samples);
        return data;
    }

    @Test
    void badInputIsNamed() throws Exception {
        Path w = randomWeights(Variant.RODENET_3);
        Path data = twoImages(null);
        Path logits = dir.resolve("torch.safetensors");
        SafeTensors.write(logits, List.of(new Tensor("logits", new int[] {3, 100}, new double[300]),
                new Tensor("labels", new int[] {3}, new double[] {0, 1, 2})), Map.of());
        Path out = dir.resolve("ladder");

        Run r = run("ladder", "--weights", w.toString(), "--data", data.toString(), "--formats", "Q32.20,Q40.2",
                "--out", out.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("odegen ladder: error: number format Q40.2"), r.err());

        r = run("ladder", "--weights", w.toString(), "--data", data.toString(), "--torch-logits", logits.toString(),
                "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(": 3 images, the data has 2 (the same images, in the same order, are needed)"),
                r.err());

        r = run("ladder", "--variant", "resnet", "--weights", w.toString(), "--data", data.toString(),
                "--cosim-images", "1", "--out", out.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("ResNet-20 has no ODEBlock to run on the RTL; use --cosim-images 0"), r.err());
        assertFalse(Files.exists(out), "no table after an error");
        assertEquals("", r.out());

        r = run("ladder", "--solver", "midpoint", "--weights", w.toString(), "--data", data.toString(),
                "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(List.of("odegen ladder: error: solver 'midpoint' is not valid; valid: euler, heun, rk4"),
                r.err().lines().toList());
        assertFalse(Files.exists(out), "no table after an error");
        assertEquals("", r.out());
    }

    /** --solver reaches the table's title, and the same inputs give the same bytes. */
    @Test
    void theSolverIsNamedAndTheTableRepeats() throws Exception {
        Path w = randomWeights(Variant.RODENET_2);
        Path data = twoImages(new java.util.Random(3));
        List<String> tables = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("ladder" + k);
            Run r = run("ladder", "--variant", "rodenet-2", "--solver", "rk4", "--weights", w.toString(), "--data",
                    data.toString(), "--formats", "Q16.10", "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("Accuracy ladder of rODENet-2-20, batch-stats norm, rk4 solver"), r.out());
            assertEquals(r.out(), Files.readString(out.resolve("ladder.md")));
            tables.add(r.out());
        }
        assertEquals(tables.get(0), tables.get(1));
    }
}
