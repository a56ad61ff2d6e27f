package org.odegen.sim

import org.odegen.hw.AxisWord
import spinal.core.ClockDomain
import spinal.core.sim._
import spinal.lib.Stream

import scala.collection.mutable
import scala.util.Random

/** An AXI4-Stream sink as the DMA's S2MM channel. With `backPressure`, tready drops in a random
  * cycle (odds 1 in 4), as a DMA that waits for memory would. */
final class AxisSink(stream: Stream[AxisWord], cd: ClockDomain, backPressure: Option[Random] = None) {
  /** Drives the idle stream, before the clock starts. */
  def idle(): Unit = stream.ready #= false

  /** Receives `count` words; returns them and whether tlast was on the last one only. Fails after
    * `timeout` cycles without all of them. */
  def receive(count: Int, timeout: Long = Long.MaxValue): (Array[Int], Boolean) = {
    val out = mutable.ArrayBuffer[Int]()
    var lastOk = true
    var cycles = 0L
    while (out.size < count) {
      stream.ready #= !backPressure.exists(_.nextInt(4) == 0)
      cd.waitSampling()
      cycles += 1
      if (cycles > timeout) throw new IllegalStateException(s"${out.size} of $count words in $timeout cycles")
      if (stream.valid.toBoolean && stream.ready.toBoolean) {
        out += stream.payload.data.toLong.toInt
        if (stream.payload.last.toBoolean != (out.size == count)) lastOk = false
      }
    }
    stream.ready #= false
    (out.toArray, lastOk)
  }
}
