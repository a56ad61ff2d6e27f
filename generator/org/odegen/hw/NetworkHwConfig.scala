package org.odegen.hw

import spinal.core._

/** What a conv pass's UPDATE phase does with the stage's `k` (the pass's output `x`), `z` (`r`) and the
  * lane's k bank `K`, at coefficient `c` (the pass's `update`), per ARITHMETIC.md's solvers:
  * every stage input is `sat(z + mulq(c, k))`, written over `k` in place; the last stage writes `z`. */
object UpdateMode {
  /** Euler's step, `z = sat(z + mulq(h, k))`. */
  val Euler = 0
  /** A first stage (Heun, RK4): the next stage input `sat(z + mulq(c, k))` over `k`; `K = k`. */
  val StageFirst = 1
  /** RK4's second and third stages: the same, and `K = K + 2k`. */
  val StageAdd2 = 2
  /** Heun's last stage: `z = sat(z + mulq(h, rnd(K + k, 1)))`. */
  val HeunLast = 3
  /** RK4's last stage: `z = sat(z + mulq(h6, K + k))`, the sum W+3 bits. */
  val Rk4Last = 4
}

/** One pass of the layer program, as the generator knows it (constants of the ROM the sequencer reads).
  *
  * Feature maps live in three buffers (0, 1, 2); channel `c` of a map is in lane `c % lanes` at
  * `(c / lanes) * H*W + y*W + x`, or, for a map of fewer channels than lanes, in row regions spread over
  * the lanes ([[Pass.regions]]). `bc` is the buffer whose words are broadcast to all lanes (a conv's
  * input), `x` the lane's own operand (the map the norm runs over, in place), `r` the second operand
  * (the residual of a ResNet block, `z` of an Euler update), `w` the buffer written.
  *
  * Blob offsets are 32-bit word indices into NETWORK.md's parameter blob. */
case class Pass(
    kind: LayerKind,
    label: String,
    bc: Int,
    x: Int,
    r: Int,
    w: Int,
    cin: Int,
    cout: Int,
    inSize: Int,
    stride: Int,
    time: Option[Long] = None,
    relu: Boolean = false,
    residual: Boolean = false,
    update: Option[Long] = None,
    updateMode: Int = UpdateMode.Euler,
    weightsAt: Int = 0,
    normAAt: Int = 0,
    normBAt: Int = 0,
    chanOffset: Int = 0,
    /** The input map's width where it is not its height `inSize` (0: square). */
    inWidth: Int = 0
) {
  /** The input map's columns: `inSize` is its rows. */
  def inCols: Int = if (inWidth > 0) inWidth else inSize
  /** ARITHMETIC.md: a stride-2 conv of an odd map keeps its last row and column, `ceil(size / 2)`. */
  def outSize: Int = (inSize + stride - 1) / stride
  def outCols: Int = (inCols + stride - 1) / stride
  def outPixels: Int = outSize * outCols
  def inPixels: Int = inSize * inCols
  /** Input channels of the convolution, the time channel included. */
  def cinTotal: Int = cin + (if (time.isDefined) 1 else 0)
  /** Multiply-adds of one output pixel of one output channel (its kind's). */
  def taps: Int = kind.taps(this)
  def hasWeights: Boolean = kind.hasWeights
  def macs: Long = if (hasWeights) cout.toLong * outPixels * taps else 0
  /** Row regions of the map this pass reads and of the map it writes (see [[Pass.regions]]). */
  def inRegions(lanes: Int): Int = Pass.regions(cin, inSize, inCols, lanes)
  def outRegions(lanes: Int): Int = Pass.regions(cout, outSize, outCols, lanes)
  /** Lanes a region of the output spans: a group's output channels, one a lane. The output's regions are
    * the conv's slices: lane `o + groupLanes * s` computes channel `o` of the group on the rows of region `s`. */
  def groupLanes(lanes: Int): Int = lanes / outRegions(lanes)
  def inLanes(lanes: Int): Int = lanes / inRegions(lanes)
  /** Output pixels a lane computes of each of its channels: its region's. */
  def regionPixels(lanes: Int): Int = outPixels / outRegions(lanes)
  def inRegionPixels(lanes: Int): Int = inPixels / inRegions(lanes)
  /** log2 of a region's rows of the input map (the shift from a row to its region, ConvTaps). */
  def log2InRegionRows(lanes: Int): Int = log2Up(inSize / inRegions(lanes))
  def groups(lanes: Int): Int = (cout + groupLanes(lanes) - 1) / groupLanes(lanes)
  /** Weight loads (its kind's): a conv loads each group of `groupLanes` output channels into a weight slot while
    * the group before it computes (every slice of a channel gets its row); the classifier loads all its rows
    * into one slot. */
  def loads(lanes: Int): Int = kind.loads(this, lanes)
  def groupsPerLoad(lanes: Int): Int = kind.groupsPerLoad(this, lanes)
  def rowsPerLoad(lanes: Int): Int = kind.rowsPerLoad(this, lanes)
  def lastLoadRows(lanes: Int): Int = cout - (loads(lanes) - 1) * rowsPerLoad(lanes)
}

object Pass {
  /** Lanes over pixels: a map of fewer channels than lanes is cut into `regions` blocks of whole rows, and
    * channel `c`'s rows of region `r` live in lane `c % (lanes / regions) + (lanes / regions) * r`, at
    * `(c / (lanes / regions)) * regionPixels + local pixel`; with one region this is `c % lanes` at
    * `(c / lanes) * pixels + pixel`. So a conv whose output has fewer channels than lanes keeps every lane
    * busy: its output regions are slices of the lanes that compute their rows at once, reading the same
    * address of the input map (one read address for all lanes) from their own region of it, and its
    * neighbours' for the rows around a region's edge. The most regions a map of `channels` x `size`^2 gets
    * (a power of two, whole rows each, of a map whose size is a power of two); maps of more channels never have more regions, so an input's regions
    * are a multiple of its conv's slices. */
  def regions(channels: Int, height: Int, width: Int, lanes: Int): Int = {
    var r = 1
    // a region's rows are a power of two (the conv masks its row) of a power of two of words (it shifts it)
    if (!isPow2(height) || !isPow2(width)) return 1
    while (channels * r * 2 <= lanes && height % (r * 2) == 0) r *= 2
    r
  }
  def regions(channels: Int, size: Int, lanes: Int): Int = regions(channels, size, size, lanes)
}

/** Parameters of one generated network engine, validated: a network (its description's image shape), its
  * lanes and number format, and the layer program its sequencer runs (see [[NetworkProgram]]). */
case class NetworkHwConfig(
    name: String,
    variantCode: Int,
    depth: Int,
    lanes: Int,
    dataWidth: Int,
    frac: Int,
    batchStats: Boolean,
    eps: Long,
    program: Seq[Pass],
    blobWords: Int,
    normShare: Int = 1,
    solver: org.odegen.model.OdeSolver = org.odegen.model.OdeSolver.EULER,
    /** NETWORK_ID: the CRC-32 of the network's canonical network.json (MODEL.md). */
    networkId: Long = 0L,
    /** The image's shape, C x H x W. */
    imageChannels: Int = 3,
    imageHeight: Int = 32,
    imageWidth: Int = 32,
    /** The ODE layers use more than one solver: `solver` is then the largest, and WIDTH's solver field 3. */
    mixedSolvers: Boolean = false,
    /** Multiply-adds a lane does each cycle of a 3x3 conv: 1, 2 (two input channels at once, a second DSP48E1 a
      * lane; formats of at most 18 bits, whose two weight banks give both weights in one cycle) or 3 (three input
      * channels, four weight banks: [[triples]]). */
    macsPerLane: Int = 1
) {
  require(isPow2(lanes) && lanes >= 1 && lanes <= 64, s"lanes = $lanes must be a power of two in 1..64")
  require(macsPerLane >= 1 && macsPerLane <= 3, s"macsPerLane = $macsPerLane must be 1, 2 or 3")
  require(macsPerLane == 1 || dataWidth <= 18,
    s"$macsPerLane multiply-adds a lane need a format of at most 18 bits (its weight banks), not $dataWidth")
  // a pair's channels are in two lanes at one address: a map spread over one lane keeps its channels at
  // different addresses of that lane (only a map of one channel may be, whose pair is one and a padding zero)
  require(!triples || lanes >= 2, "three multiply-adds a lane need at least 2 lanes (two share each weight RAM)")
  // a triple that runs from one block of channels into the next reads lanes 0 and 1 of the next at a second
  // address, so that its members in the first block must be in lanes 2 and up
  for (p <- program if triples && paired(p))
    require(p.cin <= p.inLanes(lanes) || p.inLanes(lanes) >= 4, s"${p.label}: three multiply-adds a lane need its " +
      s"${p.cin} input channels in one block of lanes or in blocks of at least 4, not ${p.inLanes(lanes)}")
  for (p <- program if pairs && paired(p))
    require(p.inLanes(lanes) >= 2 || p.cin == 1, s"${p.label}: two multiply-adds a lane need its ${p.cin} input " +
      s"channels over at least 2 lanes, not ${p.inLanes(lanes)}")
  require(isPow2(normShare) && normShare >= 1 && normShare <= lanes,
    s"normShare = $normShare lanes a norm unit must be a power of two in 1..$lanes")
  format // validates Q(W,F)
  require(eps >= 1, "eps must be at least 1")
  require(networkId >= 0 && networkId <= 0xFFFFFFFFL, s"NETWORK_ID $networkId is not a 32-bit CRC")
  require(program.last.kind == OutputKind, "the program ends with the output pass")
  for (p <- program) p.kind.check(p, lanes)
  // the pass's r is its residual or its z (NetworkProgram), which the lanes read at different stages
  for (p <- program) require(!(p.residual && p.update.isDefined), s"${p.label}: a pass adds a residual or updates z, not both")

  def log2Lanes: Int = log2Up(lanes)
  require(imageChannels >= 1 && imageHeight >= 1 && imageWidth >= 1,
    s"image ${imageChannels}x${imageHeight}x$imageWidth is empty")
  def imagePixels: Int = imageHeight * imageWidth
  def imageWords: Int = imageChannels * imagePixels
  def logits: Int = program.last.cout

  private def maps: Seq[(Int, Int, Int)] = // (channels, height, width) of every map a buffer holds
    Seq((imageChannels, imageHeight, imageWidth)) ++ program.flatMap(p => p.kind.writes(p))
  /** Words of one feature buffer in lane `l`: its share of the largest map. */
  def bufferDepth(l: Int): Int = maps.map { case (c, h, w) => laneShare(c, h, w, l) }.max.max(1)

  /** Words of a map of `channels` x `height` x `width` that lane `l` holds ([[Pass.regions]]'s layout). */
  private def laneShare(channels: Int, height: Int, width: Int, l: Int): Int = {
    val r = Pass.regions(channels, height, width, lanes)
    val per = lanes / r
    if (l / per >= r) 0 else ((channels - l % per + per - 1) / per).max(0) * (height * width / r)
  }
  /** The image's layout: the stem reads it in regions like any map. */
  def imageRegions: Int = Pass.regions(imageChannels, imageHeight, imageWidth, lanes)
  /** The most slices a conv cuts the lanes into: the broadcast buses the engine has. */
  def slices: Int = program.flatMap(p => p.kind.slices(p, lanes)).max

  /** The largest load's weights a lane, and its norm A (or B) words: the weight ring is sized by them. */
  def slotTaps: Int = alignUp(program.filter(_.hasWeights).map(p => p.groupsPerLoad(lanes) * p.taps).max)
  def slotParams: Int = program.filter(_.hasWeights).map(_.groupsPerLoad(lanes)).max
  /** Words from one norm A (or B) word of a load to the next: 1, or with [[triples]] 4, so that every A and B word
    * is in weight bank 0 (loads and their A and B parts start at multiples of 4): a lane's PARAM word is then that
    * bank's, with no choice of bank. */
  def paramStride: Int = if (triples) 4 else 1
  private def alignUp(n: Int): Int = (n + paramStride - 1) / paramStride * paramStride
  def slotParamWords: Int = slotParams * paramStride
  def slotDepth: Int = slotTaps + 2 * slotParamWords
  /** Loads of the largest size the weight ring holds: the compute reads one while the loader fills the next; with
    * two (or three) multiply-adds a lane a third, so that the loader runs two loads ahead: the compute of a group
    * then takes as long as the HP port takes to load it (rODENet's layer3 at 64 lanes), and a pass of few weights
    * before one of many (its first conv, 32 channels in, before the second, 64) leaves it a load behind with two
    * (4,534 cycles waited, measured with two fixed slots). */
  def slots: Int = if (multiMac) 3 else 2
  /** Where every load lies in the weight ring, and the passes that read kept weights ([[WeightRing]]). */
  lazy val weightRing: WeightRing = WeightRing(program, lanes, weightDepth, paramStride, slotDepth)
  /** Some pass reads weights kept for it: the loader skips it. */
  def keepsWeights: Boolean = weightRing.keeps
  /** The weight ring's words a lane: `slots` of the largest load, or with [[triples]] all of each pair RAM's depth
    * (a power of two: at 64 lanes 4 x 512, where three loads of layer3 take 1,812), which lets layer3's loads lie
    * beside layer2's and hides them all. */
  def weightDepth: Int =
    if (triples) weightBanks * (1 << log2Up((slots * slotDepth + weightBanks - 1) / weightBanks))
    else slots * slotDepth
  /** Weight memories a lane: narrow formats split them into even and odd addresses, so that the loader
    * writes both words of a 64-bit beat at once (a bank of W <= 18 bits still fills one RAMB18); at 64
    * lanes and 8 x 8 maps a group's weights are as many words as its compute has cycles. */
  def weightBanks: Int = if (triples) 4 else if (dataWidth <= 18) 2 else 1

  def maxTaps: Int = program.filter(_.hasWeights).map(_.taps).max
  /** The lanes take two input channels of a 3x3 conv a cycle ([[macsPerLane]] 2): the time channel alone, first,
    * then the feature channels in pairs (2j, 2j + 1), which lie in neighbouring lanes at one address (the
    * lanes a map is spread over are a power of two, so no pair straddles two of a lane's channel blocks); their
    * weights are 9 words apart, so in the two weight banks (even and odd addresses) at once. The 1x1 conv and
    * the classifier keep one. */
  def paired(p: Pass): Boolean = multiMac && p.kind == ConvKind
  /** The lanes have a second multiplier, bus and weight read ([[paired]]): two multiply-adds a lane, or three. */
  def multiMac: Boolean = macsPerLane >= 2
  /** Two multiply-adds a lane: channel pairs. */
  def pairs: Boolean = macsPerLane == 2
  /** Three multiply-adds a lane: a 3x3 conv's (input channel, tap) products in triples, the pixel's channels (the
    * time channel first) taken three at a time tap by tap, a triple running on into the next tap (or the next
    * block of channels that lie at one address, a map's `inLanes` lanes) where one ends ([[tripleList]]). A
    * channel's weights are 9 words, so a product's weight is at 9 x channel + tap: four weight banks by address
    * mod 4 give the three in one cycle where they are three banks, and the loader's two words a cycle land in two
    * of them. Each multiplier takes one of two banks (the first bank 0 or 3, the second 1 or 2, the third 2 or 0,
    * by which bank no member takes), and the sequencer sends each bus the channel whose weight its multiplier
    * takes: the products' sum is the same in any order, so no lane turns its weights around ([[ConvTriples]]). */
  def triples: Boolean = macsPerLane == 3
  /** With [[triples]], the members of a pixel's tap ([[NetworkHwConfig.tripleListFor]]). */
  def tripleList(p: Pass): Int = NetworkHwConfig.tripleListFor(p.cin, p.time.isDefined, p.inLanes(lanes))
  /** A triple of `p` may run from one tap into the next ([[NetworkHwConfig.tripleSplitsFor]]). */
  def tripleSplits(p: Pass): Boolean = NetworkHwConfig.tripleSplitsFor(p.cin, p.time.isDefined, p.inLanes(lanes))
  /** CONV's cycles a pixel: its taps, or with pairs 9 a pair of channels and 9 for the time channel, with triples
    * a third of the taps of [[tripleList]] members. */
  def convCycles(p: Pass): Int =
    if (!paired(p)) p.taps
    else if (pairs) 9 * ((if (p.time.isDefined) 1 else 0) + (p.cin + 1) / 2)
    else 3 * tripleList(p)
  def maxPixels: Int = program.filter(p => p.kind == ConvKind || p.kind == Conv1x1Kind).map(_.outPixels).max
  /** log2 of the pixels a norm or pooling averages over, one per map size of the network. */
  def normShifts: Seq[Int] = program.flatMap(p => p.kind.averages(p)).distinct.sorted
  /** A norm or pooling averages over pixels that are not a power of two: each lane has a [[MeanDivider]]. */
  def divides: Boolean = program.exists(p => p.kind.divides(p))
  /** A map's size is not a power of two: the conv and the copy address rows by multiplying, not shifting. */
  def oddMaps: Boolean = (Seq(imageHeight, imageWidth) ++ program.flatMap(p => Seq(p.inSize, p.inCols, p.outSize,
    p.outCols))).exists(n => !isPow2(n))
  /** The dividers' dividend: the channel sum (mean, pooling) or the variance sum, whichever is wider. */
  def divideWidth: Int = sumWidth max accWidth
  /** Cycles from a division's start to its quotient (the sequencer's wait, DRAIN's counter). */
  def divideWait: Int = MeanDivider.cycles(divideWidth)
  /** The number format, which owns the datapath's widths. */
  def format: HwFormat = HwFormat(dataWidth, frac)
  def productWidth: Int = format.productWidth
  /** The conv accumulator (one term more for the classifier's bias), shared with the variance sum of up to
    * `maxPixels` terms. */
  def accWidth: Int = format.accWidth(maxTaps + 1, maxPixels)
  def sumWidth: Int = format.sumWidth(maxPixels)
  /** WIDTH's solver field: the solver's code, 3 where the ODE layers use more than one. */
  def solverCode: Int = if (mixedSolvers) 3 else solver.code
  def rk4: Boolean = solver == org.odegen.model.OdeSolver.RK4
  /** The lanes' `mulq` units: where one DSP48E1 is the multiplier (W <= 18), its post-adder adds the norm's B and the
    * update's z too ([[MulqConfig.addend]]). */
  def mulq: MulqConfig = format.mulq(rk4).copy(addend = dspAddend)
  def dspAddend: Boolean = dataWidth <= 18
  def multiStage: Boolean = solver != org.odegen.model.OdeSolver.EULER
  /** The k bank's word: `k1` (Heun), `k1 + 2k2 + 2k3` (RK4). */
  def kWidth: Int = format.kWidth(rk4)
  /** Words of lane `l`'s k bank: its share of the largest map an ODEBlock updates. */
  def kDepth(l: Int): Int = program.filter(_.update.isDefined)
    .map(p => laneShare(p.cout, p.outSize, p.outCols, l)).max.max(1)
  /** The lanes' pipeline (LaneTiming): read, operands, mulq, post-op, APPLY's residual add, write. */
  def timing: LaneTiming = LaneTiming(mulq, postStages = 1, sumStages = macsPerLane - 1, readLatency = readLatency)
  /** Cycles of a lane memory's read: 2 at 64 lanes, with the block RAMs' output registers on, since the broadcast
    * bus picks one of 64 lanes' words in the cycle after the read (the RAM's clock-to-out, the lane's buffer, the
    * 64:1 and the padding: x64's slowest path, 7.36 ns, the only one over 142.857 MHz); 1 below, where the pick is
    * shorter and the pipeline (so every drain, and CYCLES) stays as it was. */
  def readLatency: Int = if (lanes >= 64) BankMem.readLatency + 1 else BankMem.readLatency
  /** Cycles from an issued command to its write-back. */
  def pipelineDepth: Int = timing.depth
  def drain: Int = timing.drain
  /** Cycles a norm unit (IsqrtDivUnit) is given for one lane's variance; it serves `normShare` lanes in turn. */
  def normWait: Int = LaneTiming.normWait(format)
  /** The norm units start on their next lane's root while they divide for the last ([[IsqrtDivUnit]]'s
    * `pipelined`): NORM_START every `IsqrtDivUnit.spacing` cycles ([[normWaitAfter]]), not every `normWait + 1`. The engines with more than one
    * multiply-add a lane (x64 x3: 117 cycles a group, not 168); the others, the paper's comparison (16 lanes of
    * Q32.20) among them, keep their units and cycles. */
  def pipelinedNorm: Boolean = multiMac && normShare > 1
  /** NORM_WAIT's cycles after a lane's NORM_START: its result's (`normWait`), or with pipelined units, before any
    * lane but a unit's last, the next start's (`IsqrtDivUnit.spacing` after this one). */
  def normWaitAfter(last: Boolean): Int = if (pipelinedNorm && !last) IsqrtDivUnit.spacing(format) - 1 else normWait

  def macs: Long = program.map(_.macs).sum
  def macBoundCycles: Long = (macs + lanes * macsPerLane - 1) / (lanes * macsPerLane)

  /** The phases of one image as the sequencer goes through them, from the START write to the last logit
    * accepted: INPUT (the image, one word a cycle), then per pass FETCH 1 and its kind's phases
    * ([[LayerKind.schedule]]), with every weight load finished before its group starts (the DDR reader
    * prefetches one slot ahead, or two: [[slots]]). */
  def schedule: Seq[Span] = Span(NetworkPhases.INPUT, imageWords) +:
    program.flatMap(p => Span(NetworkPhases.FETCH, 1) +: p.kind.schedule(p, this))
  /** Cycles of one image: the schedule's, which the harness and the regressions check against CYCLES. */
  def scheduleCycles: Long = schedule.map(_.cycles).sum
  /** The schedule's cycles by phase, in the order of each phase's first span, none empty: where an image's cycles
    * go (report.md). */
  def cyclesByPhase: Seq[(PhaseKey, Long)] = {
    val keys = (NetworkPhases.own ++ LayerKinds.phases).map(k => k.name -> k).toMap
    val spans = schedule.filter(_.cycles > 0)
    spans.map(_.phase).distinct.map(p => keys(p) -> spans.filter(_.phase == p).map(_.cycles).sum)
  }

  def definitionName: String = name
}

object NetworkHwConfig {
  /** With three multiply-adds a lane, the members of a pixel's tap for `cin` channels in blocks of `block` lanes:
    * the time channel and the channels, or with padding, more, a multiple of three. A triple then runs from one
    * tap into the next only where its members' weights stay in three banks ([[tripleSplitsFor]]); else the list
    * is padded to a multiple of three and no triple crosses a tap. */
  def tripleListFor(cin: Int, time: Boolean, block: Int): Int = {
    val n = cin + (if (time) 1 else 0)
    if (n % 3 == 0 || tripleSplitsFor(cin, time, block)) n else (n + 2) / 3 * 3
  }
  /** A triple may cross a tap: the members number 0 or 1 mod 4 (a member of the next tap, 9 x list - 1 words
    * back, is then in the bank no other member takes), and the input's last block has at least 4 channels (the
    * next tap's first two channels are in lanes 0 and 1, which read the second address; the members left of the
    * tap are in lanes 2 and up). */
  def tripleSplitsFor(cin: Int, time: Boolean, block: Int): Boolean = {
    val n = cin + (if (time) 1 else 0)
    val last = cin - (cin - 1) / block * block
    n % 3 != 0 && (n % 4 == 0 || n % 4 == 1) && last >= 4
  }

  /** Lanes per batch-stats norm unit: 4 saves 3 of every 4 units (~270 LUTs a lane) for 3 more unit
    * latencies a norm group (~0.5% of an image's cycles at 16 lanes); it lets 32 lanes of Q32.20 fit. */
  val defaultNormShare = 4

  /** NETWORK.md's CONFIG register. */
  def configWord(cfg: NetworkHwConfig): BigInt =
    BigInt(RegisterMap.engineConfig(cfg.lanes, cfg.variantCode, cfg.depth, cfg.frac, cfg.batchStats))

  /** The engine of a network of the zoo: its description's (MODEL.md), with the zoo's name, variant and depth. */
  def of(spec: org.odegen.net.NetworkSpec, lanes: Int, format: org.odegen.fixed.QFormat,
      norm: org.odegen.model.NormMode): NetworkHwConfig = of(spec, lanes, format, norm, org.odegen.model.OdeSolver.EULER)

  def of(spec: org.odegen.net.NetworkSpec, lanes: Int, format: org.odegen.fixed.QFormat,
      norm: org.odegen.model.NormMode, solver: org.odegen.model.OdeSolver): NetworkHwConfig =
    of(org.odegen.net.NetworkDescription.zoo(spec, norm, solver), lanes, format,
      NetworkProgram.topName(spec, lanes, solver), spec.variant.ordinal, spec.depth)

  /** The engine of description `d` (its norm mode, eps, image shape, layers and their solvers), named `name`,
    * with CONFIG's variant and depth fields `variantCode` and `depth`; descriptions it cannot run yet are
    * refused ([[NetworkProgram.check]]). */
  def of(d: org.odegen.net.NetworkDescription, lanes: Int, format: org.odegen.fixed.QFormat, name: String,
      variantCode: Int, depth: Int): NetworkHwConfig = {
    NetworkProgram.check(d)
    val solvers = NetworkProgram.solvers(d)
    NetworkHwConfig(
      name = name,
      variantCode = variantCode,
      depth = depth,
      lanes = lanes,
      dataWidth = format.width,
      frac = format.frac,
      batchStats = d.norm == org.odegen.model.NormMode.BATCH_STATS,
      eps = scala.math.max(1L, format.quantize(d.eps)),
      program = NetworkProgram.of(d, format),
      blobWords = d.params.toInt,
      normShare = scala.math.min(lanes, defaultNormShare),
      solver = NetworkProgram.hardwareSolver(d),
      networkId = d.networkId,
      imageChannels = d.channels,
      imageHeight = d.height,
      imageWidth = d.width,
      mixedSolvers = solvers.size > 1
    )
  }
}

/** The layer kinds of the engine, in the order of their ROM codes. */
object LayerKinds {
  val all: Seq[LayerKind] = Seq(ConvKind, CopyKind, PoolKind, FcKind, OutputKind, Conv1x1Kind)
  require(all.map(_.name).distinct.size == all.size, "two layer kinds of one name")
  /** A kind's code in the layer program's ROM ([[PassDesc]]). */
  def code(k: LayerKind): Int = all.indexOf(k)
  def codeBits: Int = log2Up(all.size)
  /** The phases of all kinds, each once, in the kinds' order. */
  def phases: Seq[PhaseKey] = (all.flatMap(_.phases) ++ all.flatMap(_.addedPhases)).distinct
  /** A ROM kind field is one of `kinds`. */
  def isOneOf(kind: UInt, kinds: Seq[LayerKind]): Bool = kinds.map(k => kind === code(k)).foldLeft(False)(_ || _)
  /** The kinds engine `cfg` builds: all but [[Conv1x1Kind]] where its program has none. */
  def of(cfg: NetworkHwConfig): Seq[LayerKind] = all.filter(k => k != Conv1x1Kind || Conv1x1Kind.in(cfg))
}
