package org.odegen.emit;

import java.util.Map;
import java.util.Optional;

/** The paper's Table 3 (PAPER.md): utilization of its ODEBlock on the XC7Z020, and the device's capacity. */
public final class PaperTable3 {
    private PaperTable3() {
    }

    /** One row: BRAM36, DSP48E1, LUT, FF. */
    public record Utilization(int bram36, int dsp, int lut, int ff) {
    }

    public static final Utilization XC7Z020 = new Utilization(140, 220, 53_200, 106_400);

    private static final Map<String, Utilization> ROWS = Map.ofEntries(
            Map.entry("layer1_x1", new Utilization(56, 8, 1486, 835)),
            Map.entry("layer1_x4", new Utilization(56, 20, 2992, 1358)),
            Map.entry("layer1_x8", new Utilization(56, 36, 4740, 2058)),
            Map.entry("layer1_x16", new Utilization(64, 68, 8994, 4145)),
            Map.entry("layer2_2_x1", new Utilization(56, 8, 1482, 833)),
            Map.entry("layer2_2_x4", new Utilization(56, 20, 2946, 1346)),
            Map.entry("layer2_2_x8", new Utilization(56, 36, 4737, 2032)),
            Map.entry("layer2_2_x16", new Utilization(56, 68, 8844, 4873)),
            Map.entry("layer3_2_x1", new Utilization(140, 8, 1692, 927)),
            Map.entry("layer3_2_x4", new Utilization(140, 20, 3048, 1411)),
            Map.entry("layer3_2_x8", new Utilization(140, 36, 4907, 2059)),
            Map.entry("layer3_2_x16", new Utilization(140, 68, 12720, 6378)));

    /** The paper's layer3_2 cycles per execution (one Euler step), by lanes. */
    private static final Map<Integer, Long> LAYER3_2_CYCLES = Map.of(1, 23_780_000L, 4, 6_070_000L, 8, 3_120_000L,
            16, 1_640_000L, 32, 900_000L);

    public static Optional<Utilization> row(String layer, int lanes) {
        return Optional.ofNullable(ROWS.get(layer + "_x" + lanes));
    }

    public static Optional<Long> layer3_2Cycles(int lanes) {
        return Optional.ofNullable(LAYER3_2_CYCLES.get(lanes));
    }
}
