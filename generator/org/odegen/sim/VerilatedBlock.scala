package org.odegen.sim

import org.odegen.hw.{OdeBlockHwConfig, OdeBlockTop}
import org.odegen.model.BlockConfig
import org.odegen.rtl.RtlBlock
import spinal.core.sim._

import scala.collection.mutable.ArrayBuffer

/** The Verilated ODEBlock held open for a test bench that runs its own scheduler (the Python test
  * benches of `org.odegen.cocotb`, which see it as an RtlBlock): the top's ports by their Verilog
  * names, read and written as longs over SpinalSim's JNI door to Verilator, with no SpinalSim
  * threads in between.
  *
  * Writes are buffered in the model's inputs; the model is evaluated once, lazily, before the next
  * read, so a burst of writes costs one `eval`. */
final class VerilatedBlock private (compiled: SimCompiled[OdeBlockTop], name: String, seed: Int) extends RtlBlock {
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
    if (bt.getName() == SimBuild.interruptPort) "interrupt" else bt.getName()

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

  /** A free-running clock on an input port, toggled here rather than by the test bench's scheduler,
    * so that cycles in which no watched port changes never leave the JVM's native side. */
  private final class Clock(val handle: Int, val high: Long, val low: Long, var next: Long, var value: Long) {
    var running = true
  }
  private val clocks = ArrayBuffer[Clock]()
  private var rises = 0L

  /** Starts a clock on input `handle` at the current time: `startHigh` first, then toggling after
    * `high` and `low` time units. Returns its id for `stopClock`. */
  def startClock(handle: Int, high: Long, low: Long, startHigh: Boolean): Int = {
    if (!ports(handle).isInput) throw new IllegalArgumentException(s"${portName(ports(handle))} is an output of ${top()}")
    if (high < 1 || low < 1) throw new IllegalArgumentException(s"clock phases must be at least 1 time unit, not $high and $low")
    clocks += new Clock(handle, high, low, time, if (startHigh) 1L else 0L)
    clocks.size - 1
  }

  def stopClock(id: Int): Unit = clocks(id).running = false

  def stopClocks(): Unit = clocks.foreach(_.running = false)

  def runningClocks(): Int = clocks.count(_.running)

  /** The time of the next rising (or falling) edge that a running clock on `handle` will make,
    * and its period, as a pair; null (None in Python) when no clock drives the port. Lets
    * `ClockCycles` wait as one timed event instead of waking up at every edge. */
  def nextEdge(handle: Int, rising: Boolean): Array[Long] = clocks.find(c => c.running && c.handle == handle) match {
    case Some(c) =>
      val wanted = if (rising) 1L else 0L
      val t = if (c.value == wanted) c.next else c.next + (if (c.value == 1) c.high else c.low)
      Array(t, c.high + c.low)
    case None => null
  }

  /** Rising edges made by the clocks so far (the simulated cycles, for the speed report). */
  def clockRises(): Long = rises

  // Watched ports: a mask of the edges a waiter wants (RISE and FALL of bit 0, CHANGE of any bit)
  // and the value last seen, so that an edge is reported once.
  private val watchMask = new Array[Int](ports.length)
  private val watchLast = new Array[Long](ports.length)
  private var watched = Array.empty[Int]

  /** Watches port `handle` for the edges in `mask` (`Rise`, `Fall`, `Change`; 0 stops watching).
    * A port newly watched starts from its current value. */
  def watch(handle: Int, mask: Int): Unit = {
    if (watchMask(handle) == 0 && mask != 0) {
      watchLast(handle) = get(handle)
      watched = watched :+ handle
    } else if (watchMask(handle) != 0 && mask == 0) {
      watched = watched.filter(_ != handle)
    }
    watchMask(handle) = mask
  }

  def unwatchAll(): Unit = {
    watched.foreach(watchMask(_) = 0)
    watched = Array.empty
  }

  private def edgesOf(handle: Int, now: Long): Int = {
    val old = watchLast(handle)
    if (now == old) 0
    else RtlBlock.CHANGE | (if ((old & 1) == 0 && (now & 1) == 1) RtlBlock.RISE
                            else if ((old & 1) == 1 && (now & 1) == 0) RtlBlock.FALL else 0)
  }

  /** The watched ports' edges that a waiter wants, as pairs (port, edges) flattened, or null if
    * none. Every other change is taken as seen; a wanted one too unless `keepWanted`, which leaves
    * it for `edges` to report. */
  private def takeEdges(keepWanted: Boolean): ArrayBuffer[Int] = {
    var wanted: ArrayBuffer[Int] = null
    for (h <- watched) {
      val now = raw.getLong(portSignals(h))
      val e = edgesOf(h, now)
      if (e != 0) {
        val isWanted = (e & watchMask(h)) != 0
        if (isWanted) {
          if (wanted == null) wanted = ArrayBuffer[Int]()
          wanted += h
          wanted += e
        }
        if (!isWanted || !keepWanted) watchLast(h) = now
      }
    }
    wanted
  }

  /** The watched ports' edges since the last call that a waiter wants, as pairs (port, edges)
    * flattened; every change is taken as seen. */
  def edges(): Array[Int] = {
    settle()
    val wanted = takeEdges(keepWanted = false)
    if (wanted == null) VerilatedBlock.NoEdges else wanted.toArray
  }

  /** Runs the clocks' edges up to time `limit`, inclusive, evaluating the model after each, and
    * stops after the first one at which a watched port has a wanted edge: true then (time is that
    * edge's), false when the next clock edge lies beyond `limit` (or no clock runs). */
  def runClocks(limit: Long): Boolean = {
    while (true) {
      var t = Long.MaxValue
      for (c <- clocks) if (c.running && c.next < t) t = c.next
      if (t == Long.MaxValue || t > limit) return false
      advanceTo(t)
      for (c <- clocks) if (c.running && c.next == t) {
        raw.setLong(portSignals(c.handle), c.value)
        if (c.value == 1) rises += 1
        c.next = t + (if (c.value == 1) c.high else c.low)
        c.value ^= 1
      }
      dirty = true
      settle()
      if (takeEdges(keepWanted = true) != null) return true
    }
    false
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
  private val NoEdges = Array.empty[Int]

  /** Builds (or takes from SpinalSim's cache under `workspace`, keyed by the RTL's hash) the block
    * of `block` with `lanes` lanes and opens one instance of it. */
  def open(block: BlockConfig, lanes: Int, workspace: String, seed: Int): VerilatedBlock =
    open(block, lanes, org.odegen.model.OdeSolver.EULER, workspace, seed)

  /** The same with the ODE solver `solver` on chip (the DSL's, as `odegen cocotb --solver` gives it). */
  def open(block: BlockConfig, lanes: Int, solver: org.odegen.model.OdeSolver, workspace: String,
           seed: Int): VerilatedBlock = {
    val hw = OdeBlockHwConfig.of(block, lanes, solver)
    val compiled = SimBuild.block(hw, workspace)
    new VerilatedBlock(compiled, "cocotb", seed)
  }
}
