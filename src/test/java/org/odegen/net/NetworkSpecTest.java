package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** PAPER.md's Table 2, Table 4 and Figure 5, number by number. */
class NetworkSpecTest {

    @Test
    void table2ParameterSizesPerLayer() {
        NetworkSpec odenet = NetworkSpec.of(Variant.ODENET, 20);
        Map<Stage, Double> table2 = Map.of(Stage.CONV1, 1.86, Stage.LAYER1, 19.84, Stage.LAYER2_1, 55.81,
                Stage.LAYER2_2, 76.54, Stage.LAYER3_1, 222.21, Stage.LAYER3_2, 300.54, Stage.FC, 26.00);
        table2.forEach((stage, kb) -> assertEquals(kb, round2(odenet.row(stage).kilobytes()), stage.id()));
        assertEquals(75_136, odenet.row(Stage.LAYER3_2).params());
        assertEquals(73_984, NetworkSpec.of(Variant.RESNET, 20).row(Stage.LAYER3_2).paramsPerInstance());
    }

    @Test
    void figure5Reductions() {
        assertEquals(36.24, round2(NetworkSpec.of(Variant.ODENET, 20).reductionVsResNet()));
        assertEquals(79.54, round2(NetworkSpec.of(Variant.ODENET, 56).reductionVsResNet()));
        assertEquals(43.29, round2(NetworkSpec.of(Variant.RODENET_3, 20).reductionVsResNet()));
        assertEquals(81.80, round2(NetworkSpec.of(Variant.RODENET_3, 56).reductionVsResNet()));
        assertEquals(26.43, round2(NetworkSpec.of(Variant.HYBRID_3, 20).reductionVsResNet()));
        assertEquals(60.16, round2(NetworkSpec.of(Variant.HYBRID_3, 56).reductionVsResNet()));
        assertEquals(0.0, NetworkSpec.of(Variant.RESNET, 44).reductionVsResNet());
    }

    @Test
    void table4InstancesAndExecutions() {
        for (int n : Variant.DEPTHS) {
            int a = (n - 2) / 6;
            int b = (n - 8) / 6;
            check(Variant.RESNET, n, a, 1, b, 1, b, 1);
            check(Variant.ODENET, n, 1, a, 1, b, 1, b);
            check(Variant.RODENET_1, n, 1, (n - 6) / 2, 0, 0, 0, 0);
            check(Variant.RODENET_2, n, 1, 1, 1, (n - 8) / 2, 0, 0);
            check(Variant.RODENET_1_2, n, 1, (n - 4) / 4, 1, (n - 8) / 4, 0, 0);
            check(Variant.RODENET_3, n, 1, 1, 0, 0, 1, (n - 8) / 2);
            check(Variant.HYBRID_3, n, a, 1, b, 1, 1, b);
        }
        // A single-instance, single-execution layer of an rODENet is a plain ResNet block.
        assertEquals(BlockKind.RESNET, NetworkSpec.of(Variant.RODENET_3, 20).row(Stage.LAYER1).kind());
        assertEquals(BlockKind.ODE, NetworkSpec.of(Variant.RODENET_3, 20).row(Stage.LAYER3_2).kind());
        assertEquals(6, NetworkSpec.of(Variant.RODENET_3, 20).row(Stage.LAYER3_2).executions());
    }

    @Test
    void weightsHoldExactlyTheCountedParameters() {
        for (Variant v : Variant.values()) {
            for (int n : Variant.DEPTHS) {
                NetworkSpec s = NetworkSpec.of(v, n);
                assertEquals(s.params(), Weights.random(s, 1).parameterCount(), s.name());
            }
        }
    }

    @Test
    void rejectsUnknownDepthsAndVariants() {
        var e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(Variant.RESNET, 26));
        assertTrue(e.getMessage().contains("20, 32, 44, 56"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("rodenet-4"));
        assertTrue(e.getMessage().contains("rodenet-1+2") && e.getMessage().contains("hybrid-3"), e.getMessage());
        assertEquals(Variant.RODENET_1_2, Variant.parse("rODENet-1+2"));
    }

    private static void check(Variant v, int n, int i1, int e1, int i2, int e2, int i3, int e3) {
        NetworkSpec s = NetworkSpec.of(v, n);
        String at = s.name();
        assertEquals(i1, s.row(Stage.LAYER1).instances(), at + " layer1");
        assertEquals(e1, s.row(Stage.LAYER1).executions(), at + " layer1");
        assertEquals(i2, s.row(Stage.LAYER2_2).instances(), at + " layer2_2");
        assertEquals(e2, s.row(Stage.LAYER2_2).executions(), at + " layer2_2");
        assertEquals(i3, s.row(Stage.LAYER3_2).instances(), at + " layer3_2");
        assertEquals(e3, s.row(Stage.LAYER3_2).executions(), at + " layer3_2");
        for (Stage fixed : new Stage[] {Stage.CONV1, Stage.LAYER2_1, Stage.LAYER3_1, Stage.FC}) {
            assertEquals(1, s.row(fixed).instances());
            assertEquals(1, s.row(fixed).executions());
        }
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
