package org.odegen.hw

import spinal.core._

/** One pass of the layer program as the ROM holds it (see [[Pass]]). */
case class PassDesc(cfg: NetworkHwConfig) extends Bundle {
  val kind = UInt(LayerKinds.codeBits bits)
  val bc, x, r, w = UInt(2 bits)
  val cin = UInt(8 bits)
  val cout = UInt(8 bits)
  val time = Bool()
  val taps = UInt(12 bits)
  val convCycles = UInt(12 bits) // CONV's cycles a pixel: taps, or fewer where the lanes take channel pairs
  val paired = Bool()
  // three multiply-adds a lane (ConvTriples): the members of a tap's list, whether a triple crossing a tap has its
  // bank order turned (a list of 0 mod 4), and the weight steps back to the next tap (1 - 9 x list) and of a
  // triple into it (28 - 9 x list), modulo the ring's words
  val tripleList = cfg.triples generate UInt(10 bits)
  val tripleRotate = cfg.triples generate Bool()
  val tripleBack, tripleWrapStep = cfg.triples generate UInt(HwUtil.addrWidth(cfg.weightDepth) bits)
  val log2In = UInt(3 bits) // log2 of the input's columns, a row's words (where a power of two)
  val inCols = UInt(7 bits)
  val inRows = UInt(7 bits)
  val inPixels = UInt(12 bits)
  val outCols = UInt(7 bits) // the output's columns (its rows are counted by the pixels)
  val outPixels = UInt(12 bits)
  val log2Out = UInt(4 bits)
  val stride = UInt(2 bits)
  val tValue = SInt(cfg.dataWidth bits)
  val relu = Bool()
  val residual = Bool()
  val update = Bool()
  val updateMode = UInt(3 bits)
  val h = SInt(cfg.dataWidth bits)
  // the last group and the last group of a load (groups - 1, groupsPerLoad - 1): compared with g and gl as they
  // are, since the subtraction before the compare fed the phase's next value (x64 x2's slowest path, 7.24 ns)
  val lastGroup = UInt(8 bits)
  val loads = UInt(8 bits)
  val lastGroupOfLoad = UInt(8 bits)
  // the last pixel of a region, of the input and of the output, and the last output channel, for the same reason
  val lastRegionPixel = UInt(12 bits)
  val lastInPixel = UInt(12 bits)
  val lastOutPixel = UInt(12 bits)
  val lastChannel = UInt(8 bits)
  val rowsPerLoad = UInt(8 bits)
  val lastLoadRows = UInt(8 bits)
  val wordsPerLoad = UInt(24 bits)
  val lastLoadWords = UInt(24 bits)
  val weightsAt = UInt(24 bits)
  val normAAt = UInt(24 bits)
  val normBAt = UInt(24 bits)
  val chanOffset = UInt(8 bits)
  // lanes over pixels (Pass.regions): the layout of the map read and of the map written
  val regionPixels = UInt(12 bits)
  val inRegionPixels = UInt(12 bits)
  val log2RegionPixels = UInt(4 bits)
  val log2InRegionPixels = UInt(4 bits)
  val log2InRegionRows = UInt(3 bits)
  val inRegionRowMask = UInt(6 bits)
  val inRegions = UInt(6 bits)
  val groupLaneMask = UInt(HwUtil.addrWidth(cfg.lanes) bits) // groupLanes - 1
  val log2GroupLanes = UInt(3 bits)
  val inLaneMask = UInt(HwUtil.addrWidth(cfg.lanes) bits)
  val log2InLanes = UInt(3 bits)
  val log2SliceStep = UInt(3 bits) // log2(input regions / slices): slice s reads from region s * step + delta
  val log2Slices = UInt(2 bits) // the norm's all-reduce steps over the slices
  // mean_N over pixels that are not a power of two (MeanDivider): N
  val divide = Bool()
  val avgPixels = UInt(12 bits)
  // the weight ring's load its first group reads, and the offsets of norm A and B in a load (WeightRing)
  val firstLoad = UInt(HwUtil.addrWidth(cfg.weightRing.loads.size + 1) bits)
  val normAOffset, normBOffset = UInt(HwUtil.addrWidth(cfg.weightDepth) bits)
  // a copy that writes its zero channels apart (CopyKind.zerosApart): the lane and the address of its first copied
  // channel (the channel offset's)
  val copyLane = CopyKind.zerosApart(cfg) generate UInt(HwUtil.addrWidth(cfg.lanes) bits)
  val copyBase = CopyKind.zerosApart(cfg) generate UInt(12 bits)
  // the copy's first round in the sequencer's ROM of rounds (CopyKind.roundTable)
  val firstRound = CopyKind.zerosApart(cfg) generate UInt(log2Up(CopyKind.roundTable(cfg).size + 1).max(1) bits)
  // its weights are an earlier pass's, kept: the loader skips it
  val reuse = Bool()
}

object PassDesc {
  /** The ROM entry of a pass. */
  def describe(cfg: NetworkHwConfig, p: Pass, use: PassWeights): PassDesc = {
    val d = PassDesc(cfg)
    val l = cfg.lanes
    d.kind := LayerKinds.code(p.kind)
    d.bc := p.bc
    d.x := p.x
    d.r := p.r
    d.w := p.w
    d.cin := p.cin
    d.cout := p.cout
    d.time := Bool(p.time.isDefined)
    d.taps := p.taps
    d.convCycles := cfg.convCycles(p)
    d.paired := Bool(cfg.paired(p))
    if (cfg.triples) {
      val n = if (cfg.paired(p)) cfg.tripleList(p) else 3
      val ring = 1 << HwUtil.addrWidth(cfg.weightDepth)
      def modRing(v: Int) = ((v % ring) + ring) % ring
      d.tripleList := n
      d.tripleRotate := Bool(n % 4 == 0)
      d.tripleBack := modRing(1 - 9 * n)
      d.tripleWrapStep := modRing(28 - 9 * n)
    }
    d.log2In := log2Up(p.inCols)
    d.inCols := p.inCols
    d.inRows := p.inSize
    d.inPixels := p.inPixels
    d.outCols := p.outCols
    d.outPixels := p.outPixels
    d.log2Out := p.kind.averages(p).getOrElse(log2Up(p.outPixels))
    d.stride := p.stride.min(3)
    d.tValue := S(p.time.getOrElse(0L), cfg.dataWidth bits)
    d.relu := Bool(p.relu)
    d.residual := Bool(p.residual)
    d.update := Bool(p.update.isDefined)
    d.updateMode := p.updateMode
    d.h := S(p.update.getOrElse(0L), cfg.dataWidth bits)
    d.lastGroup := (p.groups(l) - 1).max(0)
    d.loads := (if (p.hasWeights) p.loads(l) else 0)
    d.lastGroupOfLoad := (p.groupsPerLoad(l) - 1).max(0)
    d.lastRegionPixel := (p.regionPixels(l) - 1).max(0)
    d.lastInPixel := (p.inPixels - 1).max(0)
    d.lastOutPixel := (p.outPixels - 1).max(0)
    d.lastChannel := (if (p.kind == CopyKind && CopyKind.zerosApart(cfg)) p.chanOffset + p.cin - 1 else p.cout - 1).max(0)
    d.rowsPerLoad := p.rowsPerLoad(l).min(255)
    d.lastLoadRows := (if (p.hasWeights) p.lastLoadRows(l) else 0)
    d.wordsPerLoad := (if (p.hasWeights) p.rowsPerLoad(l) * p.taps else 0)
    d.lastLoadWords := (if (p.hasWeights) p.lastLoadRows(l) * p.taps else 0)
    d.weightsAt := p.weightsAt
    d.normAAt := p.normAAt
    d.normBAt := p.normBAt
    d.chanOffset := p.chanOffset
    d.regionPixels := p.regionPixels(l)
    d.inRegionPixels := p.inRegionPixels(l)
    d.log2RegionPixels := log2Up(p.regionPixels(l))
    d.log2InRegionPixels := log2Up(p.inRegionPixels(l))
    d.log2InRegionRows := p.log2InRegionRows(l)
    // a region's rows are masked in its lane's buffer; a map of another size has one region, unmasked
    val rows = p.inSize / p.inRegions(l)
    d.inRegionRowMask := (if ((rows & (rows - 1)) == 0) rows - 1 else 63)
    d.inRegions := p.inRegions(l)
    d.groupLaneMask := p.groupLanes(l) - 1
    d.log2GroupLanes := log2Up(p.groupLanes(l))
    d.inLaneMask := p.inLanes(l) - 1
    d.log2InLanes := log2Up(p.inLanes(l))
    d.log2SliceStep := log2Up(p.inRegions(l) / p.outRegions(l))
    d.log2Slices := log2Up(p.outRegions(l))
    d.divide := Bool(p.kind.divides(p))
    d.avgPixels := p.kind.averagedPixels(p).getOrElse(1)
    d.firstLoad := use.firstLoad
    d.reuse := Bool(use.reuse)
    d.normAOffset := (if (p.hasWeights) WeightRing.normAOffset(p, l, cfg.paramStride) else 0)
    d.normBOffset := (if (p.hasWeights) WeightRing.normBOffset(p, l, cfg.paramStride) else 0)
    if (CopyKind.zerosApart(cfg)) {
      val first = if (p.kind == CopyKind) p.chanOffset else 0
      d.copyLane := first % p.groupLanes(l)
      d.copyBase := first / p.groupLanes(l) * p.regionPixels(l)
      d.firstRound := (if (p.kind == CopyKind) CopyKind.firstRound(cfg, p) else 0)
    }
    d
  }
}
