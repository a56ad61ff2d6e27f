package org.odegen.model;

/**
 * The float (double) twin of {@link FixedOps}: the same primitives in real arithmetic, for measuring
 * what fixed point costs in accuracy.
 */
public final class FloatOps {
    private FloatOps() {
    }

    /** conv3x3, zero padding 1, no bias; {@code time} is the time plane's value or {@code null}. */
    public static FloatMap conv3x3(FloatMap in, double[] weights, int cout, int stride, Double time) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int cinTotal = c + (time != null ? 1 : 0);
        if (weights.length != cout * cinTotal * 9) {
            throw new IllegalArgumentException("conv3x3 " + cinTotal + "->" + cout + " needs "
                    + cout * cinTotal * 9 + " weights, got " + weights.length);
        }
        int ho = (h + stride - 1) / stride;
        int wo = (w + stride - 1) / stride;
        double[] acc = new double[cout * ho * wo];
        double[] src = in.data();
        for (int co = 0; co < cout; co++) {
            int accBase = co * ho * wo;
            for (int ci = 0; ci < cinTotal; ci++) {
                boolean timePlane = time != null && ci == 0;
                int srcBase = (timePlane ? 0 : ci - (time != null ? 1 : 0)) * h * w;
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        double wv = weights[((co * cinTotal + ci) * 3 + ky) * 3 + kx];
                        for (int oy = 0; oy < ho; oy++) {
                            int iy = oy * stride + ky - 1;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int ox = 0; ox < wo; ox++) {
                                int ix = ox * stride + kx - 1;
                                if (ix >= 0 && ix < w) {
                                    double v = timePlane ? time : src[srcBase + iy * w + ix];
                                    acc[accBase + oy * wo + ox] += v * wv;
                                }
                            }
                        }
                    }
                }
            }
        }
        return new FloatMap(cout, ho, wo, acc);
    }

    /** conv1x1 at {@code stride}, sampled at {@code (stride*y, stride*x)}: option B's shortcut. */
    public static FloatMap conv1x1(FloatMap in, double[] weights, int cout, int stride) {
        int c = in.channels();
        int h = in.height();
        int w = in.width();
        int ho = (h + stride - 1) / stride;
        int wo = (w + stride - 1) / stride;
        double[] out = new double[cout * ho * wo];
        for (int co = 0; co < cout; co++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < wo; x++) {
                    double acc = 0;
                    for (int ci = 0; ci < c; ci++) {
                        acc += in.data()[(ci * h + y * stride) * w + x * stride] * weights[co * c + ci];
                    }
                    out[(co * ho + y) * wo + x] = acc;
                }
            }
        }
        return new FloatMap(cout, ho, wo, out);
    }

    public static FloatMap relu(FloatMap in) {
        double[] out = in.data().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(out[i], 0.0);
        }
        return new FloatMap(in.channels(), in.height(), in.width(), out);
    }

    /** {@code y = x * scale[c] + shift[c]}. */
    public static FloatMap normFolded(FloatMap in, double[] scale, double[] shift) {
        int n = in.pixels();
        double[] out = new double[in.data().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int i = c * n; i < (c + 1) * n; i++) {
                out[i] = in.data()[i] * scale[c] + shift[c];
            }
        }
        return new FloatMap(in.channels(), in.height(), in.width(), out);
    }

    /** Statistics of the feature map itself: {@code gamma * (x - mean) / sqrt(var + eps) + beta}. */
    public static FloatMap normBatchStats(FloatMap in, double[] gamma, double[] beta, double eps) {
        int n = in.pixels();
        double[] x = in.data();
        double[] out = new double[x.length];
        for (int c = 0; c < in.channels(); c++) {
            double mean = 0;
            for (int i = c * n; i < (c + 1) * n; i++) {
                mean += x[i];
            }
            mean /= n;
            double var = 0;
            for (int i = c * n; i < (c + 1) * n; i++) {
                var += (x[i] - mean) * (x[i] - mean);
            }
            var /= n;
            double scale = gamma[c] / Math.sqrt(var + eps);
            for (int i = c * n; i < (c + 1) * n; i++) {
                out[i] = (x[i] - mean) * scale + beta[c];
            }
        }
        return new FloatMap(in.channels(), in.height(), in.width(), out);
    }

    public static FloatMap norm(NormMode mode, FloatMap in, double[] a, double[] b, double eps) {
        return mode == NormMode.BATCH_STATS ? normBatchStats(in, a, b, eps) : normFolded(in, a, b);
    }

    /** {@code a + s * b}, elementwise. */
    public static FloatMap axpy(FloatMap a, double s, FloatMap b) {
        double[] out = new double[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.data()[i] + s * b.data()[i];
        }
        return new FloatMap(a.channels(), a.height(), a.width(), out);
    }

    /**
     * The float twin of a block run: {@code steps} steps of {@code solver} over {@code f(z, t)} from
     * {@code z0}, {@code t_k = t0 + k*h}; ARITHMETIC.md's formulas in double ({@code h/2}, {@code h/6},
     * {@code (k1+k2)/2}).
     */
    public static FloatMap solve(OdeSolver solver, FloatMap z0, int steps, double h, double t0,
                                 java.util.function.BiFunction<FloatMap, Double, FloatMap> f) {
        FloatMap z = z0;
        for (int k = 0; k < steps; k++) {
            double t = t0 + k * h;
            switch (solver) {
                case EULER -> z = axpy(z, h, f.apply(z, t));
                case HEUN -> {
                    FloatMap k1 = f.apply(z, t);
                    FloatMap k2 = f.apply(axpy(z, h, k1), t + h);
                    z = axpy(z, h / 2, axpy(k1, 1.0, k2));
                }
                case RK4 -> {
                    FloatMap k1 = f.apply(z, t);
                    FloatMap k2 = f.apply(axpy(z, h / 2, k1), t + h / 2);
                    FloatMap k3 = f.apply(axpy(z, h / 2, k2), t + h / 2);
                    FloatMap k4 = f.apply(axpy(z, h, k3), t + h);
                    FloatMap sum = axpy(axpy(axpy(k1, 2.0, k2), 2.0, k3), 1.0, k4);
                    z = axpy(z, h / 6, sum);
                }
                default -> throw new IllegalStateException(solver.id());
            }
        }
        return z;
    }

    public static double[] averagePool(FloatMap in) {
        int n = in.pixels();
        double[] out = new double[in.channels()];
        for (int c = 0; c < in.channels(); c++) {
            double sum = 0;
            for (int i = c * n; i < (c + 1) * n; i++) {
                sum += in.data()[i];
            }
            out[c] = sum / n;
        }
        return out;
    }

    public static double[] linear(double[] x, double[] weights, double[] bias) {
        double[] out = new double[bias.length];
        for (int j = 0; j < out.length; j++) {
            double acc = bias[j];
            for (int i = 0; i < x.length; i++) {
                acc += x[i] * weights[j * x.length + i];
            }
            out[j] = acc;
        }
        return out;
    }
}
