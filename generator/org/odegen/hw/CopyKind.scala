package org.odegen.hw

import spinal.core._

/** The "option A" shortcut of a ResNet block: output channel `c` from input channel `c - offset` at even
  * (y, x) at stride 2 (every (y, x) at stride 1), zeros for the channels outside the input; one word a cycle,
  * then DRAIN. Engines that write the zeros apart ([[zerosApart]]) copy only the input's channels, up to three a
  * cycle on the three broadcast buses ([[copyRounds]]), then ZERO writes every zero channel of a group at once, a
  * pixel a cycle. */
object CopyKind extends LayerKind("copy") {
  val COPY = PhaseKey("COPY", "a shortcut's copy of its input channels")
  val ZERO = PhaseKey("ZERO", "a shortcut's zero channels")
  def phases: Seq[PhaseKey] = Seq(COPY)
  override def addedPhases: Seq[PhaseKey] = Seq(ZERO)

  /** The copy writes its zero channels apart, all lanes at once, and copies three channels a cycle: the engines of
    * three multiply-adds a lane, whose convs are so fast that the copy's word a cycle was 5% of rODENet-3-20's
    * cycles at 64 lanes, half of it zeros (the other engines keep their RTL and their cycles). */
  def zerosApart(cfg: NetworkHwConfig): Boolean = cfg.triples

  /** One round of a copy that writes its zeros apart: its channels (1 to 3), and whether it ends a block of the
    * input's lanes, a group of the output's and the copy. */
  case class CopyRound(n: Int, inLast: Boolean, outLast: Boolean, last: Boolean)

  /** The copy's rounds of channels: up to three at once, the input channels at one address of consecutive lanes
    * (one block of the input's `inLanes`) going to consecutive lanes of one group of the output (`groupLanes`), so
    * that the three buses read one address and three lanes write one; each round is a pass over the output's
    * pixels. The sequencer steps through them in a ROM ([[roundTable]]). */
  def rounds(p: Pass, lanes: Int): Seq[CopyRound] = {
    val (inLanes, groupLanes) = (p.inLanes(lanes), p.groupLanes(lanes))
    val out = Seq.newBuilder[CopyRound]
    var cs = 0
    while (cs < p.cin) {
      val c = p.chanOffset + cs
      val n = Seq(3, inLanes - cs % inLanes, groupLanes - c % groupLanes, p.cin - cs).min
      out += CopyRound(n, (cs + n) % inLanes == 0, (c + n) % groupLanes == 0, cs + n == p.cin)
      cs += n
    }
    out.result()
  }
  def copyRounds(p: Pass, lanes: Int): Int = rounds(p, lanes).size
  /** Every copy's rounds, in program order: the sequencer's ROM. */
  def roundTable(cfg: NetworkHwConfig): Seq[CopyRound] =
    cfg.program.filter(_.kind == this).flatMap(p => rounds(p, cfg.lanes))
  /** The ROM's first round of copy `p` (a pass of `cfg`'s program). */
  def firstRound(cfg: NetworkHwConfig, p: Pass): Int =
    cfg.program.take(cfg.program.indexWhere(_ eq p)).filter(_.kind == this).map(q => copyRounds(q, cfg.lanes)).sum

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
    else Seq(Span(COPY, copyRounds(p, cfg.lanes).toLong * p.outPixels)) ++
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
      // offset + cin, a register of the pass's (ZERO comes after the copy's rounds, long after FETCH): the
      // three-input add before the clamp's compare was x64 x3's slowest path into `zeroHi`, 6.04 ns
      private val offsetEnd = RegNext(cur.chanOffset.resize(10) + cur.cin.resize(10)) init 0
      val hi = clamp(offsetEnd.asSInt - g0)
      val top = clamp(cur.cout.resize(10).asSInt - g0)
    }

    // the copy's rounds (zeros apart: rounds), a ROM of their flags, the next round's read while a round runs: from
    // the counters, they were x64 x3's slowest path (12.6 ns into the phase's next value, then 10.1 ns)
    private val table = zeros generate new Area {
      private val all = roundTable(cfg)
      // an entry more, which the last round's step reads and nothing uses (two where there is no copy: an index bit)
      private val rom = Vec((all ++ Seq.fill(if (all.isEmpty) 2 else 1)(CopyRound(1, false, false, false))).map(r =>
        B(Seq(r.n >= 2, r.n >= 3, r.inLast, r.outLast, r.last).zipWithIndex.map { case (b, i) => if (b) 1 << i else 0 }.sum, 5 bits)))
      val index = Reg(UInt(log2Up(rom.size) bits)) init 0 // the next round's
      val two, three, inLast, outLast, last = Reg(Bool()) init False
      def load(i: UInt): Unit = {
        val w = rom(i)
        two := w(0)
        three := w(1)
        inLast := w(2)
        outLast := w(3)
        last := w(4)
        index := i + 1
      }
    }

    /** FETCH of a copy: its input's pixel mask; where it writes its zeros apart, the copy starts at the offset's
      * channel, the input's first. */
    override def fetched(row: PassDesc): Unit = {
      inPixelMask := mask(row.inRegionPixels, row.log2InRegionPixels)
      if (zeros) fetchedApart(row)
    }
    private def fetchedApart(row: PassDesc): Unit = {
      c := row.chanOffset.resized
      cs := 0
      dstLane := row.copyLane
      dstBase := row.copyBase.resized
      table.load(row.firstRound)
    }

    def phases(): Unit = {
      on(COPY)(copy())
      if (zeros) on(ZERO) {
        cmd.op := LaneOp.ZERO
        cmd.wrAddr := gp.resized
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

    // a map whose size is not a power of two has one region: 2^log2Up(pixels) - 1 masks nothing of it
    private def mask(pixels: UInt, log2: UInt): UInt =
      if (cfg.oddMaps) ((U(1, 13 bits) |<< log2) - 1).resize(12) else pixels - 1
    // the input region's pixel mask, set at FETCH from the pass's row (the copy's first read is the cycle after):
    // subtracted in the cycle of the read, before the mask and the add, it was x64's slowest path into the buffers'
    // block RAMs, 7.40 ns
    private val inPixelMask = Reg(UInt(12 bits)) init 0

    private def copy(): Unit = {
      // the input pixel and the output pixel each in its map's region (Pass.regions)
      cmd.op := LaneOp.COPY
      val q = copyQ
      // stride 1 (a shortcut A that only widens): the input pixel is the output's
      val atOne = copiesAtStrideOne(cfg) generate (cur.stride === 1)
      copyQ := copyQ + (if (copiesAtStrideOne(cfg)) Mux(atOne, U(1, 12 bits), U(2, 12 bits)) else U(2, 12 bits))
      cmd.rdAddr := (fiBase + (q & inPixelMask).resize(bufBits)).resized
      if (!zeros) cmd.banks(0) := fiLane | ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
      cmd.pads(0) := cs < 0 || cs >= cur.cin.resize(10).asSInt
      cmd.dstLane := dstLane | ((p >> cur.log2RegionPixels).resize(laneBits) |<< cur.log2GroupLanes)
      // three channels a round (zerosApart): the second and third if the input's block, the output's group and the
      // channels go on that far (the round's flags, from the ROM); lane l writes bus l mod 3, so the bus of the
      // first's lane carries it
      val round = zeros generate new Area {
        val n = U(1, 2 bits) + U(table.two) + U(table.three)
        cmd.dstLane1 := cmd.dstLane + 1
        cmd.dstLane2 := cmd.dstLane + 2
        cmd.copy1 := table.two
        cmd.copy2 := table.three
        val m = Vec((0 until (1 << laneBits)).map(i => U(i % 3, 2 bits)))(cmd.dstLane)
        val inRegion = ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
        val src = (0 until 3).map(k => (fiLane + k).resize(laneBits) | inRegion)
        // bus j carries channel (j - m) mod 3 of the round
        def busSrc(j: Int): UInt = Mux(m === j, src(0), Mux(m === (j + 2) % 3, src(1), src(2)))
        cmd.banks(0) := busSrc(0)
        cmd.banks1(0) := busSrc(1)
        cmd.banks2(0) := busSrc(2)
        cmd.on1 := True
        cmd.on2 := True
      }
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
        if (zeros) {
          // the next round: the channels after this one's n, the input's next block, the output's next group
          fiLane := (fiLane + round.n).resized
          when(table.inLast) {
            fiLane := 0
            fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
          }
          dstLane := (dstLane + round.n).resized
          when(table.outLast) {
            dstLane := 0
            dstBase := dstBase + cur.regionPixels.resize(bufBits)
          }
          c := c + round.n
          cs := cs + round.n.resize(10).asSInt
          table.load(table.index)
        } else {
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
        }
        when(if (zeros) table.last else c === cur.lastChannel) {
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

  /** COPY's word (the broadcast, delayed to stage 5) is written by the one lane of its output channel (with three
    * a round, lane l takes bus l mod 3's word: the sequencer sent each channel on its lane's bus); ZERO's zero by
    * every lane whose place in the group is a zero channel's. */
  override def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = {
    import ln._
    import lane._
    is(LaneOp.COPY) {
      if (zerosApart(top.cfg)) {
        wr.valid := writesAhead
        wr.payload.data := Seq(bc5, bc5b, bc5c)(lane.index % 3)
      } else {
        wr.valid := s5.dstLane === lane.index
        wr.payload.data := bc5
      }
    }
    if (zerosApart(top.cfg)) is(LaneOp.ZERO) {
      wr.valid := writesAhead
      wr.payload.data := 0
    }
  }

  /** Whether lane `index` writes the COPY or ZERO word of the command at `stage` (zeros apart): the lane's
    * `writesAhead` registers it from the stage before the write-back's, since its compares after the command's
    * shift registers were x64 x3's slowest path (7.18 ns). */
  def writes(ln: NetworkLanes, stage: NetworkCmd, index: Int): Bool = {
    val top = ln.top
    val place = (U(index, top.laneBits bits) & top.cur.groupLaneMask).resize(top.laneBits + 1)
    val copy = stage.dstLane === index || (stage.copy1 && stage.dstLane1 === index) ||
      (stage.copy2 && stage.dstLane2 === index)
    val zero = place < stage.zeroLo || (place >= stage.zeroHi && place < stage.zeroTop)
    (stage.op === LaneOp.COPY && copy) || (stage.op === LaneOp.ZERO && zero)
  }
}
