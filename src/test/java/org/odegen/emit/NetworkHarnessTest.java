package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/**
 * The network engine's harness against a hand-written fixture with NETWORK.md's ports
 * (src/test/resources/org/odegen/emit/NetFixture.v): it passes on the fixture's own logits, with and
 * without gaps, and fails with one clear message on a wrong logit, an illegal burst, a blob of the wrong
 * length, missing vectors, a CONFIG of another network and a hang.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkHarnessTest {
    private static final String TOP = "NetFixture";
    /** The fixture's BLOB_WORDS: odd, so the last beat is half padding, and past 4 KiB. */
    private static final int BLOB_WORDS = 1501;

    Path dir;
    Path folder;
    Path binary;
    NetworkTestbenchWriter.Vectors vectors;

    /** What the fixture computes: h over the blob, g over the image (h = h * 31 + word), logit k = h ^ (g + k). */
    static int[] fixtureLogits(int[] blob, int[] image) {
        int h = 0;
        for (int w : blob) {
            h = h * 31 + w;
        }
        int g = 0;
        for (int w : image) {
            g = g * 31 + w;
        }
        int[] out = new int[100];
        for (int k = 0; k < out.length; k++) {
            out[k] = h ^ (g + k);
        }
        return out;
    }

    @BeforeAll
    void buildFixture(@TempDir Path tmp) throws IOException {
        dir = tmp;
        folder = dir.resolve("fixture");
        Files.createDirectories(folder.resolve("rtl"));
        try (InputStream in = getClass().getResourceAsStream("NetFixture.v")) {
            Files.copy(in, folder.resolve("rtl").resolve(TOP + ".v"));
        }
        NetworkTestbenchWriter.writeHarness(folder, TOP);
        SplittableRandom rng = new SplittableRandom(42);
        int[] blob = rng.ints(BLOB_WORDS).toArray();
        int[] image = rng.ints(3072).toArray();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("name", "fixture");
        // the fixture's CONFIG_WORD and WIDTH_WORD: rodenet-3, N 20, Q32.20, batch-stats, 16 lanes, euler
        facts.put("lanes", "16");
        facts.put("variant", "5");
        facts.put("depth", "20");
        facts.put("frac", "20");
        facts.put("norm", "1");
        facts.put("width", "32");
        facts.put("solver", "0");
        facts.put("timeoutCycles", "200000");
        vectors = new NetworkTestbenchWriter.Vectors(blob, image, fixtureLogits(blob, image), facts);
        NetworkTestbenchWriter.writeVectors(folder.resolve("testbench/vectors"), vectors);
        binary = VerilatorHarness.binary(folder, TOP, VerilatorHarness.CACHE);
    }

    /** Runs the built harness on a vectors folder (relative to testbench/) with more arguments. */
    private NetworkHarness.Outcome run(String vectorsFolder, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), vectorsFolder));
        cmd.addAll(List.of(args));
        Tool.Result r = Tool.run(folder.resolve("testbench"), cmd, 300);
        return NetworkHarness.outcome(r.exit(), r.output());
    }

    /** A copy of the vectors under another name, for a variant to break. */
    private Path copyVectors(String name) throws IOException {
        Path to = folder.resolve("testbench").resolve(name);
        NetworkTestbenchWriter.writeVectors(to, vectors);
        return to;
    }

    private static long[] firstBeat(String output, String phase) {
        Matcher m = Pattern.compile(phase + ".*first beat (\\d+)\\.\\.(\\d+) cycles after an AR into an idle port").matcher(output);
        assertTrue(m.find(), output);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    @Test
    void passesOnTheFixtureWithAndWithoutGaps() throws IOException {
        NetworkHarness.Outcome gaps = NetworkHarness.run(folder, TOP, 1, true);
        assertTrue(gaps.passed(), gaps.output());
        assertTrue(gaps.output().contains("image 2: PASS"), gaps.output());
        assertEquals("passed, " + gaps.cyclesPerImage() + " cycles per image", gaps.message());
        // the memory model: latency 30 + 0..15 (and rvalid gaps) with gaps, several reads outstanding
        long[] lat = firstBeat(gaps.output(), "LOAD");
        assertTrue(lat[0] >= 30 && lat[1] > 30, gaps.output());
        Matcher load = Pattern.compile("LOAD: .*m_axi: (\\d+) bursts, (\\d+) beats, (\\d+) wait cycles, (\\d+) stall "
                + "cycles, at most (\\d+) outstanding").matcher(gaps.output());
        assertTrue(load.find(), gaps.output());
        assertEquals(751, Long.parseLong(load.group(2)), "beats of a 1501-word blob");
        assertTrue(Long.parseLong(load.group(1)) > 751 / 16, "4 KiB cuts and the short first burst");
        assertTrue(Long.parseLong(load.group(4)) > 0, "the fixture drops rready");
        assertTrue(Long.parseLong(load.group(5)) > 1, "reads overlap");

        NetworkHarness.Outcome plain = NetworkHarness.run(folder, TOP, 1, false);
        NetworkHarness.Outcome again = NetworkHarness.run(folder, TOP, 9, false);
        assertTrue(plain.passed(), plain.output());
        long[] fixed = firstBeat(plain.output(), "LOAD");
        assertArrayEquals(new long[] {30, 30}, fixed, "--no-gaps: the first beat exactly 30 cycles after AR");
        assertEquals(plain.cyclesPerImage(), again.cyclesPerImage(), "without gaps the seed changes nothing");
        assertTrue(gaps.cyclesPerImage() > plain.cyclesPerImage(), gaps.cyclesPerImage() + " " + plain.cyclesPerImage());
        NetworkHarness.Outcome seed2 = run("vectors", "2");
        assertTrue(seed2.passed(), seed2.output());
    }

    @Test
    void failsOnOneWrongLogitAndNamesIt() throws IOException {
        Path v = copyVectors("wrong_logit");
        int[] logits = vectors.logits().clone();
        int good = logits[37];
        logits[37] ^= 0x100;
        HexWords.write(v.resolve("logits.hex"), logits);
        NetworkHarness.Outcome o = run("wrong_logit", "3");
        assertFalse(o.passed(), o.output());
        assertEquals(-1, o.cyclesPerImage());
        assertTrue(o.message().startsWith(String.format("image 1: FAIL: first wrong logit 37: expected %08x", logits[37])
                + String.format(" (%d), got %08x (%d)", logits[37], good, good)), o.message());
    }

    @Test
    void failsOnABurstAcross4KiBAndOutsideTheBlob() throws IOException {
        NetworkHarness.Outcome o = run("vectors", "1", "+cross4k");
        assertFalse(o.passed(), o.output());
        // base 0x10000000 + 3 beats + 31 bursts of 16 = 0x10000f98, 16 beats: 4 KiB crossed at 0x10001000
        assertTrue(o.message().contains("(LOAD): m_axi read request 32 (araddr 0x10000f98, arlen 15): crosses a 4 KiB "
                + "boundary"), o.message());
        // one beat past the blob's 1501 words (6004 bytes, 751 beats)
        NetworkHarness.Outcome over = run("vectors", "1", "+overread");
        assertFalse(over.passed(), over.output());
        assertTrue(over.message().matches("FAIL at cycle \\d+ \\(LOAD\\): m_axi read request 47 \\(araddr 0x1000[0-9a-f]+, "
                + "arlen \\d+\\): outside the blob \\(0x10000000 \\.\\. 0x10001778\\)"), over.message());
    }

    @Test
    void failsOnAnEngineThatTakesADdrReadErrorAsData() throws IOException {
        NetworkHarness.Outcome o = run("vectors", "1", "+ignoreresp");
        assertFalse(o.passed(), o.output());
        assertTrue(o.message().matches("FAIL at cycle \\d+ \\(a DDR read error \\(SLVERR\\)\\): STATUS = 0x\\w+ \\(.*\\) after a DDR "
                + "read error, expected DONE ERROR LOADED"), o.message());
    }

    @Test
    void badVectorsGiveOneClearError() throws IOException {
        Path shortBlob = copyVectors("short_blob");
        HexWords.write(shortBlob.resolve("blob.hex"), java.util.Arrays.copyOf(vectors.blob(), BLOB_WORDS - 1));
        NetworkHarness.Outcome o = run("short_blob");
        assertFalse(o.passed());
        assertTrue(o.message().contains("WEIGHTS_WORDS = 1501 but short_blob/blob.hex has 1500 words: the engine and "
                + "the vectors are for different networks"), o.message());

        Path noImage = copyVectors("no_image");
        Files.delete(noImage.resolve("image.hex"));
        Tool.Result r = Tool.run(folder.resolve("testbench"), List.of(binary.toString(), "no_image"), 60);
        assertEquals(2, r.exit(), r.output());
        assertEquals("bad vectors: cannot read no_image/image.hex", NetworkHarness.outcome(r.exit(), r.output()).message());

        Path otherNet = copyVectors("other_depth");
        Files.writeString(otherNet.resolve("network.txt"),
                Files.readString(otherNet.resolve("network.txt")).replace("depth 20", "depth 32"));
        assertTrue(run("other_depth").message().contains("CONFIG.depth = 20, the vectors are for 32"));

        NetworkHarness.Outcome hang = run("vectors", "1", "--timeout-cycles=300");
        assertFalse(hang.passed());
        assertTrue(hang.message().matches("FAIL at cycle \\d+ \\(LOAD\\): timed out: still not done after 300 cycles .*"),
                hang.message());
        assertTrue(run("vectors", "1", "--bogus").message().startsWith("bad option: --bogus; usage: "));
    }

    /**
     * The harness takes every offset from odegen_regs.h: with WEIGHTS_ADDR's moved onto WEIGHTS_WORDS (read-only)
     * the same harness fails against the same RTL, on the readback of the blob's address.
     */
    @Test
    void aWrongOffsetInTheHeaderFails() throws IOException {
        Path copy = dir.resolve("wrong_offset");
        Files.createDirectories(copy.resolve("rtl"));
        Files.copy(folder.resolve("rtl").resolve(TOP + ".v"), copy.resolve("rtl").resolve(TOP + ".v"));
        NetworkTestbenchWriter.writeHarness(copy, TOP);
        NetworkTestbenchWriter.writeVectors(copy.resolve("testbench/vectors"), vectors);
        Path header = copy.resolve("testbench/odegen_regs.h");
        String h = Files.readString(header);
        assertTrue(h.contains("#define ODEGEN_WEIGHTS_ADDR 0x24u\n"), h);
        Files.writeString(header, h.replace("#define ODEGEN_WEIGHTS_ADDR 0x24u\n", "#define ODEGEN_WEIGHTS_ADDR 0x28u\n"));
        Path wrong = VerilatorHarness.binary(copy, TOP, VerilatorHarness.CACHE);
        Tool.Result r = Tool.run(copy.resolve("testbench"), List.of(wrong.toString(), "vectors"), 300);
        NetworkHarness.Outcome o = NetworkHarness.outcome(r.exit(), r.output());
        assertFalse(o.passed(), r.output());
        assertTrue(o.message().contains("WEIGHTS_ADDR reads back 0x5dd after a write of 0x10000000"), o.message());
    }

    /** The writer: the engine's register map in odegen_regs.h, and a real network's vectors, byte-identical across runs. */
    @Test
    void writerRendersTheRegisterMapAndDeterministicGoldenVectors() throws IOException {
        String cpp = Files.readString(folder.resolve("testbench/harness.cpp"));
        assertTrue(cpp.contains("#include \"odegen_regs.h\"") && cpp.contains("#include \"odegen_axil.h\"")
                && cpp.contains("using Top = VNetFixture;") && !cpp.contains("0x24"), cpp);
        assertFalse(cpp.contains("${"), "unrendered template variables");
        String h = Files.readString(folder.resolve("testbench/odegen_regs.h"));
        assertEquals(org.odegen.hw.RegisterFiles.cHeader(org.odegen.hw.Hardware.networkRegisterMap(), Map.of()), h);
        assertTrue(h.contains("#define ODEGEN_WEIGHTS_ADDR 0x24u\n") && h.contains("#define ODEGEN_WEIGHTS_WORDS 0x28u\n")
                && h.contains("#define ODEGEN_STATUS_LOADED_MASK 0x00000004u\n") && h.contains("X(CONFIG, depth, 16, 8)"), h);

        NetworkSpec spec = NetworkSpec.of(Variant.RODENET_3, 20);
        Network net = new Network(Weights.random(spec, 5), NormMode.BATCH_STATS, QFormat.Q32_20);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        NetworkTestbenchWriter.write(a, "Engine_rodenet3_20_x16", net, 7, 16);
        NetworkTestbenchWriter.write(b, "Engine_rodenet3_20_x16", net, 7, 16);
        for (String f : List.of("harness.cpp", "Makefile", "vectors/blob.hex", "vectors/image.hex", "vectors/logits.hex",
                "vectors/network.txt")) {
            assertArrayEquals(Files.readAllBytes(a.resolve("testbench").resolve(f)),
                    Files.readAllBytes(b.resolve("testbench").resolve(f)), f);
        }
        Path v = a.resolve("testbench/vectors");
        int[] blob = ParameterBlob.read(v.resolve("blob.hex"), spec, QFormat.Q32_20);
        assertArrayEquals(ParameterBlob.of(net), blob);
        int[] image = HexWords.read(v.resolve("image.hex"), QFormat.Q32_20, 3072, "the image");
        assertArrayEquals(net.quantize(NetworkTestbenchWriter.image(7).normalized()).data(), image);
        int[] logits = HexWords.read(v.resolve("logits.hex"), QFormat.Q32_20, 100, "the logits");
        assertArrayEquals(net.forwardFixed(NetworkTestbenchWriter.image(7).normalized()), logits);
        assertEquals("name rODENet-3-20\nvariant 5\ndepth 20\nfrac 20\nnorm 1\nwidth 32\nsolver 0\ntimeoutCycles "
                + NetworkTestbenchWriter.timeoutCycles(spec) + "\nnetworkId "
                + org.odegen.net.NetworkDescription.zoo(spec).networkId() + "\nlanes 16\n",
                Files.readString(v.resolve("network.txt")));
        // another seed, another image and other logits
        assertFalse(java.util.Arrays.equals(logits, NetworkTestbenchWriter.vectors(net, 8).logits()));
    }
}
