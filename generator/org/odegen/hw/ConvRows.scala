package org.odegen.hw

import spinal.core._

/** A conv tap's row as the buffers' address wants it, and each slice's region: the first word of input row `iy` of its region (`iy` masked by
  * the region's rows, times a row's words), registered from the row's next value (ConvKind's tap, and
  * ConvTriples' next tap). Where the maps' sides are powers of two, the product is a shift of the program's few:
  * for each shift `s` a register holds the region's row mask shifted by `s` where the pass's rows are `2^s` words
  * (else 0), so that each bit of the row's words is one choice among the row's bits (the mask, then a shift by the
  * pass's `log2In`, took three LUT levels after the row's add: with the tap's next value before it, x64 x3's slowest
  * path, 6.21 ns). The masks are the pass's constants, a cycle after FETCH: a conv's first row is at PARAM_B, three
  * cycles on. */
class ConvRows(top: NetworkEngine) extends Area {
  import top._

  private val shifts = cfg.program.map(p => log2Up(p.inCols)).distinct.sorted
  private val masks = !cfg.oddMaps generate shifts.map(s => RegNext(Mux(cur.log2In === s,
    (cur.inRegionRowMask.resize(bufBits) |<< s).resize(bufBits), U(0, bufBits bits))).init(0))

  // slice sl's first region, sl * 2^log2SliceStep, a register of the pass's (shifted in the cycle of the read, before
  // the region's add, then the bank's shift: 6.01 ns at x64 x3)
  private val sliceFirst = (0 until cfg.slices).map(sl => RegNext(S(sl, 9 bits) |<< cur.log2SliceStep).init(0))

  /** Each slice's region, `delta` regions from its first. */
  def regionsOf(delta: SInt): Seq[SInt] = sliceFirst.map(_ + delta)

  /** The words before row `iyNext` (a register: the row's next value now, its words the next cycle). A map whose
    * sides are not powers of two has one region and rows of `inCols` words: a product. */
  def wordsOf(iyNext: SInt): UInt =
    if (cfg.oddMaps) RegNext(((iyNext.asUInt.resize(6) & cur.inRegionRowMask) * cur.inCols.resize(6)).resize(bufBits)).init(0)
    else RegNext(shifts.zip(masks).map { case (s, m) => m & (iyNext.asUInt.resize(bufBits) |<< s).resize(bufBits) }
      .reduce(_ | _)).init(0)
}
