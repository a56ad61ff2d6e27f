package org.odegen.model;

import java.util.Arrays;

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
