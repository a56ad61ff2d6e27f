package org.odegen.sim

import org.odegen.hw.{HardwareConfig, NetworkEngine, NetworkHwConfig, OdeBlockHwConfig, OdeBlockTop}
import spinal.core.sim._

/** The SpinalSim builds under Verilator: the hardware's own settings (HardwareConfig), built under a
  * workspace where SpinalSim caches each build by the RTL's hash. */
object SimBuild {
  /** SpinalSim under Verilator with HardwareConfig's settings, building under `workspace`. */
  def config(workspace: String): SpinalSimConfig =
    SimConfig.withConfig(HardwareConfig.spinal(workspace)).workspacePath(workspace)

  /** The port that stands for INTERFACE.md's `interrupt` in SpinalSim builds (see OdeBlockTop). */
  val interruptPort = "interrupt_sim"

  /** The OdeBlockTop of `hw`, Verilated (or taken from the cache); its sequencer's `phase` is readable, for a
    * trace of the schedule. */
  def block(hw: OdeBlockHwConfig, workspace: String): SimCompiled[OdeBlockTop] =
    config(workspace).compile { val b = OdeBlockTop(hw, interruptPort); b.phase.simPublic(); b }

  /** The network engine of `cfg`, Verilated (or taken from the cache); its sequencer's `phase` is readable,
    * for a trace of the schedule. */
  def engine(cfg: NetworkHwConfig, workspace: String): SimCompiled[NetworkEngine] =
    config(workspace).compile { val e = NetworkEngine(cfg, interruptPort); e.phase.simPublic(); e }
}
