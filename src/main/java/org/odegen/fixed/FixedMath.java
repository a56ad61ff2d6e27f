package org.odegen.fixed;

/** Integer helpers of ARITHMETIC.md that are not tied to one format. */
public final class FixedMath {
    private FixedMath() {
    }

    /** {@code floor(sqrt(n))} exactly, for {@code n >= 0}. */
    public static long isqrt(long n) {
        if (n < 0) {
            throw new ArithmeticException("isqrt of a negative number: " + n);
        }
        long r = (long) Math.sqrt((double) n);
        // The double estimate can be off by one either way near 2^53 and above: correct it exactly.
        while (r > 0 && (r > 3_037_000_499L || r * r > n)) {
            r--;
        }
        while (r + 1 <= 3_037_000_499L && (r + 1) * (r + 1) <= n) {
            r++;
        }
        return r;
    }

    /** {@code log2(n)} for a power of two, else an error naming the value. */
    public static int log2Exact(long n, String what) {
        if (n <= 0 || Long.bitCount(n) != 1) {
            throw new IllegalArgumentException(what + " = " + n + " must be a power of two");
        }
        return Long.numberOfTrailingZeros(n);
    }
}
