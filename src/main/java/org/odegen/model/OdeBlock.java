package org.odegen.model;

/**
 * The golden model of one hardware ODEBlock, bit-exact to ARITHMETIC.md: the ODE function
 * {@code f(z, t) = norm2(conv2(relu(norm1(conv1([t, z])))))} iterated by its ODE solver (Euler, Heun
 * or RK4). This is what the generated Verilog must reproduce word for word.
 */
public final class OdeBlock {
    private final BlockConfig cfg;
    private final BlockParams params;
    private final FixedOps ops;
    private final OdeSolver solver;

    /** The block with the paper's Euler solver. */
    public OdeBlock(BlockConfig cfg, BlockParams params) {
        this(cfg, params, OdeSolver.EULER);
    }

    public OdeBlock(BlockConfig cfg, BlockParams params, OdeSolver solver) {
        if (solver == null) {
            throw new IllegalArgumentException("the solver is missing; valid: " + OdeSolver.validNames());
        }
        this.cfg = cfg;
        this.params = params.validate(cfg);
        this.ops = new FixedOps(cfg.format());
        this.solver = solver;
    }

    public OdeSolver solver() {
        return solver;
    }

    /** The same block and parameters run by another solver. */
    public OdeBlock withSolver(OdeSolver s) {
        return s == solver ? this : new OdeBlock(cfg, params, s);
    }

    public BlockConfig config() {
        return cfg;
    }

    public BlockParams params() {
        return params;
    }

    /** The ODE function: the paper's five steps conv, norm, ReLU, conv, norm. */
    public FixedMap f(FixedMap z, long t) {
        checkShape(z);
        Long time = cfg.timeChannel() ? t : null;
        FixedMap a = ops.conv3x3(z, params.conv1(), cfg.channels(), 1, time);
        a = ops.norm(cfg.norm(), a, params.norm1A(), params.norm1B(), cfg.eps());
        a = ops.relu(a);
        a = ops.conv3x3(a, params.conv2(), cfg.channels(), 1, time);
        return ops.norm(cfg.norm(), a, params.norm2A(), params.norm2B(), cfg.eps());
    }

    /** One Euler step: {@code z + mulq(h, f(z, t))}, saturated. */
    public FixedMap eulerStep(FixedMap z, long h, long t) {
        return ops.eulerUpdate(z, h, f(z, t));
    }

    /**
     * One step of this block's solver from {@code z_k} at {@code t_k} (ARITHMETIC.md): Euler
     * {@code sat(z + mulq(h, k1))}; Heun {@code sat(z + mulq(h, rnd(k1 + k2, 1)))}; RK4
     * {@code sat(z + mulq(h6, k1 + 2*k2 + 2*k3 + k4))}. Every stage input is {@code sat(z + mulq(c, k))}.
     */
    public FixedMap step(FixedMap z, long h, long t) {
        switch (solver) {
            case EULER:
                return eulerStep(z, h, t);
            case HEUN: {
                FixedMap k1 = f(z, t);
                FixedMap k2 = f(ops.eulerUpdate(z, h, k1), t + h);
                return ops.heunUpdate(z, h, k1, k2);
            }
            case RK4: {
                long h2 = OdeSolver.half(h);
                FixedMap k1 = f(z, t);
                FixedMap k2 = f(ops.eulerUpdate(z, h2, k1), t + h2);
                FixedMap k3 = f(ops.eulerUpdate(z, h2, k2), t + h2);
                FixedMap k4 = f(ops.eulerUpdate(z, h, k3), t + h);
                return ops.rk4Update(z, OdeSolver.sixth(h), k1, k2, k3, k4);
            }
            default:
                throw new IllegalStateException(solver.id());
        }
    }

    /**
     * One block run: {@code M} steps of the block's solver from {@code z_0}, {@code t_k = t0 + k*h} exact.
     *
     * @throws IllegalArgumentException if {@code M < 1}, h or t0 is not a W-bit value, or a {@code t_k}
     *                                  or a stage time ({@code t_k + h2}, {@code t_k + h}) leaves the W-bit range
     *                                  (the hardware's time plane is a W-bit word)
     */
    public FixedMap run(FixedMap z0, int steps, long h, long t0) {
        return run(z0, steps, h, t0, null);
    }

    /** Observes each intermediate {@code z_k}, k = 1..M, for test benches that compare per step. */
    public interface StepListener {
        void afterStep(int k, FixedMap z);
    }

    public FixedMap run(FixedMap z0, int steps, long h, long t0, StepListener listener) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps M = " + steps + " must be at least 1");
        }
        var q = cfg.format();
        if (!q.fits(h) || !q.fits(t0)) {
            throw new IllegalArgumentException("h = " + h + " and t0 = " + t0 + " must be raw " + q + " values");
        }
        FixedMap z = z0;
        for (int k = 0; k < steps; k++) {
            long t = t0 + k * h;
            if (!q.fits(t)) {
                throw new IllegalArgumentException("t_" + k + " = t0 + " + k + "*h = " + t + " leaves the " + q
                        + " range; the time plane is a W-bit word");
            }
            checkStageTimes(k, t, h);
            z = step(z, h, t);
            if (listener != null) {
                listener.afterStep(k + 1, z);
            }
        }
        return z;
    }

    /** The stage times of Heun ({@code t_k + h}) and RK4 ({@code t_k + h2}, {@code t_k + h}) are W-bit words too. */
    private void checkStageTimes(int k, long t, long h) {
        var q = cfg.format();
        long[] times = switch (solver) {
            case EULER -> new long[0];
            case HEUN -> new long[] {t + h};
            case RK4 -> new long[] {t + OdeSolver.half(h), t + h};
        };
        for (long ts : times) {
            if (!q.fits(ts)) {
                throw new IllegalArgumentException("a stage time of step " + k + " of " + solver + ", " + ts
                        + ", leaves the " + q + " range; the time plane is a W-bit word");
            }
        }
    }

    /** The default step size {@code quantize(1/M)}: integration over [0, 1]. */
    public static long defaultStepSize(BlockConfig cfg, int steps) {
        return cfg.format().quantize(1.0 / steps);
    }

    private void checkShape(FixedMap z) {
        if (z.channels() != cfg.channels() || z.height() != cfg.height() || z.width() != cfg.width()) {
            throw new IllegalArgumentException("block " + cfg.name() + " takes " + cfg.channels() + "x"
                    + cfg.height() + "x" + cfg.width() + " feature maps, got " + z.channels() + "x"
                    + z.height() + "x" + z.width());
        }
    }
}
