package org.odegen.dsl;

/** The ODE solver that iterates the ODE function on chip. */
public sealed interface Solver permits Solver.Euler {

    /** {@code z_(k+1) = sat(z_k + mulq(h, f(z_k, t_k)))}, {@code t_k = t0 + k*h} (ARITHMETIC.md). */
    record Euler() implements Solver {
        @Override
        public String toString() {
            return "euler";
        }
    }
}
