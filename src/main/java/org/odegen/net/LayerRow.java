package org.odegen.net;

/**
 * One row of a network's layer table (PAPER.md Table 4): a stage, what its blocks are, how many
 * instances it stacks and how many times each instance executes (Euler steps for an ODEBlock).
 */
public record LayerRow(Stage stage, BlockKind kind, int instances, int executions) {

    /** Trainable parameters of one instance (4-byte words). */
    public long paramsPerInstance() {
        int cin = stage.inChannels();
        int c = stage.outChannels();
        return switch (kind) {
            case STEM -> (long) c * cin * 9 + 2L * c;
            case RESNET -> (long) c * cin * 9 + (long) c * c * 9 + 4L * c;
            case ODE -> 2L * c * (c + 1) * 9 + 4L * c;
            case CLASSIFIER -> (long) cin * c + c;
        };
    }

    public long params() {
        return instances * paramsPerInstance();
    }

    /** Parameter size in kB as the paper counts it: 4 bytes a parameter, 1 kB = 1000 B. */
    public double kilobytes() {
        return params() * 4 / 1000.0;
    }

    /** Block executions of the row in one forward pass. */
    public int totalExecutions() {
        return instances * executions;
    }
}
