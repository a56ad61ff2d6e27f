package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;

/** The blob of NETWORK.md: its length is the parameter count, its order the rows', its words the model's. */
class ParameterBlobTest {
    private static final NetworkSpec R3 = NetworkSpec.of(Variant.RODENET_3, 20);

    @TempDir
    Path dir;

    /** Quantizes a float tensor apart from Network, as NETWORK.md says the words are. */
    private static int[] q(double[] v, QFormat f) {
        return Arrays.stream(v).mapToInt(x -> (int) f.quantize(x)).toArray();
    }

    @Test
    void lengthIsTheParameterCountOfEveryVariantAndDepth() {
        assertEquals(156_276, ParameterBlob.words(R3));
        assertEquals(858_868, ParameterBlob.words(NetworkSpec.of(Variant.RESNET, 56)));
        for (Variant v : Variant.values()) {
            for (int n : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, n);
                Weights w = Weights.random(spec, n);
                int[] blob = ParameterBlob.of(w, NormMode.BATCH_STATS, QFormat.Q32_20);
                assertEquals(spec.params(), blob.length, spec.name());
                assertEquals(w.parameterCount(), blob.length, spec.name());
            }
        }
    }

    /** batch-stats: the blob is every parameter tensor of the checkpoint in network order, quantized. */
    @Test
    void batchStatsBlobIsTheParameterTensorsInNetworkOrder() {
        for (Variant v : new Variant[] {Variant.RODENET_3, Variant.HYBRID_3, Variant.RODENET_1_2}) {
            NetworkSpec spec = NetworkSpec.of(v, 20);
            Weights w = Weights.random(spec, 11);
            QFormat f = new QFormat(16, 8);
            int[] blob = ParameterBlob.of(new Network(w, NormMode.BATCH_STATS, f));
            int at = 0;
            for (Weights.Slot s : Weights.slots(spec)) {
                if (!s.isParameter()) {
                    continue;
                }
                int[] want = q(w.get(s.name()).data(), f);
                assertArrayEquals(want, Arrays.copyOfRange(blob, at, at + want.length), spec.name() + " " + s.name());
                at += want.length;
            }
            assertEquals(blob.length, at);
            // words are W-bit values sign-extended: Q16.8 words stay in 16 bits, and some are negative
            assertTrue(Arrays.stream(blob).allMatch(f::fits));
            assertTrue(Arrays.stream(blob).anyMatch(x -> x < 0));
        }
    }

    /** Spot checks by hand: the first stem weight, the stem's norm, an ODEBlock's stream, fc at the end. */
    @Test
    void foldedBlobSpotChecks() {
        Weights w = Weights.random(R3, 7);
        QFormat f = QFormat.Q32_20;
        Network net = new Network(w, NormMode.FOLDED, f);
        int[] blob = ParameterBlob.of(net);
        assertEquals(f.quantize(w.get("conv1.weight").data()[0]), blob[0]);
        assertEquals(f.quantize(w.get("conv1.weight").data()[431]), blob[431]);
        // stem norm A = scale = gamma / sqrt(var + eps) at 432, norm B = shift at 448
        double g = w.get("bn1.weight").data()[3];
        double b = w.get("bn1.bias").data()[3];
        double m = w.get("bn1.running_mean").data()[3];
        double var = w.get("bn1.running_var").data()[3];
        double scale = g / Math.sqrt(var + Network.EPS);
        assertEquals(f.quantize(scale), blob[432 + 3]);
        assertEquals(f.quantize(b - m * scale), blob[448 + 3]);
        assertNotEquals(f.quantize(g), blob[432 + 3], "folded mode must not send gamma");
        // layer3_2's ODEBlock: ARITHMETIC.md's parameter stream (time channel at ci = 0), at the offset of its row
        int ode = (int) (R3.params() - R3.row(Stage.LAYER3_2).params() - R3.row(Stage.FC).params());
        int[] stream = net.odeBlocks().get(0).params().toStream();
        assertEquals(75_136, stream.length);
        assertArrayEquals(stream, Arrays.copyOfRange(blob, ode, ode + stream.length));
        // the time channel's weight of layer3_2.0.conv1 [co 1][ci 0][0][0]
        assertEquals(f.quantize(w.get("layer3_2.0.conv1.weight").data()[65 * 9]), blob[ode + 65 * 9]);
        // fc.weight [100][64] row-major, then fc.bias [100] last
        int fc = blob.length - 6500;
        assertEquals(f.quantize(w.get("fc.weight").data()[64 * 5 + 7]), blob[fc + 64 * 5 + 7]);
        int[] bias = q(w.get("fc.bias").data(), f);
        assertArrayEquals(bias, Arrays.copyOfRange(blob, blob.length - 100, blob.length));
    }

    @Test
    void readChecksTheLengthWithOneClearMessage() throws Exception {
        int[] blob = ParameterBlob.of(Weights.random(R3, 1), NormMode.BATCH_STATS, QFormat.Q32_20);
        Path ok = dir.resolve("blob.hex");
        HexWords.write(ok, blob);
        assertArrayEquals(blob, ParameterBlob.read(ok, R3, QFormat.Q32_20));
        Path shortBlob = dir.resolve("short.hex");
        HexWords.write(shortBlob, IntStream.range(0, 1000).toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterBlob.read(shortBlob, R3, QFormat.Q32_20));
        assertTrue(e.getMessage().contains("rODENet-3-20 needs 156276 words, the file has 1000"), e.getMessage());
    }
}
