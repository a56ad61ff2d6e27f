package org.odegen.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.odegen.model.PaperLayer;
import org.odegen.net.Variant;

/** The paper's Table 5 (execution time per image, PS Cortex-A9 alone and with the PL x16), as printed. */
public final class PaperTable5 {
    private PaperTable5() {
    }

    /** One printed row at one depth: PS-only seconds, the offloaded share of it, seconds with the PL, speedup. */
    public record Row(Variant variant, int depth, double psSeconds, double offloadedShare, double plSeconds,
            double speedup) {
        public double offloadedSeconds() {
            return psSeconds * offloadedShare;
        }

        /** PS time of everything that stays on the PS. */
        public double restSeconds() {
            return psSeconds - offloadedSeconds();
        }
    }

    /** The depths the paper prints. */
    public static final int[] DEPTHS = {20, 56};

    /** The layers each variant offloads in the paper (Table 5's labels). */
    public static final Map<Variant, List<PaperLayer>> OFFLOADED = Map.of(
            Variant.RODENET_1, List.of(PaperLayer.LAYER1),
            Variant.RODENET_2, List.of(PaperLayer.LAYER2_2),
            Variant.RODENET_1_2, List.of(PaperLayer.LAYER1, PaperLayer.LAYER2_2),
            Variant.RODENET_3, List.of(PaperLayer.LAYER3_2),
            Variant.ODENET, List.of(PaperLayer.LAYER3_2),
            Variant.HYBRID_3, List.of(PaperLayer.LAYER3_2));

    /** ResNet's PS-only times (nothing offloaded). */
    public static final Map<Integer, Double> RESNET_PS = Map.of(20, 0.54, 56, 1.58);

    public static final List<Row> ROWS = List.of(
            new Row(Variant.RODENET_1, 20, 0.57, 0.769, 0.28, 1.99), new Row(Variant.RODENET_1, 56, 1.67, 0.921, 0.68, 2.45),
            new Row(Variant.RODENET_2, 20, 0.52, 0.638, 0.30, 1.75), new Row(Variant.RODENET_2, 56, 1.52, 0.875, 0.63, 2.40),
            new Row(Variant.RODENET_1_2, 20, 0.55, 0.761, 0.27, 1.99), new Row(Variant.RODENET_1_2, 56, 1.60, 0.919, 0.64, 2.52),
            new Row(Variant.RODENET_3, 20, 0.54, 0.645, 0.29, 1.85), new Row(Variant.RODENET_3, 56, 1.57, 0.879, 0.59, 2.66),
            new Row(Variant.ODENET, 20, 0.56, 0.212, 0.47, 1.18), new Row(Variant.ODENET, 56, 1.60, 0.290, 1.27, 1.26),
            new Row(Variant.HYBRID_3, 20, 0.53, 0.224, 0.44, 1.19), new Row(Variant.HYBRID_3, 56, 1.56, 0.296, 1.23, 1.27));

    public static Optional<Row> row(Variant v, int depth) {
        return ROWS.stream().filter(r -> r.variant() == v && r.depth() == depth).findFirst();
    }
}
