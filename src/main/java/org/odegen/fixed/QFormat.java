package org.odegen.fixed;

/**
 * The number format {@code Q(W,F)} of ARITHMETIC.md: a W-bit two's-complement raw integer whose
 * value is {@code raw / 2^F}. Every formula works on raw values held in a {@code long}; for
 * {@code W <= 32} no intermediate of the contract overflows 64 bits.
 */
public record QFormat(int width, int frac) {

    /** The paper's "32-bit Q20". */
    public static final QFormat Q32_20 = new QFormat(32, 20);

    public static final int MIN_WIDTH = 8;
    public static final int MAX_WIDTH = 32;

    public QFormat {
        if (width < MIN_WIDTH || width > MAX_WIDTH) {
            throw new IllegalArgumentException("number format Q" + width + "." + frac
                    + ": width W must be in " + MIN_WIDTH + ".." + MAX_WIDTH);
        }
        if (frac < 1 || frac > width - 1) {
            throw new IllegalArgumentException("number format Q" + width + "." + frac
                    + ": fraction bits F must be in 1.." + (width - 1) + " for W = " + width);
        }
    }

    /** Parses {@code Q32.20} (also {@code q32.20}, {@code 32.20}). */
    public static QFormat parse(String text) {
        String s = text.trim();
        if (s.startsWith("Q") || s.startsWith("q")) {
            s = s.substring(1);
        }
        int dot = s.indexOf('.');
        try {
            if (dot < 0) {
                throw new NumberFormatException();
            }
            return new QFormat(Integer.parseInt(s.substring(0, dot)), Integer.parseInt(s.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number format '" + text
                    + "': expected QW.F with W in 8..32 and F in 1..W-1, e.g. Q32.20");
        }
    }

    public long min() {
        return -(1L << (width - 1));
    }

    public long max() {
        return (1L << (width - 1)) - 1;
    }

    /** The raw value of 1.0. */
    public long one() {
        return 1L << frac;
    }

    /** {@code sat(v)}: clamp to the W-bit range. */
    public long sat(long v) {
        return v < min() ? min() : Math.min(v, max());
    }

    /** {@code rnd(v, s) = (v + 2^(s-1)) >> s}: round half up, {@code s > 0}. */
    public static long rnd(long v, int s) {
        return (v + (1L << (s - 1))) >> s;
    }

    /** {@code mulq(a, b) = rnd(a*b, F)}: not saturated. */
    public long mulq(long a, long b) {
        return (a * b + (1L << (frac - 1))) >> frac;
    }

    /** {@code quantize(x) = sat(floor(x * 2^F + 0.5))}. */
    public long quantize(double x) {
        double scaled = Math.floor(x * (double) (1L << frac) + 0.5);
        if (Double.isNaN(scaled)) {
            throw new ArithmeticException("cannot quantize NaN");
        }
        if (scaled <= min()) {
            return min();
        }
        if (scaled >= max()) {
            return max();
        }
        return (long) scaled;
    }

    public double toDouble(long raw) {
        return raw / (double) (1L << frac);
    }

    /** True when {@code raw} is a W-bit two's-complement value. */
    public boolean fits(long raw) {
        return raw >= min() && raw <= max();
    }

    /** Accumulator bits that a conv3x3 over {@code cin} input channels needs (ARITHMETIC.md). */
    public int accumulatorBits(int cin) {
        return 2 * width - frac + ceilLog2(cin * 9L) + 1;
    }

    static int ceilLog2(long n) {
        return 64 - Long.numberOfLeadingZeros(n - 1);
    }

    @Override
    public String toString() {
        return "Q" + width + "." + frac;
    }
}
