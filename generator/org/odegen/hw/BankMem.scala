package org.odegen.hw

import spinal.core._
import spinal.lib._

/** A lane's memory of `depth` words, cut into power-of-two chunks (largest first, none below 512
  * words) so that it fills block RAMs instead of rounding the whole depth up: 4608 words become
  * 4096 + 512, four RAMB36 and one RAMB18, not five RAMB36. Small memories go to LUT RAM.
  * One synchronous read and one write port, like a single `Mem`. */
case class BankMem(depth: Int, width: Int, distributedBelow: Int = 0) extends Area {
  val chunks: Seq[(Int, Int)] = if (depth <= distributedBelow) Seq((0, depth)) else {
    val out = scala.collection.mutable.ArrayBuffer[(Int, Int)]()
    var base = 0
    while (base < depth) {
      val left = depth - base
      val size = if (left <= 512) 512 else Integer.highestOneBit(left)
      out += ((base, size))
      base += size
    }
    out.toSeq
  }
  private val distributed = depth <= distributedBelow
  val mems: Seq[Mem[SInt]] = chunks.map { case (_, size) =>
    val m = Mem(SInt(width bits), size)
    if (distributed) m.addAttribute("ram_style", "distributed")
    m
  }

  private def local(addr: UInt, size: Int): UInt = addr.resize(log2Up(size) max 1)
  /** Chunk `base` holds the address: at or above its base (not said for the first), below the next
    * chunk's base (not said for the last), so that no comparison is constant. */
  private def inChunk(addr: UInt, base: Int, size: Int): Bool = {
    val last = base == chunks.last._1
    (if (base == 0) True else addr >= base) && (if (last) True else addr < base + size)
  }

  def readSync(addr: UInt): SInt = {
    val outs = chunks.zip(mems).map { case ((_, size), m) => m.readSync(local(addr, size)) }
    if (outs.size == 1) outs.head
    else {
      val which = RegNext(Vec(chunks.map { case (b, s) => inChunk(addr, b, s) }).asBits)
      MuxOH(which, outs)
    }
  }

  def write(addr: UInt, data: SInt, enable: Bool): Unit =
    chunks.zip(mems).foreach { case ((b, size), m) =>
      m.write(local(addr, size), data, enable && inChunk(addr, b, size))
    }
}
