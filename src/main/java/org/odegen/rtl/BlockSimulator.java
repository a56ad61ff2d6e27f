package org.odegen.rtl;

import java.nio.file.Path;
import java.util.ServiceLoader;
import org.odegen.model.BlockConfig;
import org.odegen.model.OdeSolver;

/**
 * A simulator of the generated ODEBlock, as the tools (the CLI, the cocotb runner, the co-simulation)
 * see it: it builds the block's RTL and hands out the block by port name or as an executor of the
 * network's ODEBlocks. The tools name only this interface; the implementation (Verilator through
 * SpinalSim, package {@code org.odegen.sim}) is found at run time, so that they do not depend on it.
 */
public interface BlockSimulator {
    /**
     * Builds (or takes from the cache under {@code workspace}, keyed by the RTL's hash) the block of
     * {@code block} with {@code lanes} lanes and {@code solver} on chip, and opens one instance of it.
     */
    RtlBlock open(BlockConfig block, int lanes, OdeSolver solver, Path workspace, int seed);

    /** Runs ODEBlocks on their RTL with {@code lanes} lanes, each block built (once) under {@code workspace}. */
    RtlExecutor executor(int lanes, Path workspace);

    /** The simulator on the class path (Verilator), named in {@code META-INF/services}. */
    static BlockSimulator verilator() {
        return ServiceLoader.load(BlockSimulator.class, BlockSimulator.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + BlockSimulator.class.getName()
                        + " on the class path (META-INF/services)"));
    }
}
