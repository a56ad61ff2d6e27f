package org.odegen.hw

import spinal.core._

/** The stride-2 "option A" shortcut of a ResNet block: output channel `c` from input channel `c - offset` at
  * even (y, x), zeros for the channels outside the input; one word a cycle, then DRAIN. */
object CopyKind extends LayerKind("copy") {
  val COPY = PhaseKey("COPY")
  def phases: Seq[PhaseKey] = Seq(COPY)

  override def writes(p: Pass): Option[(Int, Int)] = Some((p.cout, p.outSize))
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
      copyQ := copyQ + 2
      cmd.rdAddr := (fiBase + (q & (cur.inRegionPixels - 1)).resize(bufBits)).resized
      cmd.banks(0) := fiLane | ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
      cmd.pads(0) := cs < 0 || cs >= cur.cin.resize(10).asSInt
      cmd.dstLane := dstLane | ((p >> cur.log2RegionPixels).resize(laneBits) |<< cur.log2GroupLanes)
      cmd.wrAddr := (dstBase + (p & (cur.regionPixels - 1)).resize(bufBits)).resized
      ox := ox + 1
      oxLast := ox === cur.outSize - 2
      when(oxLast) {
        ox := 0
        oxLast := cur.outSize === 1
        copyQ := copyQ + cur.inSize.resize(12) + 2 // the next even row
      }
      countOn(p, p === cur.outPixels - 1) {
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
        when(c === cur.cout - 1) {
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
