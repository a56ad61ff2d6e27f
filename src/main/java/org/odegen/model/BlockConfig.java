package org.odegen.model;

import org.odegen.fixed.QFormat;

/**
 * What the ODEBlock computes, independent of how the hardware computes it: feature-map shape,
 * number format, norm mode and time channel. The golden model, the generator and the report all
 * read this one object.
 */
public record BlockConfig(String name, int channels, int height, int width, QFormat format, NormMode norm,
                          boolean timeChannel, double epsilon) {

    /** The norms' epsilon of the paper's blocks (PyTorch's default). */
    public static final double DEFAULT_EPSILON = 1e-5;

    /** A block with the default epsilon, {@code 1e-5}. */
    public BlockConfig(String name, int channels, int height, int width, QFormat format, NormMode norm,
                       boolean timeChannel) {
        this(name, channels, height, width, format, norm, timeChannel, DEFAULT_EPSILON);
    }

    public BlockConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("block name must not be empty");
        }
        if (channels < 1 || channels > 255) {
            throw new IllegalArgumentException("channels = " + channels + " must be in 1..255");
        }
        if (height < 1 || width < 1 || height > 255 || width > 255) {
            throw new IllegalArgumentException("feature map " + height + "x" + width + " must be 1..255 on each side");
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("the norm's epsilon = " + epsilon + " must be > 0");
        }
        if (format == null || norm == null) {
            throw new IllegalArgumentException("format and norm mode are required");
        }
    }

    /** Input channels of each convolution: C, plus one for the time channel. */
    public int cin() {
        return channels + (timeChannel ? 1 : 0);
    }

    /** Values per channel, N = H * W. */
    public int pixels() {
        return height * width;
    }

    /** k = log2(N), for the block's hardware, whose N is a power of two (OdeBlockDesign checks it). */
    public int log2Pixels() {
        return Integer.numberOfTrailingZeros(pixels());
    }

    /** Words of one convolution's weights, C * Cin * 9. */
    public int convWords() {
        return channels * cin() * 9;
    }

    /** Words of the parameter stream: 2 * (C * Cin * 9) + 4 * C. */
    public int paramWords() {
        return 2 * convWords() + 4 * channels;
    }

    /** Words of one feature map, C * H * W. */
    public int featureWords() {
        return channels * pixels();
    }

    /** Multiply-adds of one Euler step: 2 * H*W * C * Cin * 9. */
    public long macsPerStep() {
        return 2L * pixels() * convWords();
    }

    /** The norm's eps, raw: quantize(epsilon), at least 1 (ARITHMETIC.md). */
    public long eps() {
        return Math.max(1, format.quantize(epsilon));
    }

    public BlockConfig withFormat(QFormat f) {
        return new BlockConfig(name, channels, height, width, f, norm, timeChannel, epsilon);
    }

    public BlockConfig withNorm(NormMode n) {
        return new BlockConfig(name, channels, height, width, format, n, timeChannel, epsilon);
    }

    public BlockConfig withTimeChannel(boolean on) {
        return new BlockConfig(name, channels, height, width, format, norm, on, epsilon);
    }
}
