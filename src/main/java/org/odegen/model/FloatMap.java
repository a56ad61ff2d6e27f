package org.odegen.model;

/** A floating-point feature map {@code [c][y][x]} (batch 1): the float twin of {@link FixedMap}. */
public record FloatMap(int channels, int height, int width, double[] data) {

    public FloatMap {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("feature map " + channels + "x" + height + "x" + width
                    + " needs " + channels * height * width + " values, got " + data.length);
        }
    }

    public static FloatMap zeros(int channels, int height, int width) {
        return new FloatMap(channels, height, width, new double[channels * height * width]);
    }

    public double get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public int pixels() {
        return height * width;
    }

    @Override
    public String toString() {
        return "FloatMap[" + channels + "x" + height + "x" + width + "]";
    }
}
