package org.odegen.dsl;

import org.odegen.model.OdeSolver;

/** The ODE solver that iterates the ODE function on chip (ARITHMETIC.md): Euler, Heun or RK4. */
public sealed interface Solver permits Solver.Euler, Solver.Heun, Solver.RK4 {

    /** The golden model's solver of the same formulas. */
    OdeSolver method();

    /** {@code z_(k+1) = sat(z_k + mulq(h, f(z_k, t_k)))}, {@code t_k = t0 + k*h} (ARITHMETIC.md). */
    record Euler() implements Solver {
        @Override
        public OdeSolver method() {
            return OdeSolver.EULER;
        }

        @Override
        public String toString() {
            return "euler";
        }
    }

    /** Heun's second-order method: two evaluations of f per step, {@code z + mulq(h, rnd(k1 + k2, 1))}. */
    record Heun() implements Solver {
        @Override
        public OdeSolver method() {
            return OdeSolver.HEUN;
        }

        @Override
        public String toString() {
            return "heun";
        }
    }

    /** The classic fourth-order Runge-Kutta: four evaluations per step, {@code z + mulq(h6, k1+2k2+2k3+k4)}. */
    record RK4() implements Solver {
        @Override
        public OdeSolver method() {
            return OdeSolver.RK4;
        }

        @Override
        public String toString() {
            return "rk4";
        }
    }

    Solver EULER = new Euler();
    Solver HEUN = new Heun();
    Solver RK4 = new RK4();

    /** The DSL's solver of a golden-model solver. */
    static Solver of(OdeSolver s) {
        return switch (s) {
            case EULER -> EULER;
            case HEUN -> HEUN;
            case RK4 -> RK4;
        };
    }

    /** {@code euler}, {@code heun} or {@code rk4}; anything else is refused with one message naming them. */
    static Solver parse(String text) {
        return of(OdeSolver.parse(text));
    }
}
