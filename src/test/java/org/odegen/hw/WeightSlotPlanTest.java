package org.odegen.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.NetworkGenerator;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import scala.jdk.javaapi.CollectionConverters;

/** The weight slots' plan (WeightSlotPlan): an ODEBlock's weights read once an image where each conv is one load. */
class WeightSlotPlanTest {
    private static final QFormat Q16 = QFormat.parse("Q16.10");

    static NetworkHwConfig hw(Variant v, int lanes, int macs, OdeSolver solver) {
        return NetworkGenerator.hardware(new NetworkDesign(NetworkSpec.of(v, 20), lanes, Q16, NormMode.BATCH_STATS,
                solver, macs));
    }

    /** Words the loader reads from DDR an image: every pass with weights that the plan does not say are kept. */
    static long wordsRead(NetworkHwConfig hw) {
        List<Pass> program = CollectionConverters.asJava(hw.program());
        List<SlotUse> plan = CollectionConverters.asJava(hw.slotPlan());
        long words = 0;
        for (int i = 0; i < program.size(); i++) {
            Pass p = program.get(i);
            if (p.hasWeights() && !plan.get(i).reuse()) {
                // weights, norm A (the classifier has none), norm B or the bias
                words += (long) p.cout() * p.taps() + (p.kind().loadsNormA() ? 2L : 1L) * p.cout();
            }
        }
        return words;
    }

    /** The plan, checked as the engine runs it: a reused slot holds the pass's weights, a load never lands on a slot
     * that keeps another's, and each slot is released by its last reader. */
    static void checkRunnable(NetworkHwConfig hw) {
        List<Pass> program = CollectionConverters.asJava(hw.program());
        List<SlotUse> plan = CollectionConverters.asJava(hw.slotPlan());
        Map<Integer, Integer> kept = new HashMap<>(); // slot -> weightsAt
        for (int i = 0; i < program.size(); i++) {
            Pass p = program.get(i);
            SlotUse u = plan.get(i);
            if (!p.hasWeights()) {
                continue;
            }
            if (u.reuse()) {
                assertEquals(p.weightsAt(), kept.get(u.slot()), p.label() + ": reuses a slot without its weights");
            } else {
                for (int k = 0; k < p.loads(hw.lanes()); k++) {
                    int s = (u.slot() + k) % hw.slots();
                    assertFalse(kept.containsKey(s), p.label() + ": loads into slot " + s + ", which keeps weights");
                }
            }
            if (u.keep()) {
                kept.put(u.slot(), p.weightsAt());
            } else {
                kept.remove(u.slot());
            }
        }
        assertTrue(kept.isEmpty(), "slots kept after the last pass: " + kept);
    }

    @Test
    void rodenet3AtSixtyFourLanesReadsEachWeightOnce() {
        for (int macs : new int[] {1, 2}) {
            NetworkHwConfig hw = hw(Variant.RODENET_3, 64, macs, OdeSolver.EULER);
            checkRunnable(hw);
            assertTrue(hw.keepsWeights());
            // every parameter of the blob once, none twice: the ODEBlock's two convs load in its first step only
            assertEquals(hw.blobWords(), wordsRead(hw), "x64 x" + macs);
            long reused = CollectionConverters.asJava(hw.slotPlan()).stream().filter(SlotUse::reuse).count();
            long odeConvs = CollectionConverters.asJava(hw.program()).stream()
                    .filter(p -> p.update().isDefined()).count() * 2;
            assertEquals(odeConvs - 2, reused, "x64 x" + macs + ": every ODE conv after the first step reuses");
        }
    }

    @Test
    void heunAndRk4StagesReuseTooAndOdenetKeepsOnlyOneLoadConvs() {
        for (OdeSolver s : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            NetworkHwConfig hw = hw(Variant.RODENET_3, 64, 2, s);
            checkRunnable(hw);
            assertEquals(hw.blobWords(), wordsRead(hw), s.toString());
        }
        // ODENet at 32 lanes: layer1's and layer2's ODE convs are one load each (kept), layer3's two (read every step)
        NetworkHwConfig odenet = hw(Variant.ODENET, 32, 2, OdeSolver.EULER);
        checkRunnable(odenet);
        assertTrue(odenet.keepsWeights());
        assertTrue(wordsRead(odenet) > odenet.blobWords());
    }

    @Test
    void withoutOneLoadRepeatsThePlanIsTheTurnOfTheSlots() {
        // 16 lanes: every ODE conv of rODENet-3 is four loads, so nothing is kept and the slots go round as before
        NetworkHwConfig hw = hw(Variant.RODENET_3, 16, 1, OdeSolver.EULER);
        assertFalse(hw.keepsWeights());
        List<Pass> program = CollectionConverters.asJava(hw.program());
        List<SlotUse> plan = CollectionConverters.asJava(hw.slotPlan());
        int turn = 0;
        for (int i = 0; i < program.size(); i++) {
            if (program.get(i).hasWeights()) {
                assertEquals(turn, plan.get(i).slot(), program.get(i).label());
                turn = (turn + program.get(i).loads(16)) % hw.slots();
            }
        }
    }
}
