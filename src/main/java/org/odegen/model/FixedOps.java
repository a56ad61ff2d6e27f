package org.odegen.model;

import org.odegen.fixed.FixedMath;
import org.odegen.fixed.QFormat;

/**
 * The fixed-point primitives of ARITHMETIC.md, bit-exact, on raw values. The ODEBlock golden model
 * and the host layers of the whole network are built from these and nothing else.
 */
public final class FixedOps {
    private final QFormat q;

    public FixedOps(QFormat q) {
        this.q = q;
    }

    public QFormat format() {
        return q;
    }

    /**
     * conv3x3, zero padding 1, no bias: {@code out = sat(SUM mulq(in, w))}, the sum exact.
     *
     * @param weights {@code [co][ci][ky][kx]}; with a time channel, {@code ci = 0} is the time plane
     * @param time    the time channel's raw value {@code t}, or {@code null} for no time channel
     * @param stride  1, or 2 (outputs sampled at even y, x)
     */
    public FixedMap conv3x3(FixedMap in, int[] weights, int cout, int stride, Long time) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int cinTotal = c + (time != null ? 1 : 0);
        if (weights.length != cout * cinTotal * 9) {
            throw new IllegalArgumentException("conv3x3 " + cinTotal + "->" + cout + " needs "
                    + cout * cinTotal * 9 + " weights, got " + weights.length);
        }
        if (stride != 1 && stride != 2) {
            throw new IllegalArgumentException("stride must be 1 or 2, got " + stride);
        }
        int ho = (h + stride - 1) / stride;
        int wo = (w + stride - 1) / stride;
        long[] acc = new long[cout * ho * wo];
        int frac = q.frac();
        // The input with its zero padding written out: rnd(0 * w) is 0, so a padded tap adds nothing, and the
        // inner loop needs no bounds test. Each (co, ci) pair keeps its 9 weights in registers and adds its 9
        // rounded products to an output value at once, a single accumulator load and store per 9 multiply-adds.
        int hp = h + 2;
        int wp = w + 2;
        int[] pad = padded(in);
        // Where the whole sum fits an int (formats of 16 bits and less), the same sums in int arithmetic: exact,
        // and about a fifth faster than long's on this JVM (measured; the JIT does not vectorize either loop).
        boolean narrow = fitsInt(pad, time, weights, frac, cinTotal * 9);
        int[] accInt = narrow ? new int[acc.length] : null;
        for (int co = 0; co < cout; co++) {
            int accBase = co * ho * wo;
            for (int ci = 0; ci < cinTotal; ci++) {
                int wb = (co * cinTotal + ci) * 9;
                if (time != null && ci == 0) {
                    timePlane(acc, accInt, accBase, weights, wb, time, h, w, ho, wo, stride);
                    continue;
                }
                int plane = (ci - (time != null ? 1 : 0)) * hp * wp;
                if (narrow) {
                    convPlaneInt(accInt, accBase, pad, plane, wp, weights, wb, ho, wo, stride, frac);
                } else {
                    convPlaneLong(acc, accBase, pad, plane, wp, weights, wb, ho, wo, stride, frac);
                }
            }
        }
        int[] out = new int[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = (int) q.sat(narrow ? accInt[i] : acc[i]);
        }
        return new FixedMap(cout, ho, wo, out);
    }

    /**
     * Whether every rounded product, and the sum of {@code terms} of them, fits a Java int: then
     * {@link #convPlaneInt}'s int arithmetic is the exact long arithmetic (the formats of 16 bits and less).
     */
    private static boolean fitsInt(int[] pad, Long time, int[] weights, int frac, int terms) {
        long maxIn = Math.max(maxAbs(pad), time == null ? 0 : Math.abs(time));
        if (maxIn > Integer.MAX_VALUE) {
            return false;
        }
        long maxW = maxAbs(weights);
        long product = maxIn * maxW + (1L << (frac - 1));
        return product <= Integer.MAX_VALUE && terms * ((product >> frac) + 1) <= Integer.MAX_VALUE;
    }

    private static long maxAbs(int[] v) {
        long m = 0;
        for (int x : v) {
            m = Math.max(m, Math.abs((long) x));
        }
        return m;
    }

    /** One input plane's 9 taps into {@code acc}, exact in long arithmetic. */
    private static void convPlaneLong(long[] acc, int accBase, int[] pad, int plane, int wp, int[] weights, int wb,
            int ho, int wo, int stride, int frac) {
        long half = 1L << (frac - 1);
        long w0 = weights[wb], w1 = weights[wb + 1], w2 = weights[wb + 2];
        long w3 = weights[wb + 3], w4 = weights[wb + 4], w5 = weights[wb + 5];
        long w6 = weights[wb + 6], w7 = weights[wb + 7], w8 = weights[wb + 8];
        for (int oy = 0; oy < ho; oy++) {
            int r0 = plane + oy * stride * wp;
            int r1 = r0 + wp;
            int r2 = r1 + wp;
            int a = accBase + oy * wo;
            for (int ox = 0, x = 0; ox < wo; ox++, x += stride) {
                acc[a + ox] += ((pad[r0 + x] * w0 + half) >> frac)
                        + ((pad[r0 + x + 1] * w1 + half) >> frac)
                        + ((pad[r0 + x + 2] * w2 + half) >> frac)
                        + ((pad[r1 + x] * w3 + half) >> frac)
                        + ((pad[r1 + x + 1] * w4 + half) >> frac)
                        + ((pad[r1 + x + 2] * w5 + half) >> frac)
                        + ((pad[r2 + x] * w6 + half) >> frac)
                        + ((pad[r2 + x + 1] * w7 + half) >> frac)
                        + ((pad[r2 + x + 2] * w8 + half) >> frac);
            }
        }
    }

    /** One input plane's 9 taps into {@code acc}, in int arithmetic (see {@link #fitsInt}). */
    private static void convPlaneInt(int[] acc, int accBase, int[] pad, int plane, int wp, int[] weights, int wb,
            int ho, int wo, int stride, int frac) {
        int half = 1 << (frac - 1);
        int w0 = weights[wb], w1 = weights[wb + 1], w2 = weights[wb + 2];
        int w3 = weights[wb + 3], w4 = weights[wb + 4], w5 = weights[wb + 5];
        int w6 = weights[wb + 6], w7 = weights[wb + 7], w8 = weights[wb + 8];
        for (int oy = 0; oy < ho; oy++) {
            int r0 = plane + oy * stride * wp;
            int r1 = r0 + wp;
            int r2 = r1 + wp;
            int a = accBase + oy * wo;
            for (int ox = 0, x = 0; ox < wo; ox++, x += stride) {
                acc[a + ox] += ((pad[r0 + x] * w0 + half) >> frac)
                        + ((pad[r0 + x + 1] * w1 + half) >> frac)
                        + ((pad[r0 + x + 2] * w2 + half) >> frac)
                        + ((pad[r1 + x] * w3 + half) >> frac)
                        + ((pad[r1 + x + 1] * w4 + half) >> frac)
                        + ((pad[r1 + x + 2] * w5 + half) >> frac)
                        + ((pad[r2 + x] * w6 + half) >> frac)
                        + ((pad[r2 + x + 1] * w7 + half) >> frac)
                        + ((pad[r2 + x + 2] * w8 + half) >> frac);
            }
        }
    }

    /** The map with a ring of zeros around each channel: {@code [c][h+2][w+2]}. */
    private static int[] padded(FixedMap in) {
        int h = in.height();
        int w = in.width();
        int wp = w + 2;
        int[] pad = new int[in.channels() * (h + 2) * wp];
        int[] src = in.data();
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (c * h + y) * w, pad, (c * (h + 2) + y + 1) * wp + 1, w);
            }
        }
        return pad;
    }

    /** The time plane is t inside the image, 0 in the padding: one rounded product per tap, into either sum. */
    private void timePlane(long[] acc, int[] accInt, int accBase, int[] weights, int wb, long time, int h, int w,
            int ho, int wo, int stride) {
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                long p = q.mulq(time, weights[wb + ky * 3 + kx]);
                for (int oy = 0; oy < ho; oy++) {
                    int iy = oy * stride + ky - 1;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int ox = 0; ox < wo; ox++) {
                        int ix = ox * stride + kx - 1;
                        if (ix >= 0 && ix < w) {
                            if (accInt != null) {
                                accInt[accBase + oy * wo + ox] += (int) p;
                            } else {
                                acc[accBase + oy * wo + ox] += p;
                            }
                        }
                    }
                }
            }
        }
    }

    /** relu: {@code max(v, 0)}. */
    public FixedMap relu(FixedMap in) {
        int[] out = in.data().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(out[i], 0);
        }
        return new FixedMap(in.channels(), in.height(), in.width(), out);
    }

    /** norm, mode folded: {@code y = sat(mulq(x, scale[c]) + shift[c])}. */
    public FixedMap normFolded(FixedMap in, int[] scale, int[] shift) {
        checkPerChannel(in, scale, shift);
        int n = in.pixels();
        int[] out = new int[in.data().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int i = c * n; i < (c + 1) * n; i++) {
                out[i] = (int) q.sat(q.mulq(in.data()[i], scale[c]) + shift[c]);
            }
        }
        return new FixedMap(in.channels(), in.height(), in.width(), out);
    }

    /** Per-channel statistics of the batch-stats norm, exposed for tests and the hardware's check. */
    public record ChannelStats(long mean, long var, long std, long inv, long scale) {
    }

    /** The batch-stats statistics of one channel's values (ARITHMETIC.md), before the output map. */
    public ChannelStats batchStats(int[] x, int from, int n, long gamma, long eps) {
        long sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += x[i];
        }
        long mean = meanN(sum, n);
        long sq = 0;
        for (int i = from; i < from + n; i++) {
            long d = q.sat(x[i] - mean);
            sq += QFormat.rnd(d * d, q.frac());
        }
        long var = meanN(sq, n);
        long std = FixedMath.isqrt((var + eps) << q.frac());
        long inv = q.sat((1L << (2 * q.frac())) / std);
        long scale = q.sat(q.mulq(inv, gamma));
        return new ChannelStats(mean, var, std, inv, scale);
    }

    /** norm, mode batch-stats: statistics of the feature map itself, then {@code sat(mulq(d, scale) + beta)}. */
    public FixedMap normBatchStats(FixedMap in, int[] gamma, int[] beta, long eps) {
        checkPerChannel(in, gamma, beta);
        int n = in.pixels();
        int[] x = in.data();
        int[] out = new int[x.length];
        for (int c = 0; c < in.channels(); c++) {
            ChannelStats s = batchStats(x, c * n, n, gamma[c], eps);
            for (int i = c * n; i < (c + 1) * n; i++) {
                long d = q.sat(x[i] - s.mean());
                out[i] = (int) q.sat(q.mulq(d, s.scale()) + beta[c]);
            }
        }
        return new FixedMap(in.channels(), in.height(), in.width(), out);
    }

    /** norm in either mode; {@code a, b} are gamma, beta (batch-stats) or scale, shift (folded). */
    public FixedMap norm(NormMode mode, FixedMap in, int[] a, int[] b, long eps) {
        return mode == NormMode.BATCH_STATS ? normBatchStats(in, a, b, eps) : normFolded(in, a, b);
    }

    /** One Euler update, {@code sat(z + mulq(h, f))}. */
    public FixedMap eulerUpdate(FixedMap z, long h, FixedMap f) {
        int[] out = new int[z.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) q.sat(z.data()[i] + q.mulq(h, f.data()[i]));
        }
        return new FixedMap(z.channels(), z.height(), z.width(), out);
    }

    /** Heun's update, {@code sat(z + mulq(h, rnd(k1 + k2, 1)))}; the sum {@code k1 + k2} exact (W+1 bits). */
    public FixedMap heunUpdate(FixedMap z, long h, FixedMap k1, FixedMap k2) {
        int[] out = new int[z.data().length];
        for (int i = 0; i < out.length; i++) {
            long avg = QFormat.rnd((long) k1.data()[i] + k2.data()[i], 1);
            out[i] = (int) q.sat(z.data()[i] + q.mulq(h, avg));
        }
        return new FixedMap(z.channels(), z.height(), z.width(), out);
    }

    /** RK4's update, {@code sat(z + mulq(h6, k1 + 2*k2 + 2*k3 + k4))}; the sum exact (W+3 bits). */
    public FixedMap rk4Update(FixedMap z, long h6, FixedMap k1, FixedMap k2, FixedMap k3, FixedMap k4) {
        int[] out = new int[z.data().length];
        for (int i = 0; i < out.length; i++) {
            long sum = (long) k1.data()[i] + 2L * k2.data()[i] + 2L * k3.data()[i] + k4.data()[i];
            out[i] = (int) q.sat(z.data()[i] + q.mulq(h6, sum));
        }
        return new FixedMap(z.channels(), z.height(), z.width(), out);
    }

    /** {@code sat(a + b)}, elementwise (the ResNet block's residual add). */
    public FixedMap addSat(FixedMap a, FixedMap b) {
        int[] out = new int[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) q.sat((long) a.data()[i] + b.data()[i]);
        }
        return new FixedMap(a.channels(), a.height(), a.width(), out);
    }

    /**
     * {@code mean_N(S) = floor(S / N)}, exact floor division (ARITHMETIC.md); for {@code N = 2^k} it is
     * {@code S >> k}, the hardware's shift, so the zoo's results are the same either way.
     */
    public static long meanN(long sum, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("mean over N = " + n + " values");
        }
        return Math.floorDiv(sum, (long) n);
    }

    /**
     * conv1x1 at {@code stride} (option B's shortcut): {@code sat(SUM over ci of mulq(x[ci][sy][sx], w[co][ci]))},
     * sampled at {@code (sy, sx) = (stride*y, stride*x)}, the output {@code ceil(H/stride) x ceil(W/stride)}.
     */
    public FixedMap conv1x1(FixedMap in, int[] weights, int cout, int stride) {
        int c = in.channels();
        if (weights.length != cout * c) {
            throw new IllegalArgumentException("conv1x1 " + c + "->" + cout + " needs " + cout * c + " weights, got "
                    + weights.length);
        }
        int h = in.height();
        int w = in.width();
        int ho = (h + stride - 1) / stride;
        int wo = (w + stride - 1) / stride;
        int[] out = new int[cout * ho * wo];
        for (int co = 0; co < cout; co++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < wo; x++) {
                    long acc = 0;
                    for (int ci = 0; ci < c; ci++) {
                        acc += q.mulq(in.data()[(ci * h + y * stride) * w + x * stride], weights[co * c + ci]);
                    }
                    out[(co * ho + y) * wo + x] = (int) q.sat(acc);
                }
            }
        }
        return new FixedMap(cout, ho, wo, out);
    }

    /** Global average pooling, {@code mean_N(SUM)}, one value per channel. */
    public int[] averagePool(FixedMap in) {
        int n = in.pixels();
        int[] out = new int[in.channels()];
        for (int c = 0; c < in.channels(); c++) {
            long sum = 0;
            for (int i = c * n; i < (c + 1) * n; i++) {
                sum += in.data()[i];
            }
            out[c] = (int) meanN(sum, n);
        }
        return out;
    }

    /** The classifier: {@code sat(SUM mulq(x_i, w[j][i]) + b[j])}. */
    public int[] linear(int[] x, int[] weights, int[] bias) {
        int outs = bias.length;
        if (weights.length != outs * x.length) {
            throw new IllegalArgumentException("linear " + x.length + "->" + outs + " needs "
                    + outs * x.length + " weights, got " + weights.length);
        }
        int[] out = new int[outs];
        for (int j = 0; j < outs; j++) {
            long acc = bias[j];
            for (int i = 0; i < x.length; i++) {
                acc += q.mulq(x[i], weights[j * x.length + i]);
            }
            out[j] = (int) q.sat(acc);
        }
        return out;
    }

    private static void checkPerChannel(FixedMap in, int[] a, int[] b) {
        if (a.length != in.channels() || b.length != in.channels()) {
            throw new IllegalArgumentException("norm over " + in.channels() + " channels needs "
                    + in.channels() + " values per vector, got " + a.length + " and " + b.length);
        }
    }
}
