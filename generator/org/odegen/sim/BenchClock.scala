package org.odegen.sim

import spinal.core.ClockDomain
import spinal.core.sim._

/** The clock and reset that every bench starts with: a 10-unit clock, resetn low for 4 cycles, then
  * 2 cycles for the design to leave reset before the first access. */
object BenchClock {
  def startWithReset(cd: ClockDomain): Unit = {
    cd.forkStimulus(10)
    cd.assertReset()
    cd.waitSampling(4)
    cd.deassertReset()
    cd.waitSampling(2)
  }
}
