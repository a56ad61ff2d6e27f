package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.odegen.fixed.QFormat;
import org.odegen.model.FixedMap;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;

class NetworkTest {
    private static final NetworkSpec R3 = NetworkSpec.of(Variant.RODENET_3, 20);

    @Test
    void sameSeedSameWeightsAndSharedTensorsAgreeAcrossVariants() {
        Weights a = Weights.random(R3, 5);
        Weights b = Weights.random(R3, 5);
        assertEquals(a.tensors(), b.tensors());
        assertNotEquals(a.get("fc.weight"), Weights.random(R3, 6).get("fc.weight"));
        Weights odenet = Weights.random(NetworkSpec.of(Variant.ODENET, 20), 5);
        assertEquals(a.get("layer3_2.0.conv1.weight"), odenet.get("layer3_2.0.conv1.weight"));
        assertArrayEquals(new int[] {64, 65, 3, 3}, a.get("layer3_2.0.conv1.weight").shape());
        assertArrayEquals(new int[] {16, 16, 3, 3}, a.get("layer1.0.conv1.weight").shape());
    }

    @Test
    void fixedTwinFollowsTheFloatTwinInEveryVariant() {
        for (Variant v : Variant.values()) {
            for (NormMode norm : NormMode.values()) {
                Network net = new Network(Weights.random(NetworkSpec.of(v, 20), 3), norm, QFormat.Q32_20);
                Agreement a = Agreement.measure(net, 2, 9);
                assertTrue(a.maxLogitDifference() < 1e-2, v + " " + norm + ": " + a.maxLogitDifference());
                assertEquals(2, a.top1Agreements(), v + " " + norm);
            }
        }
    }

    @Test
    void narrowFormatsDisagreeMoreThanQ20() {
        Weights w = Weights.random(R3, 3);
        double q20 = Agreement.measure(new Network(w, NormMode.BATCH_STATS, QFormat.Q32_20), 1, 1).maxLogitDifference();
        double q8 = Agreement.measure(new Network(w, NormMode.BATCH_STATS, new QFormat(16, 8)), 1, 1)
                .maxLogitDifference();
        assertTrue(q8 > 10 * q20, q8 + " vs " + q20);
    }

    @Test
    void offloadedBlocksGoThroughTheExecutor() {
        Network net = new Network(Weights.random(R3, 3), NormMode.BATCH_STATS, QFormat.Q32_20);
        assertEquals(1, net.odeBlocks().size());
        assertEquals(6, net.odeSteps().get(0));
        FixedMap img = net.quantize(Agreement.randomImage(new SplittableRandom(1)));
        int[] golden = net.forwardFixed(img, Network.GOLDEN);
        int[] calls = {0};
        int[] viaExecutor = net.forwardFixed(img, (block, z0, steps, h, t0) -> {
            calls[0]++;
            assertEquals("layer3_2_0", block.config().name(), "the ODE layer's name in the description, an identifier");
            assertEquals(6, steps);
            assertEquals(QFormat.Q32_20.quantize(1.0 / 6), h);
            return block.run(z0, steps, h, t0);
        });
        assertEquals(1, calls[0]);
        assertArrayEquals(golden, viaExecutor);
        int[] broken = net.forwardFixed(img, (block, z0, steps, h, t0) -> FixedMap.zeros(64, 8, 8));
        assertFalse(java.util.Arrays.equals(golden, broken));
    }

    @Test
    void logitsDependOnTheImage() {
        Network net = new Network(Weights.random(R3, 3), NormMode.FOLDED, QFormat.Q32_20);
        SplittableRandom rng = new SplittableRandom(2);
        FloatMap a = Agreement.randomImage(rng);
        FloatMap b = Agreement.randomImage(rng);
        assertEquals(100, net.forwardFixed(a).length);
        assertFalse(java.util.Arrays.equals(net.forwardFixed(a), net.forwardFixed(b)));
    }

    @Test
    void optionAShortcutPadsHalfTheNewChannelsOnEachSide() {
        assertEquals(8, Network.shortcutChannelOffset(16, 32));
        assertEquals(16, Network.shortcutChannelOffset(32, 64));
        int[] src = Network.shortcutSource(2, 4, 4, 4, 2); // 2 -> 4 channels, 4x4 -> 2x2
        assertArrayEquals(new int[] {-1, -1, -1, -1, 0, 2, 8, 10, 16, 18, 24, 26, -1, -1, -1, -1}, src);
    }

    @Test
    void accuracyCountsTop1AndTop5() {
        Accuracy acc = new Accuracy();
        acc.add(new double[] {0.1, 0.9, 0.0, 0, 0, 0, 0}, 1);      // top-1
        acc.add(new double[] {0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0}, 4); // 5th: top-5 only
        acc.add(new double[] {0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0}, 5); // 6th: neither
        acc.add(new int[] {3, 3}, 1);                                 // a tie goes to the lower index
        assertEquals(0.25, acc.top1());
        assertEquals(0.75, acc.top5());
    }
}
