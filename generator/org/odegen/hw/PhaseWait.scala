package org.odegen.hw

import spinal.core._

/** The one counter of a sequencer's waits, both tops': DRAIN, `drain` cycles (the lanes' pipeline empties),
  * and NORM_WAIT, `normWait` cycles (the norm units' isqrt and divide), their lengths from LaneTiming, which
  * the cycle models read too. */
class PhaseWait(drain: Int, normWait: Int) extends Area {
  require(drain < 256 && normWait < 256, s"waits of $drain and $normWait cycles need a wider counter")
  val count = Reg(UInt(8 bits)) init 0

  /** Entering DRAIN. */
  def startDrain(): Unit = count := drain
  /** In DRAIN: counts the cycle; true in DRAIN's last. */
  def drainStep(): Bool = {
    count := count - 1
    count === 1
  }
  /** At NORM_START, the cycle that starts the norm units. */
  def startNorm(): Unit = count := 0
  /** In NORM_WAIT: counts the cycle; true in NORM_WAIT's last. */
  def normStep(): Bool = {
    count := count + 1
    count === normWait - 1
  }
}
