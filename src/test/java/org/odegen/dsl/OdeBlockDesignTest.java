package org.odegen.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;

class OdeBlockDesignTest {

    @Test
    void describesThePaperLayers() {
        OdeBlockDesign d = OdeBlockDesign.builder("layer3_2")
                .featureMap(64, 8, 8)
                .steps(new Step.Conv3x3(), new Step.Norm(), new Step.Relu(), new Step.Conv3x3(), new Step.Norm())
                .solver(OdeSolver.EULER)
                .lanes(16)
                .format(32, 20)
                .norm(NormMode.BATCH_STATS)
                .timeChannel(true)
                .build();
        assertEquals(OdeBlockDesign.paper(PaperLayer.LAYER3_2, 16), d);
        assertEquals(PaperLayer.LAYER3_2.config(), d.block());
        assertEquals(299_520, d.macBoundCyclesPerStep()); // PAPER.md: 4.79M multiply-adds / 16
        assertEquals("layer3_2_x16", d.id());
        assertEquals(List.of(1, 2, 4, 8, 16), OdeBlockDesign.validLanes(16));
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64), OdeBlockDesign.validLanes(64));
        for (PaperLayer l : PaperLayer.values()) {
            for (int lanes : OdeBlockDesign.validLanes(l.channels())) {
                assertEquals(l.config().macsPerStep() / lanes, OdeBlockDesign.paper(l, lanes).macBoundCyclesPerStep());
            }
        }
    }

    @Test
    void refusesStepsMissingOrOutOfOrder() {
        var e = assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.builder("b")
                .featureMap(16, 4, 4).steps(new Step.Conv3x3(), new Step.Relu(), new Step.Norm(), new Step.Conv3x3(),
                        new Step.Norm()).build());
        assertTrue(e.getMessage().contains("[conv3x3, relu, norm, conv3x3, norm]")
                && e.getMessage().contains("[conv3x3, norm, relu, conv3x3, norm]"), e.getMessage());
        assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.builder("b").featureMap(16, 4, 4)
                .steps(new Step.Conv3x3(), new Step.Norm()).build());
        assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.builder("b").featureMap(16, 4, 4)
                .solver(null).build());
    }

    @Test
    void refusesLanesThatAreNotAPowerOfTwoDividingTheChannels() {
        for (int lanes : new int[] {0, 3, 12, 32, 128, -4}) {
            var e = assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.paper(PaperLayer.LAYER1, lanes));
            assertTrue(e.getMessage().contains("valid: 1, 2, 4, 8, 16"), e.getMessage());
        }
        var e = assertThrows(OdeBlockDesign.DesignException.class,
                () -> OdeBlockDesign.builder("wide").featureMap(128, 4, 4).lanes(128).build());
        assertTrue(e.getMessage().contains("at most 64"), e.getMessage());
    }

    @Test
    void refusesFormatsAndShapesThatCannotBeBuilt() {
        var e = assertThrows(OdeBlockDesign.DesignException.class,
                () -> OdeBlockDesign.builder("b").featureMap(16, 4, 4).format(33, 20).build());
        assertTrue(e.getMessage().contains("8..32"), e.getMessage());
        e = assertThrows(OdeBlockDesign.DesignException.class,
                () -> OdeBlockDesign.builder("b").featureMap(16, 4, 4).format(16, 16).build());
        assertTrue(e.getMessage().contains("1..15"), e.getMessage());
        e = assertThrows(OdeBlockDesign.DesignException.class,
                () -> OdeBlockDesign.builder("b").featureMap(16, 6, 6).build());
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        e = assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.builder("b").build());
        assertTrue(e.getMessage().contains("featureMap"), e.getMessage());
        assertEquals(new QFormat(16, 8), OdeBlockDesign.builder("b").featureMap(16, 4, 4).format(16, 8).build()
                .block().format());
    }

    @Test
    void solversAreChosenByNameAndNameTheBlock() {
        OdeBlockDesign euler = OdeBlockDesign.paper(PaperLayer.LAYER2_2, 8);
        assertEquals(OdeSolver.EULER, euler.solver());
        assertEquals("layer2_2_x8", euler.id());
        for (String name : new String[] {"heun", "rk4"}) {
            OdeSolver s = OdeSolver.parse(name);
            assertEquals(name, s.toString());
            assertEquals(name, s.id());
            OdeBlockDesign d = OdeBlockDesign.builder("layer2_2").featureMap(32, 16, 16).lanes(8).solver(s).build();
            assertEquals("layer2_2_x8_" + name, d.id());
            assertEquals(s.evaluations(), d.evaluationsPerStep());
            assertEquals(d.evaluationsPerStep() * euler.macBoundCyclesPerStep(), d.macBoundCyclesPerSolverStep());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> OdeSolver.parse("dopri5"));
        assertEquals("solver 'dopri5' is not valid; valid: euler, heun, rk4", e.getMessage());
        var missing = assertThrows(OdeBlockDesign.DesignException.class, () -> OdeBlockDesign.builder("b")
                .featureMap(16, 4, 4).solver(null).build());
        assertTrue(missing.getMessage().contains("valid: euler, heun, rk4"), missing.getMessage());
    }
}
