package org.odegen.hw

import spinal.core._

/** A sequencer's two waits and the norm's handshakes, both tops': DRAIN, `drain` cycles (the lanes' pipeline
  * empties), then the phase `afterDrain`; NORM_WAIT, `normWait` cycles (the norm units' isqrt and divide).
  * One counter serves both; their lengths come from LaneTiming, which the cycle models read too. LATCH_MEAN
  * raises `latchMean` (the lanes take their channel's mean) and NORM_START `normStart` (the norm units start).
  * `phase` is the sequencer's state, `drainPhase` and `normWaitPhase` its DRAIN and NORM_WAIT, `idle` its
  * reset state. */
class PhaseWait[T <: SpinalEnum](phase: SpinalEnumCraft[T], idle: SpinalEnumElement[T],
    drainPhase: SpinalEnumElement[T], normWaitPhase: SpinalEnumElement[T], drain: Int, normWait: Int) extends Area {
  require(drain < 256 && normWait < 256, s"waits of $drain and $normWait cycles need a wider counter")
  val count = Reg(UInt(8 bits)) init 0
  val afterDrain = Reg(cloneOf(phase)) init idle
  val latchMean = False
  val normStart = False

  /** Empties the pipeline, then goes on to `next`. */
  def drainTo(next: SpinalEnumElement[T]): Unit = {
    count := drain
    afterDrain := next
    phase := drainPhase
  }
  /** Waits `cycles` cycles in DRAIN (a division: [[MeanDivider]]), then goes on to `next`. */
  def waitThen(cycles: Int, next: SpinalEnumElement[T]): Unit = {
    require(cycles >= 1 && cycles < 256, s"a wait of $cycles cycles needs a wider counter")
    count := cycles
    afterDrain := next
    phase := drainPhase
  }
  /** DRAIN's cycle: counts it, and leaves after the last. */
  def draining(): Unit = {
    count := count - 1
    when(count === 1) {
      phase := afterDrain
    }
  }
  /** LATCH_MEAN's cycle: the lanes latch the mean; `next` (VAR) follows from pixel `p` = 0. */
  def latchMeanThen(p: UInt, next: SpinalEnumElement[T]): Unit = {
    latchMean := True
    p := 0
    phase := next
  }
  /** NORM_START's cycle, which starts the norm units: NORM_WAIT follows. */
  def startNorm(): Unit = {
    normStart := True
    count := 0
    phase := normWaitPhase
  }
  /** NORM_WAIT's cycle: counts it; true in the last. */
  def normStep(): Bool = {
    count := count + 1
    count === normWait - 1
  }
}
