package org.odegen.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.NetworkGenerator;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import scala.jdk.javaapi.CollectionConverters;

/** The weight ring's plan (WeightRing): every load where the compute has read what it overwrites, an ODEBlock's
 * weights read once an image where each conv is one load. */
class WeightRingTest {
    private static final QFormat Q16 = QFormat.parse("Q16.10");

    static NetworkHwConfig hw(Variant v, int lanes, int macs, OdeSolver solver) {
        return NetworkGenerator.hardware(new NetworkDesign(NetworkSpec.of(v, 20), lanes, Q16, NormMode.BATCH_STATS,
                solver, macs));
    }

    static List<Pass> program(NetworkHwConfig hw) {
        return CollectionConverters.asJava(hw.program());
    }

    static List<RingLoad> loads(NetworkHwConfig hw) {
        return CollectionConverters.asJava(hw.weightRing().loads());
    }

    static PassWeights use(NetworkHwConfig hw, int pass) {
        return hw.weightRing().passes().apply(pass);
    }

    /** Words the loader reads from DDR an image: every pass with weights that the plan does not reuse. */
    static long wordsRead(NetworkHwConfig hw) {
        long words = 0;
        for (int i = 0; i < program(hw).size(); i++) {
            Pass p = program(hw).get(i);
            if (p.hasWeights() && !use(hw, i).reuse()) {
                // weights, norm A (the classifier has none), norm B or the bias
                words += (long) p.cout() * p.taps() + (p.kind().loadsNormA() ? 2L : 1L) * p.cout();
            }
        }
        return words;
    }

    /** The compute's reads in order, as the load each reads: a pass's loads, from its first. */
    static List<Integer> reads(NetworkHwConfig hw) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < program(hw).size(); i++) {
            Pass p = program(hw).get(i);
            for (int k = 0; p.hasWeights() && k < p.loads(hw.lanes()); k++) {
                reads.add(use(hw, i).firstLoad() + k);
            }
        }
        return reads;
    }

    static boolean overlap(RingLoad a, RingLoad b, int depth) {
        for (int shift : new int[] {-depth, 0, depth}) {
            if (a.base() + shift < b.base() + b.words() && b.base() < a.base() + shift + a.words()) {
                return true;
            }
        }
        return false;
    }

    /** The plan, checked as the engine runs it: each read finds its pass's weights (a reused load holds the same
     * blob words), no load overwrites words before their last read, and no load waits for a read that needs it. */
    static void checkRunnable(NetworkHwConfig hw) {
        List<RingLoad> loads = loads(hw);
        List<Integer> reads = reads(hw);
        int depth = hw.weightDepth();
        assertEquals(reads.size(), hw.weightRing().reads());
        int[] first = new int[loads.size()];
        int[] last = new int[loads.size()];
        java.util.Arrays.fill(first, -1);
        int r = 0;
        for (int i = 0; i < program(hw).size(); i++) {
            Pass p = program(hw).get(i);
            for (int k = 0; p.hasWeights() && k < p.loads(hw.lanes()); k++, r++) {
                int load = reads.get(r);
                assertEquals(p.weightsAt(), program(hw).get(loads.get(load).pass()).weightsAt(),
                        p.label() + ": reads another pass's weights");
                if (first[load] < 0) {
                    first[load] = r;
                }
                last[load] = r;
            }
        }
        for (int k = 0; k < loads.size(); k++) {
            RingLoad l = loads.get(k);
            assertTrue(l.base() >= 0 && l.base() < depth && l.words() <= depth, "load " + k + " outside the ring");
            assertTrue(first[k] >= 0, "load " + k + " never read");
            assertTrue(l.waitReads() <= first[k], "load " + k + " waits for a read of its own words");
            for (int j = 0; j < k; j++) {
                if (overlap(loads.get(j), l, depth)) {
                    assertTrue(l.waitReads() > last[j], "load " + k + " overwrites load " + j + " before its last read");
                }
            }
        }
    }

    @Test
    void rodenet3AtSixtyFourLanesReadsEachWeightOnce() {
        for (int macs : new int[] {1, 2, 3}) {
            NetworkHwConfig hw = hw(Variant.RODENET_3, 64, macs, OdeSolver.EULER);
            checkRunnable(hw);
            assertTrue(hw.keepsWeights());
            // every parameter of the blob once, none twice: the ODEBlock's two convs load in its first step only
            assertEquals(hw.blobWords(), wordsRead(hw), "x64 x" + macs);
            long reused = CollectionConverters.asJava(hw.weightRing().passes()).stream().filter(PassWeights::reuse).count();
            long odeConvs = program(hw).stream().filter(p -> p.update().isDefined()).count() * 2;
            assertEquals(odeConvs - 2, reused, "x64 x" + macs + ": every ODE conv after the first step reuses");
        }
    }

    @Test
    void threeMultiplyAddsPackTheRingSoLayer3LoadsBesideLayer2() {
        // x64 x3: each load where the last ended, around the ring's end; the ODEBlock's second conv overwrites only
        // words read before layer3_1's second conv, so it loads while that conv and the block's first compute
        NetworkHwConfig hw = hw(Variant.RODENET_3, 64, 3, OdeSolver.EULER);
        List<RingLoad> loads = loads(hw);
        assertEquals(2048, hw.weightDepth());
        for (int k = 1; k < loads.size(); k++) {
            RingLoad before = loads.get(k - 1);
            assertEquals((before.base() + before.words()) % 2048, loads.get(k).base(), "load " + k + " packed");
        }
        List<Integer> reads = reads(hw);
        int conv2 = -1;
        int odeConv2 = -1;
        for (int k = 0; k < loads.size(); k++) {
            String label = program(hw).get(loads.get(k).pass()).label();
            if (label.equals("layer3_1.0.conv2")) {
                conv2 = reads.indexOf(k);
            } else if (label.equals("layer3_2.0.step0.conv2")) {
                odeConv2 = k;
            }
        }
        assertTrue(conv2 > 0 && odeConv2 > 0);
        assertTrue(loads.get(odeConv2).waitReads() <= conv2, "the ODE conv2 waits for layer3_1.conv2's read");
        checkRunnable(hw);
    }

    @Test
    void heunAndRk4StagesReuseTooAndOdenetKeepsOnlyOneLoadConvs() {
        for (OdeSolver s : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            NetworkHwConfig hw = hw(Variant.RODENET_3, 64, 2, s);
            checkRunnable(hw);
            assertEquals(hw.blobWords(), wordsRead(hw), s.toString());
        }
        // ODENet at 32 lanes: layer1's and layer2's ODE convs are one load each (kept), layer3's two (read every step)
        for (int macs : new int[] {2, 3}) {
            NetworkHwConfig odenet = hw(Variant.ODENET, 32, macs, OdeSolver.EULER);
            checkRunnable(odenet);
            assertTrue(odenet.keepsWeights());
            assertTrue(wordsRead(odenet) > odenet.blobWords());
        }
    }

    @Test
    void aRingOfOtherDepthsIsTheTurnOfItsSlots() {
        // 16 lanes: every ODE conv of rODENet-3 is four loads, so nothing is kept, and the ring (not a power of two)
        // is two slots of the largest load that the loads take in turn
        NetworkHwConfig hw = hw(Variant.RODENET_3, 16, 1, OdeSolver.EULER);
        assertFalse(hw.keepsWeights());
        checkRunnable(hw);
        assertEquals(2 * hw.slotDepth(), hw.weightDepth());
        List<RingLoad> loads = loads(hw);
        for (int k = 0; k < loads.size(); k++) {
            assertEquals((k % 2) * hw.slotDepth(), loads.get(k).base(), "load " + k);
            // a slot waits for the reads of the load before it there
            assertEquals(Math.max(0, k - 1), loads.get(k).waitReads(), "load " + k);
        }
    }
}
