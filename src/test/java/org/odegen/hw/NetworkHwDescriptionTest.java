package org.odegen.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.odegen.fixed.QFormat;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription;

/** The engine's configuration from a description (MODEL.md): custom networks, and the ones it refuses. */
class NetworkHwDescriptionTest {
    private static final QFormat Q = QFormat.parse("Q32.20");

    /** A description of {@code input} and {@code layers}, batch-stats, 10 classes. */
    static NetworkDescription net(String input, String layers) {
        return NetworkDescription.parse("{\"input\": " + input + ", \"classes\": 10, \"norm\": \"batch-stats\", "
                + "\"layers\": [{\"kind\": \"stem\", \"out\": 8, \"conv\": \"conv1\", \"bn\": \"bn1\"}, " + layers
                + "{\"kind\": \"fc\", \"name\": \"fc\"}]}", "test");
    }

    static NetworkHwConfig hw(NetworkDescription d) {
        return NetworkHwConfig.of(d, 8, Q, "OdeNetwork_custom_x8", 0, 0);
    }

    @Test
    void aSmallCustomNetworkGetsItsProgramAndImageShape() {
        NetworkDescription d = net("[3, 16, 16]", "{\"kind\": \"ode\", \"name\": \"ode1\", \"steps\": 2}, "
                + "{\"kind\": \"res\", \"name\": \"down\", \"out\": 16, \"stride\": 2, \"shortcut\": \"A\"}, ");
        NetworkHwConfig hw = hw(d);
        assertEquals(3 * 16 * 16, hw.imageWords());
        assertEquals(10, hw.logits());
        assertEquals(d.params(), hw.blobWords());
        assertEquals(OdeSolver.EULER, hw.solver());
        assertEquals(0, hw.solverCode());
        // stem, 2 Euler steps of two convs, copy + two convs, pool, fc, logits
        assertEquals(1 + 4 + 3 + 3, hw.program().size());
        assertTrue(hw.scheduleCycles() > hw.macBoundCycles());
    }

    @Test
    void mixedSolversBuildTheLargestAndSayThree() {
        NetworkDescription d = net("[1, 8, 8]", "{\"kind\": \"ode\", \"name\": \"a\", \"steps\": 1, \"solver\": "
                + "\"heun\"}, {\"kind\": \"ode\", \"name\": \"b\", \"steps\": 3, \"solver\": \"euler\", \"time\": false, "
                + "\"t0\": 0.5, \"t1\": 2.0}, ");
        NetworkHwConfig hw = hw(d);
        assertEquals(OdeSolver.HEUN, hw.solver());
        assertEquals(3, hw.solverCode());
        // 2 Heun stages + 3 Euler steps, two convs each; b has no time channel and starts at t0 = 0.5, h = 0.5
        long time = scala.jdk.javaapi.CollectionConverters.asJava(hw.program()).stream()
                .filter(p -> p.label().startsWith("b.") && p.time().isDefined()).count();
        assertEquals(0, time);
        assertEquals(1 + 4 + 6 + 3, hw.program().size());
        assertEquals(Q.quantize(0.5), (long) (Long) hw.program().apply(6).update().get());
    }

    @Test
    void shortcutBIsAOneByOneConvPassIntoTheResidualBuffer() {
        // stride 2 (8 -> 16 channels) and stride 1 (16 -> 16): each block runs its 1x1 conv and norm first, into
        // the buffer conv2 adds; its parameters are the block's last (NetworkDescription.tensors)
        NetworkDescription d = net("[3, 16, 16]", "{\"kind\": \"res\", \"name\": \"down\", \"out\": 16, "
                + "\"stride\": 2, \"shortcut\": \"B\"}, {\"kind\": \"res\", \"name\": \"mix\", \"out\": 16, "
                + "\"stride\": 1, \"shortcut\": \"B\"}, ");
        NetworkHwConfig hw = hw(d);
        assertEquals(d.params(), hw.blobWords());
        // stem, (shortcut, conv1, conv2) x 2, pool, fc, logits
        assertEquals(1 + 3 + 3 + 3, hw.program().size());
        Pass sc = hw.program().apply(1);
        Pass conv1 = hw.program().apply(2);
        Pass conv2 = hw.program().apply(3);
        assertEquals(Conv1x1Kind$.MODULE$, sc.kind());
        assertEquals(8, sc.taps());
        assertEquals(8, sc.outSize());
        assertTrue(!sc.relu() && !sc.residual());
        assertEquals(sc.w(), conv2.r());
        assertTrue(conv2.residual());
        assertEquals(conv2.normBAt() + 16, sc.weightsAt());
        assertEquals(sc.weightsAt() + 16 * 8, sc.normAAt());
        assertEquals(conv1.weightsAt() + 16 * 8 * 9 + 2 * 16, conv2.weightsAt());
        Pass mix = hw.program().apply(4);
        assertEquals(Conv1x1Kind$.MODULE$, mix.kind());
        assertEquals(8, mix.outSize());
        assertEquals(1, mix.stride());
        assertEquals(16, mix.taps());
        assertTrue(hw.scheduleCycles() > hw.macBoundCycles());
    }

    @Test
    void oddMapsDivideAndKeepTheirLastRowAtStrideTwo() {
        // 1x28x28 -> 14 -> 7 (-> 4, ceil(7/2)): the norms and the pooling over 784, 196, 49 pixels divide (the lanes'
        // MeanDividers, their waits in the schedule); 16 pixels shift; a map of an odd size has one region
        NetworkDescription d = NetworkDescription.parse("{\"input\": [1, 28, 28], \"classes\": 10, \"norm\": "
                + "\"batch-stats\", \"layers\": [{\"kind\": \"stem\", \"out\": 8, \"conv\": \"conv1\", \"bn\": \"bn1\"}, "
                + "{\"kind\": \"res\", \"name\": \"a\", \"out\": 8, \"stride\": 2, \"shortcut\": \"A\"}, "
                + "{\"kind\": \"res\", \"name\": \"b\", \"out\": 8, \"stride\": 2, \"shortcut\": \"B\"}, "
                + "{\"kind\": \"res\", \"name\": \"c\", \"out\": 16, \"stride\": 2, \"shortcut\": \"A\"}, "
                + "{\"kind\": \"fc\", \"name\": \"fc\"}]}", "test");
        NetworkHwConfig hw = hw(d);
        assertTrue(hw.divides() && hw.oddMaps());
        var program = scala.jdk.javaapi.CollectionConverters.asJava(hw.program());
        Pass stem = program.get(0);
        assertEquals(28, stem.outSize());
        assertTrue(stem.kind().divides(stem));
        Pass toFour = program.stream().filter(p -> p.label().equals("c.conv1")).findFirst().orElseThrow();
        assertEquals(7, toFour.inSize());
        assertEquals(4, toFour.outSize());
        assertTrue(!toFour.kind().divides(toFour), "16 pixels: a shift");
        Pass pool = program.get(program.size() - 3);
        assertEquals(PoolKind$.MODULE$, pool.kind());
        assertTrue(!pool.kind().divides(pool));
        assertEquals(1, Pass$.MODULE$.regions(1, 28, 8));
        // the divisions' waits: twice a group of each dividing conv (the mean, the variance)
        long waits = program.stream().filter(p -> p.kind().divides(p)).mapToLong(p -> 2L * p.groups(8)).sum();
        NetworkHwConfig folded = hw(d.withNorm(org.odegen.model.NormMode.FOLDED));
        assertTrue(waits > 0);
        assertTrue(hw.scheduleCycles() - folded.scheduleCycles() > waits * hw.divideWait());
    }

    @Test
    void shortcutAAtStrideOneCopiesEveryPixelIntoTheWiderMap() {
        NetworkHwConfig hw = hw(net("[3, 16, 16]", "{\"kind\": \"res\", \"name\": \"wide\", \"out\": 16, "
                + "\"shortcut\": \"A\"}, "));
        Pass copy = hw.program().apply(1);
        assertEquals(CopyKind$.MODULE$, copy.kind());
        assertEquals(1, copy.stride());
        assertEquals(16, copy.outSize());
        assertEquals(4, copy.chanOffset(), "(16 - 8) / 2 zero channels in front");
        assertTrue(CopyKind$.MODULE$.copiesAtStrideOne(hw));
        // stem, copy + 2 convs, pool, fc, logits
        assertEquals(1 + 3 + 3, hw.program().size());
    }

    @Test
    void aNonSquareImageKeepsItsRowsAndColumns() {
        // 2x12x20 -> 6x10 -> 3x5: rows and columns halve apart (ceil), the pooling divides by 15
        NetworkHwConfig hw = hw(net("[2, 12, 20]", "{\"kind\": \"res\", \"name\": \"a\", \"out\": 16, \"stride\": 2, "
                + "\"shortcut\": \"A\"}, {\"kind\": \"res\", \"name\": \"b\", \"out\": 16, \"stride\": 2, "
                + "\"shortcut\": \"B\"}, "));
        assertEquals(2 * 12 * 20, hw.imageWords());
        Pass stem = hw.program().apply(0);
        assertEquals(12, stem.outSize());
        assertEquals(20, stem.outCols());
        Pass last = hw.program().apply(hw.program().size() - 4);
        assertEquals("b.conv2", last.label());
        assertEquals(3, last.outSize());
        assertEquals(5, last.outCols());
        Pass pool = hw.program().apply(hw.program().size() - 3);
        assertEquals(15, pool.inPixels());
        assertTrue(pool.kind().divides(pool) && hw.oddMaps());
        assertEquals(1, Pass$.MODULE$.regions(2, 12, 20, 16), "12 rows of 20 words: one region");
        assertEquals(4, Pass$.MODULE$.regions(2, 16, 32, 8), "16 rows of 32 words: regions of 4 rows");
    }

    @Test
    void anOddMapIntoRegionsAsksForFewerLanes() {
        // 7x7 (one region) -> 4x4 of 8 channels, which 16 lanes cut into two regions: the conv reads one
        NetworkDescription d = net("[3, 7, 7]", "{\"kind\": \"res\", \"name\": \"down\", \"out\": 8, \"stride\": 2, "
                + "\"shortcut\": \"A\"}, ");
        String m = assertThrows(IllegalArgumentException.class,
                () -> Hardware.networkConfig(d, 16, Q, "OdeNetwork_custom_x16")).getMessage();
        assertTrue(m.contains("16 lanes") && m.contains("try 8 lanes"), m);
        assertEquals(4, hw(d).program().apply(2).outSize());
    }

    private static void refused(NetworkDescription d, String... words) {
        String m = assertThrows(IllegalArgumentException.class, () -> hw(d)).getMessage();
        for (String w : words) {
            assertTrue(m.contains(w), m);
        }
    }

    @Test
    void whatTheEngineCannotRunIsRefusedNamingTheLayer() {
        refused(net("[3, 16, 64]", ""), "input", "1..63");
        refused(net("[3, 64, 64]", ""), "input", "1..63");
        refused(net("[3, 16, 16]", "{\"kind\": \"res\", \"name\": \"wide\", \"out\": 256, \"stride\": 2, "
                + "\"shortcut\": \"A\"}, "), "layer 1 (wide)", "256 output channels");
    }
}
