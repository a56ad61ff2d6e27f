/**
 * What the tools ask of a simulator of the generated RTL ({@link org.odegen.rtl.BlockSimulator}),
 * apart from any simulator: the implementation, Verilator through SpinalSim, is {@code org.odegen.sim}.
 */
package org.odegen.rtl;
