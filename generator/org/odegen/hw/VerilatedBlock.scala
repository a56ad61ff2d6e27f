package org.odegen.hw

import org.odegen.model.BlockConfig
import spinal.core.sim._

import scala.collection.mutable.ArrayBuffer

/** The Verilated ODEBlock held open for a test bench that runs its own scheduler (the Python test
  * benches of `org.odegen.cocotb`): the top's ports by their Verilog names, read and written as
  * longs over SpinalSim's JNI door to Verilator, with no SpinalSim threads in between.
  *
  * Writes are buffered in the model's inputs; the model is evaluated once, lazily, before the next
  * read, so a burst of writes costs one `eval`. */
final class VerilatedBlock private (compiled: SimCompiled[OdeBlockTop], name: String, seed: Int) {
  private val raw = compiled.newSimRaw(name, seed)
  private val signals = raw.userData.asInstanceOf[ArrayBuffer[spinal.sim.Signal]]
  private val ports = compiled.dut.getAllIo.toArray.sortBy(portName)
  private val portSignals = ports.map(bt => signals(bt.algoInt))
  private val masks = ports.map(bt => if (bt.getBitsWidth >= 64) -1L else (1L << bt.getBitsWidth) - 1)
  private var dirty = true
  private var time = 0L
  private var evals = 0L

  /** INTERFACE.md's name of a port (the SpinalSim build renames `interrupt`, see OdeBlockTop). */
  private def portName(bt: spinal.core.BaseType): String =
    if (bt.getName() == HardwareConfig.simInterruptPort) "interrupt" else bt.getName()

  /** The top module's name (INTERFACE.md: `manifest.json`'s `top`). */
  def top(): String = compiled.dut.definitionName

  /** The ports, sorted by name. */
  def portNames(): Array[String] = ports.map(portName)

  /** The index of port `port`, for `get` and `set`; an error naming the ports if there is none. */
  def handle(port: String): Int = {
    val i = ports.indexWhere(portName(_) == port)
    if (i < 0) throw new IllegalArgumentException(s"no port '$port' on ${top()}; ports: ${portNames().mkString(", ")}")
    i
  }

  def width(handle: Int): Int = ports(handle).getBitsWidth

  def isInput(handle: Int): Boolean = ports(handle).isInput

  /** The port's value (unsigned, its width), after evaluating the model if anything was written. */
  def get(handle: Int): Long = {
    settle()
    raw.getLong(portSignals(handle))
  }

  /** Drives an input port; the value is cut to the port's width. */
  def set(handle: Int, value: Long): Unit = {
    if (!ports(handle).isInput) throw new IllegalArgumentException(s"${portName(ports(handle))} is an output of ${top()}")
    raw.setLong(portSignals(handle), value & masks(handle))
    dirty = true
  }

  /** Evaluates the model if an input changed since the last evaluation. */
  def settle(): Unit = if (dirty) {
    raw.eval()
    evals += 1
    dirty = false
  }

  /** Moves simulated time forward to `t` (in the model's time precision); time never goes back. */
  def advanceTo(t: Long): Unit = if (t > time) {
    raw.sleep(t - time)
    time = t
  }

  def now(): Long = time

  /** How many times the model was evaluated (the bridge's cost, for the speed report). */
  def evaluations(): Long = evals

  def close(): Unit = raw.end()
}

object VerilatedBlock {
  /** Builds (or takes from SpinalSim's cache under `workspace`, keyed by the RTL's hash) the block
    * of `block` with `lanes` lanes and opens one instance of it. */
  def open(block: BlockConfig, lanes: Int, workspace: String, seed: Int): VerilatedBlock = {
    val hw = OdeBlockHwConfig.of(block, lanes)
    val compiled = HardwareConfig.compiledBlock(hw, workspace)
    new VerilatedBlock(compiled, "cocotb", seed)
  }
}
