package org.odegen.hw

import spinal.core._

/** Conv addressing: a tap's input row `iy` (from the first row of the slice's input) and column `ix` of output (oy, ox)
  * (oy within the slice) and tap (ky, kx); the input region `iy` falls in, `delta` regions from the slice's first,
  * and its row there. Every slice reads the same address, each from the lanes of its own region. One [[Tap]] is
  * ConvKind's tap, from the conv counters' next values; with triples another is ConvTriples' next tap, from its own
  * counters. A tap's column, row words, `delta` and padding flags are registers, computed from the row's and the
  * column's next values, so that the cycle that issues a read only adds, shifts and compares (the adds and the
  * shift before them were the engine's slowest path at 64 lanes).
  *
  * The pass's constants behind them are registers a cycle after FETCH (a conv's first tap is at PARAM_B, three
  * cycles on): each slice's first region, and where the maps' sides are powers of two, for each of the program's row
  * shifts `s` the region's row mask shifted by `s` where the pass's rows are `2^s` words (else 0). */
class ConvTaps(top: NetworkEngine) extends Area {
  import top._

  private val shifts = cfg.program.map(p => log2Up(p.inCols)).distinct.sorted
  private val masks = !cfg.oddMaps generate shifts.map(s => RegNext(Mux(cur.log2In === s,
    (cur.inRegionRowMask.resize(bufBits) |<< s).resize(bufBits), U(0, bufBits bits))).init(0))
  // slice sl's first region, sl * 2^log2SliceStep (shifted in the cycle of the read, before the region's add, then
  // the bank's shift: 6.01 ns at x64 x3)
  private val sliceFirst = (0 until cfg.slices).map(sl => RegNext(S(sl, 9 bits) |<< cur.log2SliceStep).init(0))
  // the shift from a row to its region: one flag for each of the program's shifts, registered a cycle after FETCH
  // (the shift by the pass's `log2InRegionRows` after the row's add, two LUT levels, was x16's and x32 x2's slowest
  // path into `delta`, 6.86 and 7.79 ns, in one mapping of ABC's)
  private val regionShifts = cfg.program.map(_.log2InRegionRows(cfg.lanes)).distinct.sorted
    .map(s => s -> RegNext(cur.log2InRegionRows === s).init(False))
  // (the row's high bits, sign-extended: a slice, not a shift, so that the Verilog is as wide as it is used)
  private def shifted(iy: SInt, s: Int): SInt = if (s == 0) iy else iy(iy.getWidth - 1 downto s).resize(iy.getWidth)
  private def toRegion(iy: SInt): SInt =
    if (regionShifts.size == 1) shifted(iy, regionShifts.head._1)
    else regionShifts.map { case (s, on) => Mux(on, shifted(iy, s), S(0, iy.getWidth bits)) }.reduce(_ | _)

  /** Slice `sl`'s region of a tap `delta` regions from the slice's first. */
  def region(sl: Int, delta: SInt): SInt = sliceFirst(sl) + delta

  /** The tap whose row and column are `iyNext` and `ixNext` now: its address and regions the next cycle. */
  class Tap(iyNext: SInt, ixNext: SInt) extends Area {
    val ix = RegNext(ixNext) init 0
    val colPad = ix < 0 || ix >= cur.inCols.resize(9).asSInt
    // the row's first word (masked and shifted in the cycle of the read, it fed the buffers' read address, x16's
    // slowest path left at 7.5 ns). Each bit is one choice among the row's bits (the mask, then a shift by the
    // pass's `log2In`, took three LUT levels after the row's add: with the tap's next value before it, x64 x3's
    // slowest path, 6.21 ns). A map whose sides are not powers of two has one region and rows of `inCols` words:
    // a product, and a row past the map is padding
    private val rowWords =
      if (cfg.oddMaps) RegNext(((iyNext.asUInt.resize(6) & cur.inRegionRowMask) * cur.inCols.resize(6)).resize(bufBits)).init(0)
      else RegNext(shifts.zip(masks).map { case (s, m) => m & (iyNext.asUInt.resize(bufBits) |<< s).resize(bufBits) }
        .reduce(_ | _)).init(0)
    private val rowPad = if (cfg.oddMaps) RegNext(iyNext >= cur.inRows.resize(9).asSInt).init(False) else False
    /** The tap's words from its channel's first in a lane's buffer. Where the maps' sides are powers of two a
      * row's first word has its low log2(inCols) bits zero and the column of a tap inside the map fits in them:
      * an OR, not an add (the add before the channel's base and the read's choices was x64 x3's slowest path,
      * 6.58 ns, in one mapping of ABC's); a padding tap's column, -1 or inCols, gives an address whose word its pad
      * replaces. */
    val offset = if (cfg.oddMaps) (rowWords + ix.asUInt.resize(bufBits)).resize(bufBits)
      else rowWords | ix.asUInt.resize(bufBits)
    // the region iy falls in, `delta` from the slice's first, registered (the shift by a region's rows is 3 LUT
    // levels, and the next values before it 4 more: with the slice's add too, x32's slowest path, 9.15 ns)
    val delta = RegNext(toRegion(iyNext)) init 0
    /** Each slice's region, and whether the tap is padding there. */
    val regions = sliceFirst.indices.map(sl => region(sl, delta))
    val pads = regions.map(r => colPad || rowPad || r < 0 || r >= cur.inRegions.resize(9).asSInt)
  }
}
