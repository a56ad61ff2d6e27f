package org.odegen.model;

import java.util.Arrays;

/** A fixed-point feature map {@code [c][y][x]} (batch 1) of raw Q values. */
public record FixedMap(int channels, int height, int width, int[] data) {

    public FixedMap {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("feature map " + channels + "x" + height + "x" + width
                    + " needs " + channels * height * width + " values, got " + data.length);
        }
    }

    public static FixedMap zeros(int channels, int height, int width) {
        return new FixedMap(channels, height, width, new int[channels * height * width]);
    }

    public int get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public int pixels() {
        return height * width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedMap m && m.channels == channels && m.height == height && m.width == width
                && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + channels * 961 + height * 31 + width;
    }

    @Override
    public String toString() {
        return "FixedMap[" + channels + "x" + height + "x" + width + "]";
    }
}
