package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.cli.Main;

/**
 * The real example end to end, short: examples/networks/digits-8x8.json trained for 3 epochs (seeded) on the digits
 * at their native 1x8x8, its test split written as an image set; {@code odegen evaluate --model} in float, Q32.20 and
 * Q16.10 well above chance, the Java float twin agreeing with PyTorch's top-1, and the first images on the generated
 * engine's RTL (Verilator) bit-exact with the Q32.20 twin. The trained weights are not kept: the same seed and
 * threads train the same bytes.
 */
class DigitsExampleTest {
    private static final Path DIGITS = Path.of("examples", "networks", "digits-8x8.json");
    private static final int RTL_IMAGES = 8;
    /** Measured at 3 epochs, seed 0: 95.82% in PyTorch float; chance is 10%. */
    private static final double BAR = 0.90;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run odegen(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static double top1(String out, String row) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(row) + "\\s+top-1 ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), "no " + row + " row in:\n" + out);
        return Double.parseDouble(m.group(1)) / 100;
    }

    @Test
    void trainedNativeDigitsInFloatFixedPointAndOnTheRtl() throws Exception {
        Path w = dir.resolve("digits.safetensors");
        Path test = dir.resolve("digits-test.bin");
        var trained = PythonSide.module("odegen_torch.train", List.of("--model", DIGITS.toString(), "--data", "digits",
                "--epochs", "3", "--batch", "32", "--seed", "0", "--threads", "1", "--out", w.toString(),
                "--test-images", test.toString()), 600);
        assertEquals(0, trained.exit(), trained.stderr());
        Matcher torch = Pattern.compile("test top-1 ([0-9.]+)% \\((\\d+) images").matcher(trained.stdout());
        assertTrue(torch.find(), trained.stdout());
        double torchTop1 = Double.parseDouble(torch.group(1)) / 100;
        int images = Integer.parseInt(torch.group(2));
        assertEquals(359, images, "the digits' fixed test split (data.py: 1797 images, a seeded 80/20 split)");

        Path engine = dir.resolve("engine");
        Run gen = odegen("generate", "--model", DIGITS.toString(), "--lanes", "8", "--weights", w.toString(), "--out",
                engine.toString());
        assertEquals(0, gen.exit(), gen.err());

        Run eval = odegen("evaluate", "--model", DIGITS.toString(), "--weights", w.toString(), "--data", test.toString(),
                "--format", "Q32.20,Q16.10", "--rtl", engine.toString(), "--rtl-images", Integer.toString(RTL_IMAGES));
        assertEquals(0, eval.exit(), eval.err());
        String out = eval.out();
        assertTrue(out.contains(images + " images of digits-test.bin (1x8x8)"), out);
        double flt = top1(out, "float:");
        // the Java float twin (double) and PyTorch (float32) may part on a borderline image, not more
        assertTrue(Math.abs(flt - torchTop1) <= 1.0 / images + 1e-9, "Java float " + flt + ", PyTorch " + torchTop1);
        for (String row : new String[] {"float:", "Q32.20:", "Q16.10:"}) {
            assertTrue(top1(out, row) >= BAR, row + " top-1 " + top1(out, row) + " under " + BAR + ":\n" + out);
        }
        Matcher rtl = Pattern.compile("RTL:\\s+top-1 [0-9.]+% \\((\\d+) of (\\d+) images; (\\d+) bit-exact").matcher(out);
        assertTrue(rtl.find(), out + eval.err());
        assertEquals(RTL_IMAGES, Integer.parseInt(rtl.group(2)), out);
        assertEquals(RTL_IMAGES, Integer.parseInt(rtl.group(3)), "bit-exact on the RTL:\n" + out + eval.err());
        assertTrue(Integer.parseInt(rtl.group(1)) >= RTL_IMAGES - 2, out);
        System.out.printf(Locale.ROOT, "[digits example] PyTorch float %.2f%%; %s", 100 * torchTop1, out);
    }
}
