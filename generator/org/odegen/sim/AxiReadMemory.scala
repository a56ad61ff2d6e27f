package org.odegen.sim

import org.odegen.hw.AxiReadPorts
import spinal.core.ClockDomain
import spinal.core.sim._

import scala.collection.mutable

/** DDR behind an AXI4 read port (the engine's m_axi): `words` (32-bit) from byte address `base`, two
  * to a 64-bit beat; a burst's first beat `latency` cycles after its address, then a beat a cycle,
  * bursts in order. Checks each burst as a monitor: INCR of 8-byte beats, never across a 4 KiB
  * boundary. Words past the image read as 0xdeadbeef. */
final class AxiReadMemory(m: AxiReadPorts, cd: ClockDomain, words: Array[Int], base: Long, latency: Int = 30) {
  /** Drives the idle port, before the clock starts. */
  def idle(): Unit = {
    m.arready #= true; m.rvalid #= false; m.rresp #= 0; m.rlast #= false; m.rdata #= 0
  }

  /** Answers the reads from now on, at every clock edge. */
  def serve(): Unit = {
    val pending = mutable.Queue[(Long, Int, Long)]() // address, beats, cycle of the first beat
    var now = 0L
    var beat: Option[(Long, Int)] = None // address, beats left
    cd.onSamplings {
      now += 1
      if (m.arvalid.toBoolean) {
        val a = m.araddr.toLong; val len = m.arlen.toInt + 1
        assert(m.arsize.toInt == 3 && m.arburst.toInt == 1, "burst kind")
        assert(((a & 0xfff) + len * 8) <= 4096, f"4K crossing at $a%x len $len")
        pending.enqueue((a, len, now + latency))
      }
      if (m.rvalid.toBoolean && m.rready.toBoolean) {
        beat = beat.flatMap { case (a, left) => if (left == 1) None else Some((a + 8, left - 1)) }
      }
      if (beat.isEmpty && pending.nonEmpty && pending.head._3 <= now) {
        val (a, len, _) = pending.dequeue(); beat = Some((a, len))
      }
      beat match {
        case Some((a, left)) =>
          val w = ((a - base) / 4).toInt
          m.rvalid #= true; m.rdata #= (BigInt(word(w + 1)) << 32) | BigInt(word(w)); m.rlast #= (left == 1)
        case None => m.rvalid #= false; m.rlast #= false
      }
    }
  }

  private def word(i: Int): Long = if (i >= 0 && i < words.length) words(i).toLong & 0xffffffffL else 0xdeadbeefL
}
