package org.odegen.sim

import org.odegen.model.{BlockConfig, OdeSolver}
import org.odegen.rtl.{BlockSimulator, RtlBlock, RtlExecutor}

import java.nio.file.Path

/** The BlockSimulator the tools find on the class path (META-INF/services): Verilator through SpinalSim. */
final class VerilatorSimulator extends BlockSimulator {
  override def open(block: BlockConfig, lanes: Int, solver: OdeSolver, workspace: Path, seed: Int): RtlBlock =
    VerilatedBlock.open(block, lanes, solver, workspace.toString, seed)

  override def executor(lanes: Int, workspace: Path): RtlExecutor = new RtlBlockExecutor(lanes, workspace.toString)
}
