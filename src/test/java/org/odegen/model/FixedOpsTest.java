package org.odegen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.odegen.fixed.FixedMath;
import org.odegen.fixed.QFormat;

class FixedOpsTest {
    private static final QFormat Q = QFormat.Q32_20;
    private final FixedOps ops = new FixedOps(Q);
    private final Reference ref = new Reference(Q);

    static int[] random(SplittableRandom rng, int n, QFormat q, long range) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = (int) q.sat(rng.nextLong(-range, range + 1));
        }
        return v;
    }

    @Test
    void conv3x3MatchesTheDefinitionWithAndWithoutTime() {
        SplittableRandom rng = new SplittableRandom(7);
        for (Long t : new Long[] {null, 0L, 123_456L, -(1L << 20)}) {
            int c = 3;
            int[] in = random(rng, c * 4 * 8, Q, 4L << 20);
            int cin = c + (t != null ? 1 : 0);
            int[] w = random(rng, 2 * cin * 9, Q, 1L << 20);
            FixedMap out = ops.conv3x3(new FixedMap(c, 4, 8, in), w, 2, 1, t);
            assertArrayEquals(ref.conv(in, c, 4, 8, w, 2, t), out.data(), "time " + t);
        }
    }

    @Test
    void conv3x3OfMapsOfEveryShapeIsTheDefinitionAtStrideOneAndItsEvenPositionsAtStrideTwo() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{1, 1}, {1, 3}, {3, 1}, {2, 9}, {5, 7}, {7, 5}, {13, 13}, {8, 8}};
        for (int[] hw : shapes) {
            for (Long t : new Long[] {null, 77_777L}) {
                int h = hw[0];
                int w = hw[1];
                int c = 2;
                int[] in = random(rng, c * h * w, Q, 4L << 20);
                int cin = c + (t != null ? 1 : 0);
                int[] wts = random(rng, 3 * cin * 9, Q, 1L << 20);
                String at = h + "x" + w + " time " + t;
                int[] full = ops.conv3x3(new FixedMap(c, h, w, in), wts, 3, 1, t).data();
                assertArrayEquals(ref.conv(in, c, h, w, wts, 3, t), full, at);
                FixedMap half = ops.conv3x3(new FixedMap(c, h, w, in), wts, 3, 2, t);
                int ho = (h + 1) / 2;
                int wo = (w + 1) / 2;
                assertEquals(ho, half.height(), at);
                assertEquals(wo, half.width(), at);
                for (int co = 0; co < 3; co++) {
                    for (int y = 0; y < ho; y++) {
                        for (int x = 0; x < wo; x++) {
                            assertEquals(full[(co * h + 2 * y) * w + 2 * x], half.data()[(co * ho + y) * wo + x],
                                    at + " stride 2 at " + co + "," + y + "," + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void timeChannelIsZeroInThePadding() {
        // One input channel of zeros, weights 1.0 on the time plane only: the output counts the in-image taps.
        int[] w = new int[2 * 9];
        Arrays.fill(w, 0, 9, (int) Q.one());
        FixedMap out = ops.conv3x3(FixedMap.zeros(1, 4, 4), w, 1, 1, Q.one());
        assertEquals(4 * Q.one(), out.get(0, 0, 0));   // corner: 2x2 taps inside
        assertEquals(6 * Q.one(), out.get(0, 0, 1));   // edge: 2x3
        assertEquals(9 * Q.one(), out.get(0, 1, 1));   // inside: 3x3
    }

    @Test
    void largestAccumulationOf65ChannelsDoesNotOverflow() {
        // 64 channels + time, every tap at the extremes: 585 products of 2^42 each, exact, then saturated.
        int c = 64;
        int[] in = new int[c * 3 * 3];
        int[] w = new int[(c + 1) * 9];
        Arrays.fill(in, Integer.MIN_VALUE);
        Arrays.fill(w, Integer.MIN_VALUE);
        FixedMap out = ops.conv3x3(new FixedMap(c, 3, 3, in), w, 1, 1, (long) Integer.MIN_VALUE);
        assertEquals(Integer.MAX_VALUE, out.get(0, 1, 1));
        assertArrayEquals(ref.conv(in, c, 3, 3, w, 1, (long) Integer.MIN_VALUE), out.data());
        // Mixed signs must not wrap either: the sum is exactly representable in the contract's accumulator.
        Arrays.fill(in, Integer.MAX_VALUE);
        FixedMap neg = ops.conv3x3(new FixedMap(c, 3, 3, in), w, 1, 1, (long) Integer.MAX_VALUE);
        assertEquals(Integer.MIN_VALUE, neg.get(0, 1, 1));
        BigInteger sum = ref.mulq(Integer.MAX_VALUE, Integer.MIN_VALUE).multiply(BigInteger.valueOf(585));
        assertTrue(sum.bitLength() + 1 <= Q.accumulatorBits(65), "accumulator of " + Q.accumulatorBits(65) + " bits");
    }

    @Test
    void narrowFormatsSumInIntOnlyWhereTheSumFitsAndAreTheDefinitionEitherWay() {
        // conv3x3 sums in int where every rounded product and their sum fit one (16 bits and less, F large
        // enough), in long otherwise. At the extremes of Q16.10 the sum of 585 products fits an int; at Q16.2
        // it does not, and an int sum would wrap: both must be the definition.
        SplittableRandom rng = new SplittableRandom(5);
        for (QFormat q : new QFormat[] {new QFormat(16, 10), new QFormat(16, 2), new QFormat(12, 6),
                new QFormat(8, 4), new QFormat(18, 1)}) {
            FixedOps narrow = new FixedOps(q);
            Reference def = new Reference(q);
            int c = 64;
            for (long fill : new long[] {q.min(), q.max()}) {
                int[] in = new int[c * 3 * 3];
                int[] w = new int[(c + 1) * 9];
                Arrays.fill(in, (int) fill);
                Arrays.fill(w, (int) q.min());
                assertArrayEquals(def.conv(in, c, 3, 3, w, 1, q.min()),
                        narrow.conv3x3(new FixedMap(c, 3, 3, in), w, 1, 1, q.min()).data(), q + " at " + fill);
            }
            int[] in = random(rng, 3 * 6 * 5, q, q.max());
            int[] w = random(rng, 2 * 4 * 9, q, q.max());
            assertArrayEquals(def.conv(in, 3, 6, 5, w, 2, q.one()),
                    narrow.conv3x3(new FixedMap(3, 6, 5, in), w, 2, 1, q.one()).data(), q + " random");
        }
    }

    @Test
    void stride2SamplesTheStride1OutputAtEvenPositions() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] in = random(rng, 2 * 8 * 8, Q, 1L << 22);
        int[] w = random(rng, 3 * 2 * 9, Q, 1L << 20);
        FixedMap full = ops.conv3x3(new FixedMap(2, 8, 8, in), w, 3, 1, null);
        FixedMap half = ops.conv3x3(new FixedMap(2, 8, 8, in), w, 3, 2, null);
        assertEquals(4, half.height());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(full.get(c, 2 * y, 2 * x), half.get(c, y, x));
                }
            }
        }
    }

    @Test
    void batchStatsNormMatchesTheDefinitionIncludingExtremes() {
        SplittableRandom rng = new SplittableRandom(11);
        for (long range : new long[] {1L << 20, 1L << 28, 1L << 31}) {
            int c = 4;
            int n = 16;
            int[] x = random(rng, c * n, Q, range);
            int[] gamma = random(rng, c, Q, 2L << 20);
            int[] beta = random(rng, c, Q, 1L << 20);
            FixedMap out = ops.normBatchStats(new FixedMap(c, 4, 4, x), gamma, beta, 10);
            assertArrayEquals(ref.normBatchStats(x, c, n, gamma, beta, 10), out.data(), "range " + range);
        }
    }

    @Test
    void batchStatsOfAKnownChannel() {
        // Values 0, 1, 2, 3 (Q20): mean 1.5, var 1.25, gamma 1, beta 0.
        int one = (int) Q.one();
        int[] x = {0, one, 2 * one, 3 * one};
        FixedOps.ChannelStats s = ops.batchStats(x, 0, 4, one, 10);
        assertEquals(3 * one / 2, s.mean());
        assertEquals(5L * one / 4, s.var());
        assertEquals(FixedMath.isqrt((5L * one / 4 + 10) << 20), s.std());
        assertEquals(Math.sqrt((1.25 * one + 10) * one), s.std(), 1.0);
        assertEquals(one / Math.sqrt(1.25 + 10.0 / one), s.scale(), 2.0);
    }

    @Test
    void zeroVarianceChannelGivesBeta() {
        int[] x = new int[16];
        Arrays.fill(x, 5 << 20);
        int[] gamma = {(int) Q.one()};
        int[] beta = {-777};
        FixedOps.ChannelStats s = ops.batchStats(x, 0, 16, gamma[0], 10);
        assertEquals(0, s.var());
        assertEquals(FixedMath.isqrt(10L << 20), s.std());
        FixedMap out = ops.normBatchStats(new FixedMap(1, 4, 4, x), gamma, beta, 10);
        assertTrue(Arrays.stream(out.data()).allMatch(v -> v == -777));
    }

    @Test
    void stdOfOneSaturatesNothingAtW8() {
        // Q8.1, eps = 1, constant channel: std = isqrt((0 + 1) << 1) = 1, inv = 4 / 1 = 4.
        QFormat q8 = new QFormat(8, 1);
        FixedOps o8 = new FixedOps(q8);
        int[] x = {3, 3, 3, 3, 5, 5, 1, 9};
        FixedOps.ChannelStats s = o8.batchStats(x, 0, 4, 2, 1);
        assertEquals(1, s.std());
        assertEquals(4, s.inv());
        assertEquals(4, s.scale()); // mulq(4, 2) = (8 + 1) >> 1
        Reference r8 = new Reference(q8);
        int[] gamma = {2, 127};
        int[] beta = {-128, 127};
        assertArrayEquals(r8.normBatchStats(x, 2, 4, gamma, beta, 1),
                o8.normBatchStats(new FixedMap(2, 2, 2, x), gamma, beta, 1).data());
        // At F = 20 the same std of 1 would make inv = 2^40: saturated to the W-bit maximum.
        assertEquals(Q.max(), Q.sat((1L << 40) / 1));
    }

    @Test
    void foldedNormMatchesTheDefinition() {
        SplittableRandom rng = new SplittableRandom(5);
        int[] x = random(rng, 2 * 16, Q, 1L << 31);
        int[] scale = random(rng, 2, Q, 4L << 20);
        int[] shift = {Integer.MAX_VALUE, Integer.MIN_VALUE};
        assertArrayEquals(ref.normFolded(x, 2, 16, scale, shift),
                ops.normFolded(new FixedMap(2, 4, 4, x), scale, shift).data());
    }

    @Test
    void reluAddPoolAndLinear() {
        FixedMap m = new FixedMap(1, 1, 2, new int[] {-5, 7});
        assertArrayEquals(new int[] {0, 7}, ops.relu(m).data());
        FixedMap big = new FixedMap(1, 1, 2, new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE});
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, ops.addSat(big, big).data());
        assertArrayEquals(new int[] {-1}, ops.averagePool(new FixedMap(1, 1, 2, new int[] {-1, 0}))); // floor
        int one = (int) Q.one();
        int[] y = ops.linear(new int[] {one, 2 * one}, new int[] {one, one, one / 2, -one}, new int[] {1, 2});
        assertArrayEquals(new int[] {3 * one + 1, -3 * one / 2 + 2}, y);
    }
}
