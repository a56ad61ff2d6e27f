package org.odegen.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The ODE solver that iterates the ODE function over one block run (ARITHMETIC.md): Euler (the
 * paper's), Heun (second order) or the classic fourth-order Runge-Kutta. A model must be run with
 * the solver it was trained with.
 */
public enum OdeSolver {
    /** {@code z + mulq(h, f(z, t))}: one evaluation of f per step. */
    EULER("euler", "Euler", 0, 1),
    /** {@code z + mulq(h, rnd(k1 + k2, 1))}: two evaluations per step. */
    HEUN("heun", "Heun", 1, 2),
    /** {@code z + mulq(h6, k1 + 2*k2 + 2*k3 + k4)}: four evaluations per step. */
    RK4("rk4", "RK4", 2, 4);

    private final String id;
    private final String title;
    private final int code;
    private final int evaluations;

    OdeSolver(String id, String title, int code, int evaluations) {
        this.id = id;
        this.title = title;
        this.code = code;
        this.evaluations = evaluations;
    }

    /**
     * The name used by the DSL, the command line, manifest.json and ARITHMETIC.md. This enum is the one solver
     * type: the DSL's designs, the golden model, the command line's options and the hardware configurations all
     * carry it.
     */
    public String id() {
        return id;
    }

    /** The method's own name, as prose and report.md write it: Euler, Heun, RK4. */
    public String title() {
        return title;
    }

    /** The value of the WIDTH register's bits [9:8] (INTERFACE.md). */
    public int code() {
        return code;
    }

    /** Evaluations of the ODE function per step, s. */
    public int evaluations() {
        return evaluations;
    }

    /** One of {@code euler, heun, rk4}; anything else is refused with the valid choices. */
    public static OdeSolver parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (OdeSolver s : values()) {
            if (s.id.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("solver '" + text + "' is not valid; valid: " + validNames());
    }

    public static String validNames() {
        return Arrays.stream(values()).map(OdeSolver::id).collect(Collectors.joining(", "));
    }

    /** {@code h2 = h >> 1}, the half step of RK4. */
    public static long half(long h) {
        return h >> 1;
    }

    /** {@code h6 = (h + 3) / 6} for h >= 0 and {@code -((-h + 3) / 6)} for h < 0: RK4's sixth of a step. */
    public static long sixth(long h) {
        return h >= 0 ? (h + 3) / 6 : -((-h + 3) / 6);
    }

    @Override
    public String toString() {
        return id;
    }
}
