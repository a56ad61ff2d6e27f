package org.odegen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.odegen.fixed.QFormat;

class OdeBlockTest {

    static BlockParams randomParams(BlockConfig cfg, SplittableRandom rng) {
        return BlockParams.random(cfg, rng);
    }

    static BlockConfig small(NormMode norm, boolean time, QFormat q) {
        return new BlockConfig("small", 3, 4, 4, q, norm, time);
    }

    @Test
    void blockRunMatchesTheReferenceInEveryMode() {
        SplittableRandom rng = new SplittableRandom(42);
        for (QFormat q : new QFormat[] {QFormat.Q32_20, new QFormat(16, 8), new QFormat(8, 4)}) {
            for (NormMode norm : NormMode.values()) {
                for (boolean time : new boolean[] {true, false}) {
                    BlockConfig cfg = small(norm, time, q);
                    BlockParams p = randomParams(cfg, rng);
                    int[] z0 = FixedOpsTest.random(rng, cfg.featureWords(), q, 2 * q.one());
                    long h = q.quantize(0.25);
                    long t0 = q.quantize(0.5);
                    FixedMap out = new OdeBlock(cfg, p).run(new FixedMap(3, 4, 4, z0), 3, h, t0);
                    assertArrayEquals(new Reference(q).run(cfg, p, z0, 3, h, t0), out.data(),
                            q + " " + norm + " time " + time);
                }
            }
        }
    }

    @Test
    void timeIsExactNotAccumulated() {
        BlockConfig cfg = small(NormMode.BATCH_STATS, true, QFormat.Q32_20);
        SplittableRandom rng = new SplittableRandom(1);
        OdeBlock block = new OdeBlock(cfg, randomParams(cfg, rng));
        FixedMap z0 = new FixedMap(3, 4, 4, FixedOpsTest.random(rng, 48, cfg.format(), 1L << 20));
        long h = 349_525; // quantize(1/3): 3*h != 1.0, so accumulated rounding would differ
        long t0 = 77;
        FixedMap z = z0;
        for (int k = 0; k < 4; k++) {
            z = block.eulerStep(z, h, t0 + k * h);
        }
        List<Integer> seen = new ArrayList<>();
        assertEquals(z, block.run(z0, 4, h, t0, (k, zk) -> seen.add(k)));
        assertEquals(List.of(1, 2, 3, 4), seen);
    }

    @Test
    void unitStepIsTheResNetUpdate() {
        BlockConfig cfg = small(NormMode.FOLDED, true, QFormat.Q32_20);
        SplittableRandom rng = new SplittableRandom(2);
        OdeBlock block = new OdeBlock(cfg, randomParams(cfg, rng));
        FixedMap z0 = new FixedMap(3, 4, 4, FixedOpsTest.random(rng, 48, cfg.format(), 1L << 20));
        FixedMap f = block.f(z0, 0);
        FixedMap z1 = block.run(z0, 1, cfg.format().one(), 0);
        for (int i = 0; i < 48; i++) {
            assertEquals(cfg.format().sat((long) z0.data()[i] + f.data()[i]), z1.data()[i]);
        }
        assertNotEquals(z0, z1);
    }

    @Test
    void saturatesInsteadOfWrapping() {
        BlockConfig cfg = small(NormMode.FOLDED, true, QFormat.Q32_20);
        int n = cfg.channels();
        int[] conv = new int[cfg.convWords()];
        java.util.Arrays.fill(conv, Integer.MAX_VALUE);
        int[] scale = new int[n];
        int[] shift = new int[n];
        java.util.Arrays.fill(scale, Integer.MAX_VALUE);
        BlockParams p = new BlockParams(conv, scale, shift, conv, scale, shift);
        int[] z0 = new int[cfg.featureWords()];
        java.util.Arrays.fill(z0, Integer.MAX_VALUE);
        FixedMap out = new OdeBlock(cfg, p).run(new FixedMap(3, 4, 4, z0), 2, Integer.MAX_VALUE, 0);
        assertTrue(java.util.Arrays.stream(out.data()).allMatch(v -> v == Integer.MAX_VALUE));
        assertArrayEquals(new Reference(cfg.format()).run(cfg, p, z0, 2, Integer.MAX_VALUE, 0), out.data());
    }

    @Test
    void paperLayersHaveTheirWordCounts() {
        assertEquals(75_136, PaperLayer.LAYER3_2.config().paramWords());
        assertEquals(19_136, PaperLayer.LAYER2_2.config().paramWords());
        assertEquals(4_960, PaperLayer.LAYER1.config().paramWords());
        assertEquals(4096, PaperLayer.LAYER3_2.config().featureWords());
        assertEquals(2L * 64 * 64 * 65 * 9, PaperLayer.LAYER3_2.config().macsPerStep());
        assertEquals(73_728, PaperLayer.LAYER3_2.config().withTimeChannel(false).paramWords() - 256);
        var e = assertThrows(IllegalArgumentException.class, () -> PaperLayer.parse("layer4"));
        assertTrue(e.getMessage().contains("layer1, layer2_2, layer3_2"), e.getMessage());
    }

    @Test
    void parameterStreamRoundTripsAndRejectsBadLengths() {
        BlockConfig cfg = small(NormMode.BATCH_STATS, true, QFormat.Q32_20);
        BlockParams p = randomParams(cfg, new SplittableRandom(9));
        int[] stream = p.toStream();
        assertEquals(cfg.paramWords(), stream.length);
        assertArrayEquals(stream, BlockParams.fromStream(cfg, stream).toStream());
        assertEquals(p.conv1()[0], stream[0]);
        assertEquals(p.norm1A()[0], stream[cfg.convWords()]);
        assertEquals(p.conv2()[0], stream[cfg.convWords() + 2 * cfg.channels()]);
        var e = assertThrows(IllegalArgumentException.class,
                () -> BlockParams.fromStream(cfg, java.util.Arrays.copyOf(stream, stream.length - 1)));
        assertTrue(e.getMessage().contains(Integer.toString(cfg.paramWords())), e.getMessage());
        BlockConfig c8 = cfg.withFormat(new QFormat(8, 4));
        assertThrows(IllegalArgumentException.class, () -> BlockParams.fromStream(c8, new int[c8.paramWords() - 1]));
        int[] tooWide = new int[c8.paramWords()];
        tooWide[5] = 300;
        assertThrows(IllegalArgumentException.class, () -> BlockParams.fromStream(c8, tooWide));
    }

    @Test
    void rejectsBadRuns() {
        BlockConfig cfg = small(NormMode.BATCH_STATS, true, QFormat.Q32_20);
        OdeBlock block = new OdeBlock(cfg, randomParams(cfg, new SplittableRandom(4)));
        FixedMap z0 = FixedMap.zeros(3, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> block.run(z0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> block.run(FixedMap.zeros(2, 4, 4), 1, 1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> block.run(z0, 3, Integer.MAX_VALUE, 0));
        assertTrue(e.getMessage().contains("t_2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BlockConfig("eps", 4, 3, 5, QFormat.Q32_20,
                NormMode.FOLDED, true, 0.0));
    }

    /** mean_N for an N that is not a power of two (a 3x5 map): exact floor division, negative sums included. */
    @Test
    void batchStatsOfAnOddSizeUseFloorDivision() {
        assertEquals(-3, FixedOps.meanN(-7, 3));
        assertEquals(2, FixedOps.meanN(7, 3));
        assertEquals(-7 >> 2, FixedOps.meanN(-7, 4), "a power of two is the hardware's shift");
        FixedOps ops = new FixedOps(QFormat.Q32_20);
        int[] x = new int[15];
        SplittableRandom rng = new SplittableRandom(2);
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(-3 << 20, 1 << 20);
            sum += x[i];
        }
        var stats = ops.batchStats(x, 0, 15, 1 << 20, 10);
        assertEquals(Math.floorDiv(sum, 15L), stats.mean());
        BlockConfig odd = new BlockConfig("odd", 3, 3, 5, QFormat.Q32_20, NormMode.BATCH_STATS, true);
        OdeBlock block = new OdeBlock(odd, randomParams(odd, new SplittableRandom(5)));
        assertEquals(15, block.run(FixedMap.zeros(3, 3, 5), 2, QFormat.Q32_20.quantize(0.5), 0).pixels());
    }

    @Test
    void heunAndRk4MatchTheReferenceInEveryMode() {
        SplittableRandom rng = new SplittableRandom(16);
        for (OdeSolver solver : OdeSolver.values()) {
            for (QFormat q : new QFormat[] {QFormat.Q32_20, new QFormat(16, 8), new QFormat(8, 4)}) {
                for (NormMode norm : NormMode.values()) {
                    for (boolean time : new boolean[] {true, false}) {
                        BlockConfig cfg = small(norm, time, q);
                        BlockParams p = randomParams(cfg, rng);
                        int[] z0 = FixedOpsTest.random(rng, cfg.featureWords(), q, 2 * q.one());
                        // odd h: h2 = h >> 1 and h6 = (h + 3) / 6 both round
                        long h = q.quantize(0.25) | 1;
                        long t0 = q.quantize(0.5);
                        FixedMap out = new OdeBlock(cfg, p, solver).run(new FixedMap(3, 4, 4, z0), 2, h, t0);
                        assertArrayEquals(new Reference(q).run(cfg, p, z0, 2, h, t0, solver), out.data(),
                                solver + " " + q + " " + norm + " time " + time);
                    }
                }
            }
        }
    }

    @Test
    void eulerOfTheSolverReferenceIsTheEulerReference() {
        BlockConfig cfg = small(NormMode.BATCH_STATS, true, QFormat.Q32_20);
        SplittableRandom rng = new SplittableRandom(3);
        BlockParams p = randomParams(cfg, rng);
        int[] z0 = FixedOpsTest.random(rng, cfg.featureWords(), cfg.format(), 1L << 21);
        Reference ref = new Reference(cfg.format());
        assertArrayEquals(ref.run(cfg, p, z0, 3, 262_145, 11), ref.run(cfg, p, z0, 3, 262_145, 11, OdeSolver.EULER));
        assertArrayEquals(ref.run(cfg, p, z0, 3, 262_145, 11),
                new OdeBlock(cfg, p).run(new FixedMap(3, 4, 4, z0), 3, 262_145, 11).data());
    }

    @Test
    void negativeStepsRoundH2AndH6AsWritten() {
        assertEquals(-3, OdeSolver.half(-5)); // floor, not toward zero
        assertEquals(-1, OdeSolver.sixth(-5)); // -((5 + 3) / 6)
        assertEquals(-1, OdeSolver.sixth(-8));
        assertEquals(-2, OdeSolver.sixth(-9));
        assertEquals(1, OdeSolver.sixth(3));
        assertEquals(0, OdeSolver.sixth(2));
        assertEquals(174_763, OdeSolver.sixth(1 << 20)); // (2^20 + 3) / 6
        assertEquals(-(((1L << 31) + 3) / 6), OdeSolver.sixth(Integer.MIN_VALUE));
        SplittableRandom rng = new SplittableRandom(5);
        for (OdeSolver solver : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            for (NormMode norm : NormMode.values()) {
                BlockConfig cfg = small(norm, true, QFormat.Q32_20);
                BlockParams p = randomParams(cfg, rng);
                int[] z0 = FixedOpsTest.random(rng, cfg.featureWords(), cfg.format(), 2L << 20);
                long h = -262_147; // odd and negative: backwards in time
                long t0 = 1 << 20;
                FixedMap out = new OdeBlock(cfg, p, solver).run(new FixedMap(3, 4, 4, z0), 3, h, t0);
                assertArrayEquals(new Reference(cfg.format()).run(cfg, p, z0, 3, h, t0, solver), out.data(),
                        solver + " " + norm);
            }
        }
    }

    @Test
    void stageInputsSaturate() {
        BlockConfig cfg = small(NormMode.FOLDED, true, QFormat.Q32_20);
        SplittableRandom rng = new SplittableRandom(6);
        BlockParams p = BlockParams.random(cfg, rng, cfg.format().max(), cfg.format().max());
        int[] z0 = FixedOpsTest.random(rng, cfg.featureWords(), cfg.format(), cfg.format().max());
        long h = 1 << 22; // 4.0: z + mulq(h, k) leaves the range for large k
        for (OdeSolver solver : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            OdeBlock block = new OdeBlock(cfg, p, solver);
            FixedMap z = new FixedMap(3, 4, 4, z0);
            FixedMap k1 = block.f(z, 0);
            long c = solver == OdeSolver.HEUN ? h : OdeSolver.half(h);
            int clamped = 0;
            for (int i = 0; i < z0.length; i++) {
                long v = z0[i] + cfg.format().mulq(c, k1.data()[i]);
                if (!cfg.format().fits(v)) {
                    clamped++;
                }
            }
            assertTrue(clamped > 0, solver + ": the stimulus must saturate a stage input");
            assertArrayEquals(new Reference(cfg.format()).run(cfg, p, z0, 1, h, 0, solver),
                    block.run(z, 1, h, 0).data(), solver.id());
        }
    }

    @Test
    void stageTimesMustFitTheTimePlane() {
        BlockConfig cfg = small(NormMode.BATCH_STATS, true, QFormat.Q32_20);
        BlockParams p = randomParams(cfg, new SplittableRandom(8));
        FixedMap z0 = FixedMap.zeros(3, 4, 4);
        long h = 1L << 30;
        new OdeBlock(cfg, p).run(z0, 2, h, 0); // Euler: t_1 = h fits
        var e = assertThrows(IllegalArgumentException.class,
                () -> new OdeBlock(cfg, p, OdeSolver.HEUN).run(z0, 2, h, 0)); // t_1 + h = 2^31 does not
        assertTrue(e.getMessage().contains("stage time of step 1 of heun"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OdeBlock(cfg, p, OdeSolver.RK4).run(z0, 2, h, 0));
    }

    @Test
    void solverNamesParseAndBadOnesNameTheChoices() {
        assertEquals(OdeSolver.RK4, OdeSolver.parse(" RK4 "));
        assertEquals(OdeSolver.HEUN, OdeSolver.parse("heun"));
        assertEquals(List.of(0, 1, 2), java.util.Arrays.stream(OdeSolver.values()).map(OdeSolver::code).toList());
        assertEquals(List.of(1, 2, 4), java.util.Arrays.stream(OdeSolver.values()).map(OdeSolver::evaluations).toList());
        assertEquals(List.of("Euler", "Heun", "RK4"), java.util.Arrays.stream(OdeSolver.values()).map(OdeSolver::title).toList());
        var e = assertThrows(IllegalArgumentException.class, () -> OdeSolver.parse("rk45"));
        assertEquals("solver 'rk45' is not valid; valid: euler, heun, rk4", e.getMessage());
    }

    @Test
    void floatTwinsConvergeAtTheirOrders() {
        // z' = z over [0, 1]: exact e. Halving h divides the error by about 2, 4 and 16.
        java.util.function.BiFunction<FloatMap, Double, FloatMap> f = (z, t) -> z;
        FloatMap one = new FloatMap(1, 1, 1, new double[] {1.0});
        double[] expectedRatio = {2, 4, 16};
        for (OdeSolver s : OdeSolver.values()) {
            double e8 = Math.abs(FloatOps.solve(s, one, 8, 1.0 / 8, 0, f).data()[0] - Math.E);
            double e16 = Math.abs(FloatOps.solve(s, one, 16, 1.0 / 16, 0, f).data()[0] - Math.E);
            double ratio = e8 / e16;
            double want = expectedRatio[s.ordinal()];
            assertTrue(ratio > 0.85 * want && ratio < 1.15 * want, s + ": error ratio " + ratio);
        }
        // the time argument: z' = t from t0 = 1 backwards (h < 0) to 0; Heun and RK4 are exact for it
        java.util.function.BiFunction<FloatMap, Double, FloatMap> ft = (z, t) -> new FloatMap(1, 1, 1, new double[] {t});
        for (OdeSolver s : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            assertEquals(-0.5, FloatOps.solve(s, new FloatMap(1, 1, 1, new double[] {0}), 4, -0.25, 1.0, ft).data()[0],
                    1e-12, s.id());
        }
    }
}
