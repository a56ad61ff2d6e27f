package org.odegen.hw

import spinal.core._

/** The "option A" shortcut of a ResNet block: output channel `c` from input channel `c - offset` at even
  * (y, x) at stride 2 (every (y, x) at stride 1), zeros for the channels outside the input; one word a cycle,
  * then DRAIN. */
object CopyKind extends LayerKind("copy") {
  val COPY = PhaseKey("COPY")
  def phases: Seq[PhaseKey] = Seq(COPY)

  override def writes(p: Pass): Option[(Int, Int, Int)] = Some((p.cout, p.outSize, p.outCols))
  /** The program copies at stride 1 (a shortcut A that widens without downsampling): only then has the copy's
    * counter a step of 1, so that the other engines keep their RTL. */
  def copiesAtStrideOne(cfg: NetworkHwConfig): Boolean = cfg.program.exists(p => p.kind == this && p.stride == 1)
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] =
    Seq(Span(COPY, p.cout.toLong * p.outPixels), Span(NetworkPhases.DRAIN, cfg.drain))

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._
    import HwUtil._

    def phases(): Unit = on(COPY) {
      // the input pixel and the output pixel each in its map's region (Pass.regions)
      cmd.op := LaneOp.COPY
      val q = copyQ
      // stride 1 (a shortcut A that only widens): the input pixel is the output's
      val atOne = copiesAtStrideOne(cfg) generate (cur.stride === 1)
      copyQ := copyQ + (if (copiesAtStrideOne(cfg)) Mux(atOne, U(1, 12 bits), U(2, 12 bits)) else U(2, 12 bits))
      // a map whose size is not a power of two has one region: 2^log2Up(pixels) - 1 masks nothing of it
      def mask(pixels: UInt, log2: UInt): UInt =
        if (cfg.oddMaps) ((U(1, 13 bits) |<< log2) - 1).resize(12) else pixels - 1
      cmd.rdAddr := (fiBase + (q & mask(cur.inRegionPixels, cur.log2InRegionPixels)).resize(bufBits)).resized
      cmd.banks(0) := fiLane | ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
      cmd.pads(0) := cs < 0 || cs >= cur.cin.resize(10).asSInt
      cmd.dstLane := dstLane | ((p >> cur.log2RegionPixels).resize(laneBits) |<< cur.log2GroupLanes)
      cmd.wrAddr := (dstBase + (p & mask(cur.regionPixels, cur.log2RegionPixels)).resize(bufBits)).resized
      ox := ox + 1
      oxLast := ox === cur.outCols - 2
      when(oxLast) {
        ox := 0
        oxLast := cur.outCols === 1
        // the next even row: 2 (y + 1) inCols from 2 y inCols + 2 (outCols - 1), outCols = ceil(inCols / 2)
        copyQ := copyQ + cur.inCols.resize(12) + (if (cfg.oddMaps) Mux(cur.inCols(0), U(1, 12 bits), U(2, 12 bits))
          else U(2, 12 bits))
        if (copiesAtStrideOne(cfg)) when(atOne) { copyQ := copyQ + 1 } // the next row follows
      }
      countOn(p, p === cur.lastOutPixel) {
        copyQ := 0
        c := c + 1
        cs := cs + 1
        dstLane := wrapLane(dstLane, cur.groupLaneMask)
        when(dstLane === cur.groupLaneMask) {
          dstBase := dstBase + cur.regionPixels.resize(bufBits)
        }
        when(cs >= 0 && cs < cur.cin.resize(10).asSInt) {
          fiLane := wrapLane(fiLane, cur.inLaneMask)
          when(fiLane === cur.inLaneMask) {
            fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
          }
        }
        when(c === cur.lastChannel) {
          drainToNextPass()
        }
      }
    }
  }

  /** COPY's word (the broadcast, delayed to stage 5) is written by the one lane of its output channel. */
  override def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = {
    import ln._
    import lane._
    is(LaneOp.COPY) {
      wr.valid := s5.dstLane === lane.index
      wr.payload.data := bc5
    }
  }
}
