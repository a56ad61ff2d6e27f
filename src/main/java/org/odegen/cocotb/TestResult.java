package org.odegen.cocotb;

/**
 * One {@code @cocotb.test()} as it ran: its outcome, the simulated time and clock cycles, the wall
 * time, and how many times the Verilated model was evaluated.
 */
public record TestResult(String name, boolean passed, String message, long simTimePs, long cycles,
        double wallSeconds, long evaluations) {

    /** Simulated clock cycles per wall-clock second, through the bridge. */
    public double cyclesPerSecond() {
        return wallSeconds > 0 ? cycles / wallSeconds : 0;
    }
}
