package org.odegen.hw

import spinal.core._

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
}
