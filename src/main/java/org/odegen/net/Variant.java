package org.odegen.net;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The seven networks of PAPER.md Table 4. For each stage that can be an ODEBlock (layer1,
 * layer2_2, layer3_2) a variant gives instances and executions per instance as functions of N.
 */
public enum Variant {
    RESNET("resnet", "ResNet"),
    ODENET("odenet", "ODENet"),
    RODENET_1("rodenet-1", "rODENet-1"),
    RODENET_2("rodenet-2", "rODENet-2"),
    RODENET_1_2("rodenet-1+2", "rODENet-1+2"),
    RODENET_3("rodenet-3", "rODENet-3"),
    HYBRID_3("hybrid-3", "Hybrid-3");

    /** The depths N the paper's networks are defined for. */
    public static final int[] DEPTHS = {20, 32, 44, 56};

    private final String id;
    private final String paperName;

    Variant(String id, String paperName) {
        this.id = id;
        this.paperName = paperName;
    }

    public String id() {
        return id;
    }

    public String paperName() {
        return paperName;
    }

    /** Table 4's entry for one of the three variable stages: instances / executions per instance. */
    LayerRow row(Stage s, int n) {
        int stack1 = (n - 2) / 6;
        int stack23 = (n - 8) / 6;
        return switch (this) {
            case RESNET -> resnet(s, s == Stage.LAYER1 ? stack1 : stack23);
            case ODENET -> ode(s, s == Stage.LAYER1 ? stack1 : stack23);
            case RODENET_1 -> s == Stage.LAYER1 ? ode(s, (n - 6) / 2) : absent(s);
            case RODENET_2 -> s == Stage.LAYER1 ? resnet(s, 1) : s == Stage.LAYER2_2 ? ode(s, (n - 8) / 2) : absent(s);
            case RODENET_1_2 -> s == Stage.LAYER1 ? ode(s, (n - 4) / 4)
                    : s == Stage.LAYER2_2 ? ode(s, (n - 8) / 4) : absent(s);
            case RODENET_3 -> s == Stage.LAYER1 ? resnet(s, 1) : s == Stage.LAYER2_2 ? absent(s) : ode(s, (n - 8) / 2);
            case HYBRID_3 -> s == Stage.LAYER1 ? resnet(s, stack1)
                    : s == Stage.LAYER2_2 ? resnet(s, stack23) : ode(s, stack23);
        };
    }

    private static LayerRow resnet(Stage s, int instances) {
        return new LayerRow(s, BlockKind.RESNET, instances, 1);
    }

    private static LayerRow ode(Stage s, int executions) {
        return new LayerRow(s, BlockKind.ODE, 1, executions);
    }

    private static LayerRow absent(Stage s) {
        return new LayerRow(s, BlockKind.RESNET, 0, 0);
    }

    public static Variant parse(String text) {
        for (Variant v : values()) {
            if (v.id.equalsIgnoreCase(text.trim()) || v.paperName.equalsIgnoreCase(text.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("variant '" + text + "' is unknown; valid: " + validIds());
    }

    public static String validIds() {
        return Arrays.stream(values()).map(Variant::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
