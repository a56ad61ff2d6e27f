package org.odegen.hw

import spinal.core._
import spinal.lib._

/** An AXI4-Stream word: INTERFACE.md's 32-bit `tdata` and `tlast`. */
case class AxisWord() extends Bundle {
  val data = Bits(32 bits)
  val last = Bool()
}

/** Small helpers both tops share. */
object HwUtil {
  /** Address bits of a memory of `depth` words (at least one). */
  def addrWidth(depth: Int): Int = scala.math.max(1, log2Up(depth))

  /** INTERFACE.md's AXI4-Stream port names (`<prefix>_tvalid`, `_tready`, `_tdata`, `_tlast`), which Vivado
    * infers the interfaces from; the block and the network engine share them. */
  def nameAxisPorts(streams: (Stream[AxisWord], String)*): Unit =
    for ((s, n) <- streams) {
      s.valid.setName(n + "_tvalid")
      s.ready.setName(n + "_tready")
      s.payload.data.setName(n + "_tdata")
      s.payload.last.setName(n + "_tlast")
    }

  /** A 3x3 window's next tap, kx first, then ky; `lastTap` runs on the window's last, (ky, kx) = (2, 2). */
  def nextTap(ky: UInt, kx: UInt)(lastTap: => Unit): Unit = {
    kx := kx + 1
    when(kx === 2) {
      kx := 0
      ky := ky + 1
      when(ky === 2) {
        ky := 0
        lastTap
      }
    }
  }

  /** Sets every one of `regs` to zero: the counters a phase or a run starts from. */
  def clear(regs: Data*): Unit = regs.foreach(_.clearAll())

  /** Counts `p` on (a pixel, a word); on `isLast`, its last value, it wraps to 0 and `wrap` runs. */
  def countOn(p: UInt, isLast: Bool)(wrap: => Unit): Unit = {
    p := p + 1
    when(isLast) {
      p := 0
      wrap
    }
  }

  /** INTERFACE.md's and NETWORK.md's rule for an input stream (the parameters, z_0, the image): `tlast` on
    * the last word and only there. `onMismatch` runs whenever `tlast` and `lastWord` disagree, `early` when
    * tlast comes before the last word (the stream ends there), `last` on the last word. */
  def streamEnd(tlast: Bool, lastWord: Bool)(onMismatch: => Unit)(early: => Unit)(last: => Unit): Unit = {
    when(tlast =/= lastWord) {
      onMismatch
    }
    when(tlast && !lastWord) {
      early
    }.elsewhen(lastWord) {
      last
    }
  }

  /** One of `v` by `sel`: a multiplexer, none for a single input. */
  def pick(v: Seq[SInt], sel: UInt): SInt = if (v.size == 1) v.head else Vec(v).read(sel.resized)
}
