package org.odegen.rtl;

import org.odegen.net.Network;

/**
 * Runs a network's ODEBlocks on the generated RTL instead of the golden model (the whole-network
 * co-simulation): each call loads the block's parameters, sets M, h and t0, and streams z_0 in and z_M
 * out, as the PS and its DMA would.
 */
public interface RtlExecutor extends Network.BlockExecutor {
    /** The CYCLES register of every block run so far, added up. */
    long cycles();
}
