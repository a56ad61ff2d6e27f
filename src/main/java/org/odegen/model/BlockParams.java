package org.odegen.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.odegen.fixed.QFormat;

/**
 * The raw parameters of one ODEBlock, in the parameter stream order of ARITHMETIC.md:
 * conv1 weights {@code [co][ci][ky][kx]} (time channel at {@code ci = 0}), norm1's two vectors
 * (gamma, beta for batch-stats; scale, shift for folded), conv2 weights, norm2's two vectors.
 */
public record BlockParams(int[] conv1, int[] norm1A, int[] norm1B, int[] conv2, int[] norm2A, int[] norm2B) {

    /** Checks every vector's length against the configuration and every value against the format. */
    public BlockParams validate(BlockConfig cfg) {
        checkLength("conv1.weight", conv1, cfg.convWords());
        checkLength("norm1 first vector", norm1A, cfg.channels());
        checkLength("norm1 second vector", norm1B, cfg.channels());
        checkLength("conv2.weight", conv2, cfg.convWords());
        checkLength("norm2 first vector", norm2A, cfg.channels());
        checkLength("norm2 second vector", norm2B, cfg.channels());
        int[] all = toStream();
        for (int i = 0; i < all.length; i++) {
            if (!cfg.format().fits(all[i])) {
                throw new IllegalArgumentException("parameter word " + i + " = " + all[i]
                        + " does not fit " + cfg.format());
            }
        }
        return this;
    }

    /** Splits a parameter stream of exactly {@code cfg.paramWords()} words. */
    public static BlockParams fromStream(BlockConfig cfg, int[] words) {
        if (words.length != cfg.paramWords()) {
            throw new IllegalArgumentException("the parameter stream of " + cfg.name() + " (C = " + cfg.channels()
                    + ", Cin = " + cfg.cin() + ") has " + cfg.paramWords() + " words: 2*(C*Cin*9) + 4*C; got "
                    + words.length);
        }
        int cw = cfg.convWords();
        int c = cfg.channels();
        int at = 0;
        int[] conv1 = Arrays.copyOfRange(words, at, at += cw);
        int[] n1a = Arrays.copyOfRange(words, at, at += c);
        int[] n1b = Arrays.copyOfRange(words, at, at += c);
        int[] conv2 = Arrays.copyOfRange(words, at, at += cw);
        int[] n2a = Arrays.copyOfRange(words, at, at += c);
        int[] n2b = Arrays.copyOfRange(words, at, at + c);
        return new BlockParams(conv1, n1a, n1b, conv2, n2a, n2b).validate(cfg);
    }

    /**
     * Seeded random parameters at realistic scales (test stimulus, golden vectors): Kaiming-like conv
     * weights (uniform, std ~ sqrt(2 / (Cin*9))), gamma or scale in [0.5, 1.5), beta or shift in +-0.25.
     */
    public static BlockParams random(BlockConfig cfg, SplittableRandom rng) {
        QFormat q = cfg.format();
        return random(cfg, rng, Math.max(1, q.quantize(Math.sqrt(2.0 / (cfg.cin() * 9)) * 1.7)), q.one() / 4);
    }

    /** Seeded random parameters: weights in +-weightRange and betas in +-betaRange (raw), gammas in [0.5, 1.5). */
    public static BlockParams random(BlockConfig cfg, SplittableRandom rng, long weightRange, long betaRange) {
        QFormat q = cfg.format();
        int c = cfg.channels();
        int[] g1 = new int[c];
        int[] g2 = new int[c];
        for (int i = 0; i < c; i++) {
            g1[i] = (int) q.quantize(rng.nextDouble(0.5, 1.5));
            g2[i] = (int) q.quantize(rng.nextDouble(0.5, 1.5));
        }
        return new BlockParams(uniform(rng, cfg.convWords(), q, weightRange), g1, uniform(rng, c, q, betaRange),
                uniform(rng, cfg.convWords(), q, weightRange), g2, uniform(rng, c, q, betaRange));
    }

    /** {@code n} raw values uniform in {@code [-range, range]}, saturated to the format. */
    public static int[] uniform(SplittableRandom rng, int n, QFormat q, long range) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = (int) q.sat(rng.nextLong(-range, range + 1));
        }
        return v;
    }

    /** The words the host sends after {@code CTRL = LOAD}. */
    public int[] toStream() {
        int[] out = new int[conv1.length + conv2.length + 2 * norm1A.length + 2 * norm2A.length];
        int at = 0;
        for (int[] part : new int[][] {conv1, norm1A, norm1B, conv2, norm2A, norm2B}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static void checkLength(String what, int[] v, int expected) {
        if (v == null || v.length != expected) {
            throw new IllegalArgumentException(what + " needs " + expected + " values, got "
                    + (v == null ? "none" : v.length));
        }
    }
}
