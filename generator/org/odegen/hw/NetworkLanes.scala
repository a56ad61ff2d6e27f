package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The network engine's lanes (NetworkEngine): the command pipeline, each lane's feature buffers, weight
  * banks and k bank around the shared LaneCore, the residual add, ReLU, the channel and pooling sums and the
  * write-back, the broadcast buses, the norm's all-reduce and its shared norm units. */
class NetworkLanes(val top: NetworkEngine) extends Area {
  import top._
  import HwUtil._
  import HwFormat.shiftDown
  import NetworkEngine.buffers

  // ---------------------------------------------------------------- pipeline and lanes
  private val t = cfg.timing
  val pipe = new CommandPipeline(cmd, t.resultStage)(_.pipelineInit())
  val s1 = pipe.stage(t.readLatency) // the words read
  val s4 = pipe.stage(t.resultStage - 1)
  val s5 = pipe.stage(t.resultStage) // its result and the post-op
  // stage 5's selects decoded a cycle early: they fan out to every lane's adders
  val s5Pool = RegNext(s4.op === LaneOp.POOL) init False
  val s6Apply = RegNext(s5.op === LaneOp.APPLY) init False
  val s6Conv = RegNext(s5.op === LaneOp.CONV) init False
  val s6Pool = RegNext(s5Pool) init False
  val s6Last = RegNext(s5.last) init False
  val s6First = RegNext(Mux(s5Pool, s5.first, s5.firstPixel)) init False // a sum's first term
  // CONV's channel sum adds the word written, a stage after POOL's sum (NetworkLanes.Lane.sumNext)
  val s7ConvLast = RegNext(s6Conv && s6Last) init False
  val s7First = RegNext(s6First) init False
  val sumFirst = Mux(s7ConvLast, s7First, s6First)

  // mean_N's shift by the pass's log2(pixels): one flag a shift, registers of the pass's (its compares before the
  // choice of the norm unit's lane and the shift were x64 x3's slowest path into the unit's radicand, 6.56 ns);
  // a cycle after FETCH, long before a pass's first sum
  private val outShifts = cfg.normShifts.filter(_ > 0).map(s => s -> RegNext(cur.log2Out === s).init(False))
  private def shiftOut(v: SInt): SInt = {
    val r = SInt(v.getWidth bits)
    r := v
    for ((s, on) <- outShifts) when(on) { r := shiftDown(v, s).resize(v.getWidth) }
    r
  }

  // one broadcast bus a slice of the lanes (Pass.regions): slice s's word at stage 2; with two multiply-adds a
  // lane, a second a slice, the pair's second channel (zero when the cycle has none)
  val broadcast2 = Vec(SInt(W bits), cfg.slices)
  private val pairs = cfg.multiMac
  val broadcast2b = pairs generate Vec(SInt(W bits), cfg.slices)
  // three multiply-adds a lane: a third bus a slice (NetworkHwConfig.triples)
  private val triples = cfg.triples
  val broadcast2c = triples generate Vec(SInt(W bits), cfg.slices)
  // the two weight banks (even, odd addresses) read the command's word and, with pairs, the word 9 after it
  // (cmd.wAddr9), which is in the other bank
  private val wHalf = (cmd.wAddr |>> 1).resize(wBits - 1)
  // (four banks, with triples: the sequencer sends the triple's three words in bank order, the first's bank s =
  // wAddr mod 4, and bank j reads member (j - s) mod 4 at its address / 4; the bank no member is in reads the
  // first's)
  val wBankAddr = if (cfg.weightBanks == 1) Seq() else if (triples) {
    val s = cmd.wAddr(1 downto 0)
    val members = Seq(cmd.wAddr, cmd.wAddr9, cmd.wAddr18).map(a => (a |>> 2).resize(wBits - 2))
    (0 until 4).map { j =>
      val a = cloneOf(members.head)
      def of(v: Int) = members(if ((j - v + 4) % 4 == 3) 0 else (j - v + 4) % 4)
      a := of(0)
      for (v <- 1 until 4) when(s === v) { a := of(v) }
      a
    }
  } else if (!pairs) Seq(wHalf, wHalf) else {
    val half9 = (cmd.wAddr9 |>> 1).resize(wBits - 1)
    Seq(Mux(cmd.wAddr(0), half9, wHalf), Mux(cmd.wAddr(0), wHalf, half9))
  }
  private val sliceCounts = cfg.program.flatMap(p => p.kind.slices(p, L)).distinct.sorted
  // Heun's and RK4's stages before the last: their UPDATE writes the next stage input and K (one decode)
  val writesStageInput = cur.updateMode === UpdateMode.StageFirst || cur.updateMode === UpdateMode.StageAdd2
  val bc5 = Delay(broadcast2(0), t.operandToResult) // COPY's word at stage 5, one delay line for all lanes
  // COPY's second and third buses (three channels a cycle, CopyKind.zerosApart): lane l writes bus l mod 3's word
  val bc5b = CopyKind.zerosApart(cfg) generate Delay(broadcast2b(0), t.operandToResult)
  val bc5c = CopyKind.zerosApart(cfg) generate Delay(broadcast2c(0), t.operandToResult)
  // the operands wanted at stage 5, not stage 1 (POOL's x, the residual's r, the update's z where it is not the
  // multiplier's addend), are read
  // `lateRead` cycles late and registered once: one delay line of the address for all lanes, not one of the
  // word in every lane (the register keeps the block RAM's clock-to-out off the norm's adder)
  private val rdAddrLate = Delay(cmd.rdAddr, t.lateRead)
  private val isPool = cur.kind === LayerKinds.code(PoolKind)
  val bufRdAddr = (0 until buffers).map { b =>
    val late = (isPool && cur.x === b) || ((cur.residual || (if (cfg.dspAddend) False else cur.update)) && cur.r === b)
    Mux(late, rdAddrLate, cmd.rdAddr)
  }
  // three multiply-adds a lane: lanes 0 and 1 of each block of a map (a pair's RAM) read the second address where a
  // triple runs into the next block or tap (ConvTriples); the lanes that are some conv's block's first two
  private val altBlock = if (!triples) 0 else cfg.program.filter(cfg.paired).map(_.inLanes(L)).foldLeft(L)(_ min _)
  private def readsAlt(l: Int): Boolean = triples && l % altBlock < 2
  private def bufRdAddrOf(l: Int): Seq[UInt] = if (!readsAlt(l)) bufRdAddr else {
    val first = (U(l, laneBits bits) & cur.inLaneMask) < 2
    bufRdAddr.map(a => Mux(cmd.alt && first, cmd.rdAddrAlt, a))
  }
  // lanes 2p and 2p+1 keep their feature buffers in one memory where a buffer is a block RAM below half
  // full at twice the width (narrow formats, small shares: x64's 256 words a lane)
  val bufferPairs = (0 until L / 2).map { pr =>
    val d = cfg.bufferDepth(2 * pr) max cfg.bufferDepth(2 * pr + 1)
    if (W <= 18 && d > 64 && d <= 512)
      Some((0 until buffers).map(_ => LanePairRam(d, W, cfg.definitionName + "_LanePairRam", t.readLatency)))
    else None
  }
  // with triples, lanes 2p and 2p+1 keep each weight bank in one memory (a RAMB18 as 512 x 36: all lanes read
  // one address, the loader writes a lane's half), so that four banks take the block RAMs two took
  val weightPairs = triples generate (0 until L / 2).map { _ =>
    (0 until 4).map { j =>
      val r = LanePairRam(cfg.weightDepth / cfg.weightBanks, W, cfg.definitionName + "_LanePairRam", t.readLatency)
      r.io.ra := wBankAddr(j).resized
      r
    }
  }
  // each multiplier's bank, by the first word's address mod 4 at the read: bus 0's bank 0 or 3, bus 1's 1 or 2,
  // bus 2's 2 or 0 (ConvKind sends each bus its channel)
  private val sRead = triples generate Delay(cmd.wAddr(1 downto 0), t.readLatency)
  private val takes3 = triples generate (sRead =/= 0)
  private val takes2For1 = triples generate (sRead === 2)
  private val takes0For2 = triples generate sRead(1)
  /** Lane `index`: its memories, its LaneCore, its write-back (each kind's, [[LayerKind.writeBack]]). */
  class Lane(val index: Int) extends Area {
    private val l = index
    private val pair = if (L >= 2) bufferPairs(l / 2) else None
    private val bufAddrBits = pair.map(_.head.io.ra.getWidth).getOrElse(addrWidth(cfg.bufferDepth(l)))
    val bufs = if (pair.isDefined) Seq() else (0 until buffers).map(_ => BankMem(cfg.bufferDepth(l), W, distributedBelow = 64))
    // the weight ring: one memory, or two, of the even and the odd addresses, written two words a cycle
    val weights = if (triples) Seq() else (0 until cfg.weightBanks).map(_ => BankMem(cfg.weightDepth / cfg.weightBanks, W))
    val bufOut = pair match {
      case Some(rams) =>
        if (l % 2 == 0) for ((r, b) <- rams.zipWithIndex) r.io.ra := bufRdAddrOf(l)(b).resized
        rams.map(_.half(l % 2))
      case None => bufs.zipWithIndex.map { case (m, b) => m.readSync(bufRdAddrOf(l)(b).resize(bufAddrBits), t.readLatency) }
    }
    private def writeBuf(b: Int, addr: UInt, data: SInt, enable: Bool): Unit = pair match {
      case Some(rams) =>
        if (l % 2 == 0) rams(b).io.wa := addr.resized
        rams(b).io.wd(W * (l % 2) + W - 1 downto W * (l % 2)) := data.asBits
        rams(b).io.we(l % 2) := enable
      case None => bufs(b).write(addr.resize(bufAddrBits), data, enable)
    }
    private val wOuts = if (triples) weightPairs(l / 2).map(_.half(l % 2))
      else if (cfg.weightBanks == 1) Seq(weights.head.readSync(cmd.wAddr, t.readLatency))
      else weights.zip(wBankAddr).map { case (m, a) => m.readSync(a, t.readLatency) }
    private val oddFirst1 = !triples generate Delay(cmd.wAddr(0), t.readLatency)
    val wOut = if (triples) Mux(takes3, wOuts(3), wOuts(0))
      else if (cfg.weightBanks == 1) wOuts.head else Mux(oddFirst1, wOuts(1), wOuts(0))
    // the pair's second weight, in the other bank (a triple's second and third: their buses' banks)
    val wOut1 = pairs generate (if (triples) Mux(takes2For1, wOuts(2), wOuts(1)) else Mux(oddFirst1, wOuts(0), wOuts(1)))
    val wOut2 = triples generate Mux(takes0For2, wOuts(0), wOuts(2))
    val bcOut = pick(bufOut, cur.bc)
    val xOut = pick(bufOut, cur.x)
    val rOut = pick(bufOut, cur.r)
    // a channel of this group exists in this lane (every slice of a channel computes it)
    val active = (gChan + (U(l, laneBits bits) & cur.groupLaneMask).resize(9)) < cur.cout.resize(9)
    // the bus of this lane's slice: lane l is in slice l / (lanes / slices) of a pass cut into `slices`
    val bc2 = SInt(W bits)
    bc2 := broadcast2(0)
    for (n <- sliceCounts if n > 1) when(cur.log2Slices === log2Up(n)) { bc2 := broadcast2(l / (L / n)) }
    val bc2b = pairs generate SInt(W bits)
    if (pairs) {
      bc2b := broadcast2b(0)
      for (n <- sliceCounts if n > 1) when(cur.log2Slices === log2Up(n)) { bc2b := broadcast2b(l / (L / n)) }
    }
    val bc2c = triples generate SInt(W bits)
    if (triples) {
      bc2c := broadcast2c(0)
      for (n <- sliceCounts if n > 1) when(cur.log2Slices === log2Up(n)) { bc2c := broadcast2c(l / (L / n)) }
    }

    val core = new LaneCore(fmt, cfg.mulq, cfg.accWidth, cfg.batchStats, t, cfg.definitionName, cfg.macsPerLane,
      addendAhead = true)(pipe.stage(_).op, s5.first)
    core.wOut := wOut
    // with triples every A and B word is in bank 0 (NetworkHwConfig.paramStride)
    core.paramWord := (if (triples) wOuts(0) else wOut)
    core.xOut := xOut
    core.broadcast := bc2
    if (pairs) {
      core.broadcast1 := bc2b
      core.wOut1 := wOut1
    }
    if (triples) {
      core.broadcast2 := bc2c
      core.wOut2 := wOut2
    }
    val sum = Reg(SInt(cfg.sumWidth bits)) init 0
    // the norm's all-reduce over the slices: the partner lane's sum and variance (assigned below the lanes)
    val sumPartner = SInt(cfg.sumWidth bits)
    val accPartner = SInt(cfg.accWidth bits)
    val inv = cfg.batchStats generate Reg(SInt(W bits)) // from the norm unit this lane shares
    if (cfg.batchStats) core.inv := inv

    // mean_N over pixels that are not a power of two: the channel sum's (the mean, a pooling) or the
    // variance sum's quotient
    val divider = cfg.divides generate {
      val d = MeanDivider(cfg.divideWidth, 12)
      d.setDefinitionName(cfg.definitionName + "_MeanDivider")
      d.io.start := divStart
      d.io.dividend := Mux(divOfVariance, core.acc.resize(cfg.divideWidth), sum.resize(cfg.divideWidth))
      d.io.divisor := cur.avgPixels
      d
    }
    when(waits.latchMean) {
      core.mean := shiftOut(sum.resize(cfg.sumWidth)).resized
      if (cfg.divides) when(cur.divide) { core.mean := divider.io.quotient.resized }
    }
    when(cmd.op === LaneOp.UPDATE) {
      // the group's APPLY is over: with the mean at 0, d2 is x itself, UPDATE's operand (one multiplexer
      // input fewer); the next group's LATCH_MEAN sets it again
      core.mean := 0
    }
    // read late (bufRdAddr): POOL's x and the residual's or the update's r arrive a stage before the result
    val x5 = RegNext(xOut)
    val r5 = RegNext(rOut)

    // Heun and RK4: the k bank (K, the running sum of the stages' k), read beside x at stage 1; the
    // UPDATE's multiplier operand at stage 2 (k, rnd(K + k, 1) or K + k); K's new value written at stage 2
    private val bW = cfg.mulq.b
    val stage = cfg.multiStage generate new Area {
      val kBank = BankMem(cfg.kDepth(l), cfg.kWidth, distributedBelow = 64)
      val kOut = kBank.readSync(cmd.rdAddr.resize(addrWidth(cfg.kDepth(l))), t.readLatency)
      val k = xOut.resize(cfg.kWidth + 1)
      val kSum = kOut.resize(cfg.kWidth + 1) + k
      val operand = SInt(bW bits)
      operand := xOut.resized
      switch(cur.updateMode) {
        is(UpdateMode.HeunLast) { operand := HwFormat.rnd(kSum.resize(cfg.kWidth + 2), 1).resized } // rnd(K + k, 1)
        is(UpdateMode.Rk4Last) { operand := kSum.resized }
      }
      val b2 = RegNext(operand)
      val kNext = Mux(cur.updateMode === UpdateMode.StageFirst, k, kOut.resize(cfg.kWidth + 1) + (k |<< 1))
      val kWrite = RegNext(s1.op === LaneOp.UPDATE && active && writesStageInput) init False
      kBank.write(RegNext(s1.rdAddr).resize(addrWidth(cfg.kDepth(l))), RegNext(kNext.resize(cfg.kWidth)), kWrite)
    }
    // UPDATE's operands: Euler's computes mulq(x, h), which is mulq(h, x), so that h is one more source of b
    // only (d2 is x, the mean at 0); Heun's and RK4's put h on a and their wider operand on b
    if (cfg.multiStage) {
      core.updA := cur.h
      core.updB := stage.b2
    } else {
      core.updA := core.d2
      core.updB := cur.h.resized
    }

    // stage 5: the classifier's bias starts its sum: sat(bias + SUM) is ARITHMETIC.md's sat(SUM + bias), exact sums
    core.accStart := Mux(isFc, core.beta.resize(cfg.accWidth), S(0, cfg.accWidth bits))
    // the all-reduce's adds share the accumulator's adder (the pipeline is drained then)
    if (cfg.slices > 1) {
      core.accAddend := Mux(reduceVar, accPartner, core.prod)
      when(reduceVar) { core.acc := core.accNext }
    }
    // UPDATE's z: for the multiplier's addend, read with the command and registered beside d2 (stage 2); else
    // read late, at stage 4
    if (cfg.dspAddend) core.updAddend2 := RegNext(rOut) else core.updAddend4 := rOut
    val normed = core.normed

    // COPY's and ZERO's write in this lane, decided a stage early (CopyKind.writes)
    val writesAhead = CopyKind.zerosApart(cfg) generate (RegNext(CopyKind.writes(NetworkLanes.this, s4, l)) init False)
    val wr = Flow(LaneWrite(cfg.bufferDepth(l), W))
    val wrBuf = UInt(2 bits)
    wr.valid := False
    wr.payload.addr := s5.wrAddr.resized
    wr.payload.data := normed // CONV's word is the accumulator's, saturated at stage 6 (data6)
    wrBuf := cur.w
    switch(s5.op) {
      for (k <- LayerKinds.all) k.writeBack(NetworkLanes.this)(this)
    }
    // stage 6: APPLY's residual add and ReLU, a stage after the norm's adder (the two adders and their
    // saturations in one cycle were the engine's slowest path)
    val wr6 = RegNext(wr)
    wr6.valid.init(False)
    val wrBuf6 = RegNext(wrBuf)
    val r6 = RegNext(r5)
    // CONV's word: the accumulator saturated a stage after its last add (stage 5 holds the next pixel's first
    // tap, which replaces it only at the end of this cycle); the add and the saturation in one cycle, after the
    // all-reduce partner's select, were x64's slowest path (7.54 ns)
    val data6 = Mux(s6Conv, fmt.sat(core.acc), wr6.payload.data)
    val added = Mux(cur.residual, fmt.sat(wr6.payload.data.resize(W + 1) + r6.resize(W + 1)), wr6.payload.data)
    val applied = Mux(cur.relu && added.msb, S(0, W bits), added)
    // stage 7: write back (registered), or the image
    val wr7 = RegNext(wr6)
    wr7.valid.init(False)
    wr7.payload.data.allowOverride()
    wr7.payload.data := data6
    when(s6Apply) {
      wr7.payload.data := applied
    }
    // one adder for the norm's channel sum (CONV, of the words written: wr7's, at stage 7) and the pooling sum
    // (POOL, at stage 6), each term a register: CONV's from `data6` at stage 6 (the accumulator's saturation,
    // then the choice of the all-reduce's partner, then the adder) was x64 x3's slowest path after the norm's
    // adder, 6.17 ns. The channel sum is read after the DRAIN that follows the writes
    val sumNext = Mux(sumFirst, S(0, cfg.sumWidth bits), sum) + Mux(s7ConvLast, wr7.payload.data.resize(cfg.sumWidth),
      if (cfg.slices > 1) Mux(reduceSum, sumPartner, wr6.payload.data.resize(cfg.sumWidth))
      else wr6.payload.data.resize(cfg.sumWidth))
    when(s7ConvLast || s6Pool || (if (cfg.slices > 1) reduceSum else False)) {
      sum := sumNext
    }
    // POOL's word: the sum register shifted at stage 7, the cycle after its last add (the shift after the add in
    // one cycle, with CONV's saturation before the add, was x64's slowest path left, 7.5 ns)
    val s7Pool = RegNext(s6Pool) init False
    val data7 = Mux(s7Pool, shiftOut(sum).resize(W), wr7.payload.data)
    val wrBuf7 = RegNext(wrBuf6)
    val imageHere = inputWrite && imageLane === l
    for (b <- 0 until buffers) {
      val img = if (b == 0) imageHere else False
      // the address is every lane's (a pair's lanes share it): the image's while it arrives (no write-back then)
      writeBuf(b, Mux(inputWrite, imageAddr.resize(wr7.payload.addr.getWidth), wr7.payload.addr),
        Mux(img, inWord, data7), img || (wr7.valid && wrBuf7 === b))
    }
    private val weightHere = (U(l, laneBits bits) & loader.wr.mask) === loader.wr.lane
    for ((m, b) <- weights.zipWithIndex) m.write(loader.wr.addr(b), loader.wr.data(b), loader.wr.en(b) && weightHere)
    if (triples) for ((r, b) <- weightPairs(l / 2).zipWithIndex) {
      if (l % 2 == 0) r.io.wa := loader.wr.addr(b).resized
      r.io.wd(W * (l % 2) + W - 1 downto W * (l % 2)) := loader.wr.data(b).asBits
      r.io.we(l % 2) := loader.wr.en(b) && weightHere
    }
  }
  val lanes = for (l <- 0 until L) yield new Lane(l)

  // broadcast of stage 1: the word of the channel being read, or the time plane, or a padding zero
  val source = pick(lanes.map(_.bcOut), s1.banks(0))
  for (sl <- 0 until cfg.slices) {
    val word = if (sl == 0) source else pick(lanes.map(_.bcOut), s1.banks(sl))
    if (!triples) broadcast2(sl) := RegNext(Mux(s1.pads(sl), S(0, W bits), Mux(s1.isTime, cur.tValue, word)))
    // the pair's second channel: the lane after the first's (its bank is even), or zero
    if (cfg.pairs) broadcast2b(sl) := RegNext(Mux(s1.pads(sl) || !s1.pair1, S(0, W bits),
      pick(lanes.map(_.bcOut), s1.banks(sl) | 1)))
    // a triple's: the members the sequencer sent each bus (any may carry the time channel), or zero; a member of
    // the next tap takes that tap's padding (ConvTriples)
    if (triples) {
      val pad = Seq(s1.next0, s1.next1, s1.next2).map(n => Mux(n, s1.padsNext(sl), s1.pads(sl)))
      broadcast2(sl) := RegNext(Mux(pad(0) || s1.off0, S(0, W bits), Mux(s1.isTime, cur.tValue, word)))
      broadcast2b(sl) := RegNext(Mux(pad(1) || !s1.on1, S(0, W bits),
        Mux(s1.time1, cur.tValue, pick(lanes.map(_.bcOut), s1.banks1(sl)))))
      broadcast2c(sl) := RegNext(Mux(pad(2) || !s1.on2, S(0, W bits),
        Mux(s1.time2, cur.tValue, pick(lanes.map(_.bcOut), s1.banks2(sl)))))
    }
  }

  // the norm's all-reduce: step j adds lane l ^ (lanes >> (j + 1)), so that after log2(slices) steps every
  // slice's lane of a channel holds the sum over all of them (the partners of a pass cut into fewer slices
  // are the first steps' only)
  for (l <- 0 until L) {
    val partners = (0 until log2Up(cfg.slices)).map(j => lanes(l ^ (L >> (j + 1))))
    if (partners.isEmpty) {
      lanes(l).sumPartner := 0
      lanes(l).accPartner := 0
    } else {
      lanes(l).sumPartner := pick(partners.map(_.sum), reduceStep)
      lanes(l).accPartner := pick(partners.map(_.core.acc), reduceStep)
    }
  }

  // the batch-stats norm's isqrt and divider: one unit per `normShare` lanes (a unit is ~350 LUTs, and it
  // is busy only between VAR and SCALE), started on each of its lanes' variance in turn
  // pipelined units (NetworkHwConfig.pipelinedNorm): each lane takes its result normWait cycles after its start,
  // as one lane a unit does at NORM_WAIT's last cycle: the start and its lane (normSel), delayed (no count that a
  // run ended by a read error in the middle of a group would leave behind)
  private val (take, takeLane) = if (!cfg.pipelinedNorm) (invLatch, normSel)
    else (Delay(waits.normStart, cfg.normWait, init = False), Delay(normSel, cfg.normWait))
  val normUnits = if (!cfg.batchStats) Seq() else (0 until L / cfg.normShare).map { u =>
    new Area {
      val members = (0 until cfg.normShare).map(j => lanes(u * cfg.normShare + j))
      val unit = IsqrtDivUnit(fmt, cfg.eps, cfg.pipelinedNorm)
      unit.setDefinitionName(cfg.definitionName + "_IsqrtDiv")
      // the start and its lane's variance registered on the way in: the lane's pick, its shift and the unit's
      // add of eps were x64 x3's slowest path into the unit (5.84 ns). Its result then comes a cycle later, one
      // of the two cycles of margin in normWait (LaneTiming.normWait), so the lanes take it as before
      val variance = UInt(unit.io.variance.getWidth bits)
      variance := shiftOut(pick(members.map(_.core.acc), normSel)).asUInt.resized
      if (cfg.divides) when(cur.divide) {
        variance := pick(members.map(_.divider.io.quotient), normSel).asUInt.resized
      }
      unit.io.start := RegNext(waits.normStart) init False
      unit.io.variance := RegNext(variance)
      for ((m, j) <- members.zipWithIndex) when(take && takeLane === j) { m.inv := unit.io.inv }
    }
  }

  outStream.push(s1.op === LaneOp.OUT, source, s1.outLast)
}
