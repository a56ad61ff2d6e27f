package org.odegen.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The structure of one network: a variant at a depth N, as its layer table. */
public record NetworkSpec(Variant variant, int depth, List<LayerRow> rows) {

    public NetworkSpec {
        rows = List.copyOf(rows);
    }

    public static NetworkSpec of(Variant variant, int depth) {
        if (Arrays.stream(Variant.DEPTHS).noneMatch(d -> d == depth)) {
            throw new IllegalArgumentException("depth N = " + depth + " is not one of the paper's; valid: "
                    + Arrays.stream(Variant.DEPTHS).mapToObj(Integer::toString).collect(Collectors.joining(", ")));
        }
        List<LayerRow> rows = new ArrayList<>();
        for (Stage s : Stage.values()) {
            rows.add(switch (s) {
                case CONV1 -> new LayerRow(s, BlockKind.STEM, 1, 1);
                case LAYER2_1, LAYER3_1 -> new LayerRow(s, BlockKind.RESNET, 1, 1);
                case FC -> new LayerRow(s, BlockKind.CLASSIFIER, 1, 1);
                default -> variant.row(s, depth);
            });
        }
        return new NetworkSpec(variant, depth, rows);
    }

    /** "rODENet-3-20". */
    public String name() {
        return variant.paperName() + "-" + depth;
    }

    public long params() {
        return rows.stream().mapToLong(LayerRow::params).sum();
    }

    public double kilobytes() {
        return params() * 4 / 1000.0;
    }

    public LayerRow row(Stage s) {
        return rows.stream().filter(r -> r.stage() == s).findFirst().orElseThrow();
    }

    /** Parameter-size reduction against ResNet-N, in percent. */
    public double reductionVsResNet() {
        long resnet = of(Variant.RESNET, depth).params();
        return 100.0 * (resnet - params()) / resnet;
    }

    /** The rows that are ODEBlocks, the candidates for offloading to the FPGA. */
    public List<LayerRow> odeRows() {
        return rows.stream().filter(r -> r.kind() == BlockKind.ODE && r.instances() > 0).toList();
    }
}
