package org.odegen.rtl;

/**
 * The generated ODEBlock held open in a simulator for a test bench that runs its own scheduler (the
 * Python test benches of {@code org.odegen.cocotb}): the top's ports by their Verilog names, read and
 * written as longs, with free-running clocks and watched ports so that the scheduler wakes up only
 * when something it waits for happens.
 */
public interface RtlBlock extends AutoCloseable {
    /** Edge kinds for {@link #watch} and {@link #edges}: bit 0 rising, bit 0 falling, any change. */
    int RISE = 1;
    int FALL = 2;
    int CHANGE = 4;

    /** The top module's name (INTERFACE.md: {@code manifest.json}'s {@code top}). */
    String top();

    /** The ports, sorted by name. */
    String[] portNames();

    /** The index of port {@code port}, for {@link #get} and {@link #set}; an error naming the ports if none. */
    int handle(String port);

    int width(int handle);

    boolean isInput(int handle);

    /** The port's value (unsigned, its width), after evaluating the model if anything was written. */
    long get(int handle);

    /** Drives an input port; the value is cut to the port's width. */
    void set(int handle, long value);

    /** Evaluates the model if an input changed since the last evaluation. */
    void settle();

    /**
     * Starts a clock on input {@code handle} at the current time: {@code startHigh} first, then toggling
     * after {@code high} and {@code low} time units. Returns its id for {@link #stopClock}.
     */
    int startClock(int handle, long high, long low, boolean startHigh);

    void stopClock(int id);

    void stopClocks();

    int runningClocks();

    /**
     * The time of the next rising (or falling) edge that a running clock on {@code handle} will make,
     * and its period, as a pair; null when no clock drives the port.
     */
    long[] nextEdge(int handle, boolean rising);

    /** Rising edges made by the clocks so far (the simulated cycles). */
    long clockRises();

    /** Watches port {@code handle} for the edges in {@code mask} (0 stops watching). */
    void watch(int handle, int mask);

    void unwatchAll();

    /** The watched ports' edges since the last call that a waiter wants, as pairs (port, edges) flattened. */
    int[] edges();

    /**
     * Runs the clocks' edges up to time {@code limit}, inclusive, and stops after the first one at which
     * a watched port has a wanted edge: true then, false when the next clock edge lies beyond {@code limit}.
     */
    boolean runClocks(long limit);

    /** Moves simulated time forward to {@code t}; time never goes back. */
    void advanceTo(long t);

    long now();

    /** How many times the model was evaluated (the bridge's cost, for the speed report). */
    long evaluations();

    @Override
    void close();
}
