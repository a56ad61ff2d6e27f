package org.odegen.hw

import spinal.core._
import spinal.core.sim._

/** SpinalHDL settings every generated file shares (INTERFACE.md): one clock `clk`, synchronous
  * active-low `resetn`, Verilog-2001, no dates or paths in the output. */
object HardwareConfig {
  val clockDomain: ClockDomainConfig =
    ClockDomainConfig(clockEdge = RISING, resetKind = SYNC, resetActiveLevel = LOW)

  def spinal(targetDirectory: String): SpinalConfig =
    SpinalConfig(
      mode = Verilog,
      targetDirectory = targetDirectory,
      defaultConfigForClockDomains = clockDomain,
      oneFilePerComponent = true,
      headerWithDate = false,
      headerWithRepoHash = false
    )

  /** Verilator's complaint about C++ words as port names (INTERFACE.md's `interrupt`), waived by
    * a lint_off comment in the emitted top. */
  val verilatorWaiver = "SYMRSVDWORD"

  /** SpinalSim under Verilator with these settings, building under `workspace` (cached by the RTL's hash). */
  def sim(workspace: String): SpinalSimConfig = SimConfig.withConfig(spinal(workspace)).workspacePath(workspace)

  /** The port that stands for INTERFACE.md's `interrupt` in SpinalSim builds (see OdeBlockTop). */
  val simInterruptPort = "interrupt_sim"

  /** The OdeBlockTop of `hw`, Verilated (or taken from the cache). */
  def compiledBlock(hw: OdeBlockHwConfig, workspace: String): SimCompiled[OdeBlockTop] =
    sim(workspace).compile(OdeBlockTop(hw, simInterruptPort))
}
