package org.odegen.hw

import spinal.core._
import spinal.lib._

/** Where a command is in the lanes' pipeline, cycle by cycle after the sequencer issues it (stage 0), named
  * from the parts that set it, so that every delay, the drain and the cycle model derive from one place:
  *  - stage `readLatency` (1, or 2 where the memories' output registers are on: the engine at 64 lanes): the words
  *    it read from the banks;
  *  - `operandStage` (2): the multiplier's operands, registered;
  *  - `resultStage` (5): the `mulq` result, `mulq.latency` later (and `sumStages`, one where a lane adds two
  *    products first), and the post-op (accumulate, the norm's add, the update's add), then `postStages` more
  *    (the engine's residual add and ReLU: one);
  *  - `writeStage`: the write-back, registered; its word is in the bank a cycle later (`depth`).
  * The ODEBlock and the network engine share it; they differ only in `postStages`. */
case class LaneTiming(mulq: MulqConfig, postStages: Int, sumStages: Int = 0, readLatency: Int = BankMem.readLatency) {
  require(readLatency == 1 || readLatency == 2, s"readLatency $readLatency: a block RAM's read takes 1 or 2 cycles")
  def operandStage: Int = readLatency + 1
  def resultStage: Int = operandStage + mulq.latency + sumStages
  def writeStage: Int = resultStage + postStages + 1
  /** Cycles from an issued command to its word in the bank. */
  def depth: Int = writeStage + 1
  /** DRAIN's cycles: the last command's write lands before the next phase issues its first read. */
  def drain: Int = depth + 1
  /** Delay of a word read with the command (stage `readLatency`) to the post-op (stage `resultStage`). */
  def readToResult: Int = resultStage - readLatency
  /** Delay of an operand (stage `operandStage`) to the post-op. */
  def operandToResult: Int = resultStage - operandStage
  /** How much later than its command an operand wanted at the post-op is read, to be registered once
    * before it (one delay line of the address, not one of the word in every lane). */
  def lateRead: Int = resultStage - readLatency - 1
}

object LaneTiming {
  /** Cycles the sequencer gives a norm unit (IsqrtDivUnit) for one variance (NORM_WAIT's length): the unit's
    * latency and two cycles of margin, which every schedule (and so CYCLES) has counted since the first block. */
  def normWait(fmt: HwFormat): Int = IsqrtDivUnit.latency(fmt) + 2
}

/** The command of each stage of the lanes' pipeline: `stage(0)` is the sequencer's (combinational),
  * `stage(i)` (named `s<i>`) it registered `i` times; `idle` sets a stage's reset value (no operation). */
class CommandPipeline[T <: Data](cmd: T, stages: Int)(idle: T => Unit) extends Area {
  private val regs = scala.collection.mutable.ArrayBuffer[T]()
  for (i <- 1 to stages) {
    val r = RegNext(if (i == 1) cmd else regs.last)
    r.setName(s"s$i")
    idle(r)
    regs += r
  }
  def stage(i: Int): T = if (i == 0) cmd else regs(i - 1)
}

/** The output stream (`m_axis`): a 16-word FIFO that a sequencer fills with one read a cycle while it has
  * `room`; a read is pushed one cycle after it is issued (stage 1), so reads stop with room left for the
  * ones in flight. Both tops stream their results (z_M, the logits) through it. */
class OutStream(definitionName: String, out: Stream[AxisWord]) extends Area {
  val fifo = StreamFifo(AxisWord(), OutStream.depth)
  fifo.setDefinitionName(definitionName + "_OutFifo")
  out << fifo.io.pop
  /** A read may be issued this cycle. */
  val room = fifo.io.occupancy < OutStream.issueBelow
  /** `room` a cycle late, a register (the network engine's: the FIFO's occupancy, its compare and the sequencer's
    * choice of the read address were x64 x3's slowest path into the buffers' block RAMs, 6.08 ns). The occupancy
    * grows by at most a word a cycle, so reads stop with at most `issueBelow + readLatency + 1` words: 15 of 16. */
  val roomLate = RegNext(room) init False

  /** The word of a read issued a cycle ago (`valid`), `last` on the stream's last. */
  def push(valid: Bool, word: SInt, last: Bool): Unit = {
    fifo.io.push.valid := valid
    fifo.io.push.payload.data := word.resize(32).asBits
    fifo.io.push.payload.last := last
  }
}

object OutStream {
  val depth = 16
  /** Reads are issued while the FIFO holds fewer words than this. */
  val issueBelow = 12
}
