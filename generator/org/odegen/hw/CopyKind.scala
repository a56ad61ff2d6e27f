package org.odegen.hw

import spinal.core._

/** The "option A" shortcut of a ResNet block: output channel `c` from input channel `c - offset` at even
  * (y, x) at stride 2 (every (y, x) at stride 1), zeros for the channels outside the input; one word a cycle,
  * then DRAIN. Engines that write the zeros apart ([[zerosApart]]) copy only the input's channels, then ZERO
  * writes every zero channel of a group at once, a pixel a cycle. */
object CopyKind extends LayerKind("copy") {
  val COPY = PhaseKey("COPY")
  val ZERO = PhaseKey("ZERO")
  def phases: Seq[PhaseKey] = Seq(COPY)
  override def addedPhases: Seq[PhaseKey] = Seq(ZERO)

  /** The copy writes its zero channels apart, all lanes at once: the engines of three multiply-adds a lane, whose
    * convs are so fast that the copy's word a cycle was 5% of rODENet-3-20's cycles at 64 lanes, half of it
    * zeros (the other engines keep their RTL and their cycles). */
  def zerosApart(cfg: NetworkHwConfig): Boolean = cfg.triples

  /** `program` with each copy after the conv that follows it where the two are independent (the block's conv1:
    * both read the block's input, each writes a buffer the other neither reads nor writes). The engines of three
    * multiply-adds a lane run it so: the conv's weight load is read a copy sooner, and at 64 lanes the weight
    * loader, which layer3's first loads keep busy, starts them sooner (the sum of the passes' cycles is the same). */
  def late(program: Seq[Pass]): Seq[Pass] = {
    val out = program.toBuffer
    for (i <- 0 until out.size - 1) {
      val (copy, next) = (out(i), out(i + 1))
      if (copy.kind == this && next.kind == ConvKind && next.w != copy.w && next.w != copy.bc && next.bc != copy.w) {
        out(i) = next
        out(i + 1) = copy
      }
    }
    out.toSeq
  }

  override def writes(p: Pass): Option[(Int, Int, Int)] = Some((p.cout, p.outSize, p.outCols))
  /** The program copies at stride 1 (a shortcut A that widens without downsampling): only then has the copy's
    * counter a step of 1, so that the other engines keep their RTL. */
  def copiesAtStrideOne(cfg: NetworkHwConfig): Boolean = cfg.program.exists(p => p.kind == this && p.stride == 1)
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] =
    if (!zerosApart(cfg)) Seq(Span(COPY, p.cout.toLong * p.outPixels), Span(NetworkPhases.DRAIN, cfg.drain))
    else Seq(Span(COPY, p.cin.toLong * p.outPixels)) ++
      (if (p.cout > p.cin) Seq(Span(ZERO, p.groups(cfg.lanes).toLong * p.regionPixels(cfg.lanes))) else Seq()) :+
      Span(NetworkPhases.DRAIN, cfg.drain)

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._
    import HwUtil._

    private val zeros = zerosApart(cfg)
    // ZERO: the group's zero channels, places [0, lo) and [hi, top) of its lanes: lo = offset - gChan and
    // hi = offset + cin - gChan, each within [0, groupLanes], top = min(groupLanes, cout - gChan)
    private val zeroBounds = zeros generate new Area {
      private val gl = cur.groupLaneMask.resize(10).asSInt + 1
      private def clamp(v: SInt): UInt = Mux(v < 0, S(0, 10 bits), Mux(v > gl, gl, v)).asUInt.resize(laneBits + 1)
      private val g0 = gChan.resize(10).asSInt
      val lo = clamp(cur.chanOffset.resize(10).asSInt - g0)
      val hi = clamp((cur.chanOffset.resize(10) + cur.cin.resize(10)).asSInt - g0)
      val top = clamp(cur.cout.resize(10).asSInt - g0)
    }

    /** FETCH of a copy that writes its zeros apart: the copy starts at the offset's channel, the input's first. */
    override def fetched(row: PassDesc): Unit = if (zeros) {
      c := row.chanOffset.resized
      cs := 0
      dstLane := row.copyLane
      dstBase := row.copyBase.resized
    }

    def phases(): Unit = {
      on(COPY)(copy())
      if (zeros) on(ZERO) {
        cmd.op := LaneOp.ZERO
        cmd.wrAddr := (gBase + p.resize(bufBits)).resized
        cmd.zeroLo := zeroBounds.lo
        cmd.zeroHi := zeroBounds.hi
        cmd.zeroTop := zeroBounds.top
        countOn(p, p === cur.lastRegionPixel) {
          g := g + 1
          gBase := gBase + cur.regionPixels.resize(bufBits)
          gChan := gChan + (cur.groupLaneMask.resize(9) + 1)
          when(g === cur.lastGroup) {
            drainToNextPass()
          }
        }
      }
    }

    private def copy(): Unit = {
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
          if (zeros) {
            when(cur.cout =/= cur.cin) {
              go(ZERO)
            } otherwise {
              drainToNextPass()
            }
          } else drainToNextPass()
        }
      }
    }
  }

  /** COPY's word (the broadcast, delayed to stage 5) is written by the one lane of its output channel; ZERO's
    * zero by every lane whose place in the group is a zero channel's. */
  override def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = {
    import ln._
    import lane._
    is(LaneOp.COPY) {
      wr.valid := s5.dstLane === lane.index
      wr.payload.data := bc5
    }
    if (zerosApart(top.cfg)) is(LaneOp.ZERO) {
      val place = (U(lane.index, top.laneBits bits) & top.cur.groupLaneMask).resize(top.laneBits + 1)
      wr.valid := place < s5.zeroLo || (place >= s5.zeroHi && place < s5.zeroTop)
      wr.payload.data := 0
    }
  }
}
