package org.odegen.model;

import java.math.BigInteger;
import org.odegen.fixed.QFormat;

/**
 * A second, deliberately naive implementation of ARITHMETIC.md in BigInteger, written straight
 * from the formulas, so that the fast golden model is checked against something other than itself.
 */
final class Reference {
    private final QFormat q;

    Reference(QFormat q) {
        this.q = q;
    }

    BigInteger sat(BigInteger v) {
        BigInteger lo = BigInteger.valueOf(q.min());
        BigInteger hi = BigInteger.valueOf(q.max());
        return v.compareTo(lo) < 0 ? lo : v.compareTo(hi) > 0 ? hi : v;
    }

    static BigInteger rnd(BigInteger v, int s) {
        return v.add(BigInteger.ONE.shiftLeft(s - 1)).shiftRight(s);
    }

    BigInteger mulq(long a, long b) {
        return rnd(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)), q.frac());
    }

    /** conv3x3 with an optional time plane, by the definition: padded input, every tap. */
    int[] conv(int[] in, int c, int h, int w, int[] weights, int cout, Long t) {
        int cin = c + (t != null ? 1 : 0);
        int[] out = new int[cout * h * w];
        for (int co = 0; co < cout; co++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    BigInteger sum = BigInteger.ZERO;
                    for (int ci = 0; ci < cin; ci++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y + ky - 1;
                                int ix = x + kx - 1;
                                long v;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    v = 0;
                                } else if (t != null && ci == 0) {
                                    v = t;
                                } else {
                                    v = in[((ci - (t != null ? 1 : 0)) * h + iy) * w + ix];
                                }
                                sum = sum.add(mulq(v, weights[((co * cin + ci) * 3 + ky) * 3 + kx]));
                            }
                        }
                    }
                    out[(co * h + y) * w + x] = sat(sum).intValueExact();
                }
            }
        }
        return out;
    }

    int[] normBatchStats(int[] x, int c, int n, int[] gamma, int[] beta, long eps) {
        int k = Integer.numberOfTrailingZeros(n);
        int[] out = new int[x.length];
        int f = q.frac();
        for (int ch = 0; ch < c; ch++) {
            BigInteger sum = BigInteger.ZERO;
            for (int i = 0; i < n; i++) {
                sum = sum.add(BigInteger.valueOf(x[ch * n + i]));
            }
            BigInteger mean = sum.shiftRight(k);
            BigInteger sq = BigInteger.ZERO;
            for (int i = 0; i < n; i++) {
                BigInteger d = sat(BigInteger.valueOf(x[ch * n + i]).subtract(mean));
                sq = sq.add(rnd(d.multiply(d), f));
            }
            BigInteger var = sq.shiftRight(k);
            BigInteger std = var.add(BigInteger.valueOf(eps)).shiftLeft(f).sqrt();
            BigInteger inv = sat(BigInteger.ONE.shiftLeft(2 * f).divide(std));
            BigInteger scale = sat(rnd(inv.multiply(BigInteger.valueOf(gamma[ch])), f));
            for (int i = 0; i < n; i++) {
                BigInteger d = sat(BigInteger.valueOf(x[ch * n + i]).subtract(mean));
                out[ch * n + i] = sat(rnd(d.multiply(scale), f).add(BigInteger.valueOf(beta[ch]))).intValueExact();
            }
        }
        return out;
    }

    int[] normFolded(int[] x, int c, int n, int[] scale, int[] shift) {
        int[] out = new int[x.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < n; i++) {
                out[ch * n + i] = sat(mulq(x[ch * n + i], scale[ch]).add(BigInteger.valueOf(shift[ch]))).intValueExact();
            }
        }
        return out;
    }

    /** The ODE function f(z, t), by the definitions. */
    int[] f(BlockConfig cfg, BlockParams p, int[] z, long t) {
        int c = cfg.channels();
        int n = cfg.height() * cfg.width();
        Long time = cfg.timeChannel() ? t : null;
        int[] a = conv(z, c, cfg.height(), cfg.width(), p.conv1(), c, time);
        a = norm(cfg, a, n, p.norm1A(), p.norm1B());
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(0, a[i]);
        }
        a = conv(a, c, cfg.height(), cfg.width(), p.conv2(), c, time);
        return norm(cfg, a, n, p.norm2A(), p.norm2B());
    }

    /** {@code sat(z + mulq(c, k))} for each word, k exact (any width). */
    int[] update(int[] z, long c, BigInteger[] k) {
        int[] out = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            BigInteger prod = rnd(BigInteger.valueOf(c).multiply(k[i]), q.frac());
            out[i] = sat(BigInteger.valueOf(z[i]).add(prod)).intValueExact();
        }
        return out;
    }

    static BigInteger[] big(int[] v) {
        BigInteger[] out = new BigInteger[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = BigInteger.valueOf(v[i]);
        }
        return out;
    }

    /**
     * A block run with Heun or RK4 (or Euler), written from ARITHMETIC.md's formulas: h2 = h >> 1
     * (floor), h6 = (h + 3) / 6 truncating for h >= 0 and -((-h + 3) / 6) for h < 0, the sums exact.
     */
    int[] run(BlockConfig cfg, BlockParams p, int[] z0, int steps, long h, long t0, OdeSolver solver) {
        BigInteger bh = BigInteger.valueOf(h);
        long h2 = bh.shiftRight(1).longValueExact();
        BigInteger three = BigInteger.valueOf(3);
        BigInteger six = BigInteger.valueOf(6);
        long h6 = h >= 0 ? bh.add(three).divide(six).longValueExact()
                : bh.negate().add(three).divide(six).negate().longValueExact();
        int[] z = z0.clone();
        for (int k = 0; k < steps; k++) {
            long t = t0 + k * h;
            int[] k1 = f(cfg, p, z, t);
            switch (solver) {
                case EULER -> z = update(z, h, big(k1));
                case HEUN -> {
                    int[] k2 = f(cfg, p, update(z, h, big(k1)), t + h);
                    BigInteger[] avg = new BigInteger[z.length];
                    for (int i = 0; i < z.length; i++) {
                        avg[i] = rnd(BigInteger.valueOf(k1[i]).add(BigInteger.valueOf(k2[i])), 1);
                    }
                    z = update(z, h, avg);
                }
                case RK4 -> {
                    int[] k2 = f(cfg, p, update(z, h2, big(k1)), t + h2);
                    int[] k3 = f(cfg, p, update(z, h2, big(k2)), t + h2);
                    int[] k4 = f(cfg, p, update(z, h, big(k3)), t + h);
                    BigInteger[] sum = new BigInteger[z.length];
                    BigInteger two = BigInteger.TWO;
                    for (int i = 0; i < z.length; i++) {
                        sum[i] = BigInteger.valueOf(k1[i]).add(two.multiply(BigInteger.valueOf(k2[i])))
                                .add(two.multiply(BigInteger.valueOf(k3[i]))).add(BigInteger.valueOf(k4[i]));
                    }
                    z = update(z, h6, sum);
                }
                default -> throw new IllegalStateException(solver.id());
            }
        }
        return z;
    }

    /** The whole block run, by the definitions. */
    int[] run(BlockConfig cfg, BlockParams p, int[] z0, int steps, long h, long t0) {
        int c = cfg.channels();
        int hh = cfg.height();
        int ww = cfg.width();
        int n = hh * ww;
        int[] z = z0.clone();
        for (int k = 0; k < steps; k++) {
            Long t = cfg.timeChannel() ? t0 + k * h : null;
            int[] a = conv(z, c, hh, ww, p.conv1(), c, t);
            a = norm(cfg, a, n, p.norm1A(), p.norm1B());
            for (int i = 0; i < a.length; i++) {
                a[i] = Math.max(0, a[i]);
            }
            a = conv(a, c, hh, ww, p.conv2(), c, t);
            a = norm(cfg, a, n, p.norm2A(), p.norm2B());
            for (int i = 0; i < z.length; i++) {
                z[i] = sat(BigInteger.valueOf(z[i]).add(mulq(h, a[i]))).intValueExact();
            }
        }
        return z;
    }

    private int[] norm(BlockConfig cfg, int[] a, int n, int[] pa, int[] pb) {
        return cfg.norm() == NormMode.BATCH_STATS
                ? normBatchStats(a, cfg.channels(), n, pa, pb, cfg.eps())
                : normFolded(a, cfg.channels(), n, pa, pb);
    }
}
