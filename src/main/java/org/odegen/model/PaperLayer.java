package org.odegen.model;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.odegen.fixed.QFormat;

/** The paper's three ODEBlock layers (Table 2): channels and feature-map size (square). */
public enum PaperLayer {
    LAYER1("layer1", 16, 32),
    LAYER2_2("layer2_2", 32, 16),
    LAYER3_2("layer3_2", 64, 8);

    private final String id;
    private final int channels;
    private final int size;

    PaperLayer(String id, int channels, int size) {
        this.id = id;
        this.channels = channels;
        this.size = size;
    }

    public String id() {
        return id;
    }

    public int channels() {
        return channels;
    }

    /** Height and width of the feature map. */
    public int size() {
        return size;
    }

    public static PaperLayer parse(String text) {
        for (PaperLayer l : values()) {
            if (l.id.equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("layer '" + text + "' is unknown; valid: " + validIds());
    }

    public static String validIds() {
        return Arrays.stream(values()).map(PaperLayer::id).collect(Collectors.joining(", "));
    }

    /** The paper's default block of this layer: Q32.20, batch-stats norm, time channel on. */
    public BlockConfig config() {
        return new BlockConfig(id, channels, size, size, QFormat.Q32_20, NormMode.BATCH_STATS, true);
    }

    @Override
    public String toString() {
        return id;
    }

}
