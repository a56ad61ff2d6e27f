package org.odegen.sim

import org.odegen.hw.AxisWord
import spinal.core.ClockDomain
import spinal.core.sim._
import spinal.lib.Stream

import scala.util.Random

/** An AXI4-Stream source as the DMA's MM2S channel: 32-bit words in order, tlast on one of them.
  * With `gaps`, tvalid drops before a word for a random number of cycles (each with odds 1 in 8),
  * as a DMA that waits for memory would. */
final class AxisSource(stream: Stream[AxisWord], cd: ClockDomain, gaps: Option[Random] = None) {
  /** Drives the idle stream, before the clock starts. */
  def idle(): Unit = stream.valid #= false

  /** Sends `words`, tlast on the last one (or on `lastAt`); returns when the sink took the last. */
  def send(words: Array[Int], lastAt: Int = -1): Unit = {
    val last = if (lastAt >= 0) lastAt else words.length - 1
    for (i <- words.indices) {
      gaps.foreach(rnd => while (rnd.nextInt(8) == 0) { stream.valid #= false; cd.waitSampling() })
      stream.valid #= true
      stream.payload.data #= (words(i).toLong & 0xffffffffL)
      stream.payload.last #= (i == last)
      cd.waitSamplingWhere(stream.ready.toBoolean)
    }
    stream.valid #= false
  }
}
