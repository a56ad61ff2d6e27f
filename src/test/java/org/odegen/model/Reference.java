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
