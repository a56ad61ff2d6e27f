package org.odegen.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the ODEBlock normalizes (ARITHMETIC.md, "norm"). */
public enum NormMode {
    /** The paper's hardware: mean, variance and standard deviation computed on chip per feature map. */
    BATCH_STATS("batch-stats"),
    /** Running statistics folded on the host into per-channel scale and shift. */
    FOLDED("folded");

    private final String id;

    NormMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static NormMode parse(String text) {
        for (NormMode m : values()) {
            if (m.id.equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("norm mode '" + text + "' is unknown; valid: " + validIds());
    }

    public static String validIds() {
        return Arrays.stream(values()).map(NormMode::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
