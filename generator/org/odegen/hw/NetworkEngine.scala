package org.odegen.hw

import spinal.core._
import spinal.lib._
import spinal.lib.bus.amba4.axilite._

/** The engine's command (LaneCmd): one read address for every feature buffer, the weight and write addresses,
  * the broadcast lane (or padding) of each slice, COPY's writing lane. */
case class NetworkCmd(cfg: NetworkHwConfig) extends LaneCmd {
  val rdAddr = UInt(NetworkEngine.bufferAddrWidth(cfg) bits) // every feature buffer of every lane reads here
  val wAddr = UInt(HwUtil.addrWidth(cfg.weightDepth) bits)
  val wrAddr = UInt(NetworkEngine.bufferAddrWidth(cfg) bits)
  // per slice of the lanes: the lane whose word is broadcast to it, or a padding zero (slice 0: COPY's, OUT's)
  val banks = Vec(UInt(HwUtil.addrWidth(cfg.lanes) bits), cfg.slices)
  val pads = Vec(Bool(), cfg.slices)
  val dstLane = UInt(HwUtil.addrWidth(cfg.lanes) bits) // COPY: the lane that writes
  // two multiply-adds a lane: the second broadcast bus of each slice carries the pair's second channel (the
  // lane after the first's), its weight 9 words after the first's; else a zero
  val pair1 = cfg.pairs generate Bool()
  val wAddr9 = cfg.multiMac generate UInt(HwUtil.addrWidth(cfg.weightDepth) bits)
  // three multiply-adds a lane (NetworkHwConfig.triples): the triple's weights in the order of their banks
  // (`wAddr`, `wAddr9`, `wAddr18`: banks s, s + 1, s + 2 mod 4); each slice's second and third buses' lanes, and
  // which bus carries a channel (bus 0 is on unless `off0`), or the time channel (`isTime`, `time1`, `time2`): the
  // sequencer sends each bus the member whose weight bank that bus's multiplier reads
  val wAddr18 = cfg.triples generate UInt(HwUtil.addrWidth(cfg.weightDepth) bits)
  val banks1, banks2 = cfg.triples generate Vec(UInt(HwUtil.addrWidth(cfg.lanes) bits), cfg.slices)
  val off0, on1, on2, time1 = cfg.triples generate Bool()
  // a triple's members past a block's last lane or in the next tap (ConvTriples): lanes 0 and 1 of each block read
  // `rdAddrAlt` where `alt` is set; the buses whose member is in the next tap (`next0`..`next2`) take its padding,
  // `padsNext`, and bus 2 may carry the time channel
  val time2, next0, next1, next2, alt = cfg.triples generate Bool()
  val padsNext = cfg.triples generate Vec(Bool(), cfg.slices)
  val rdAddrAlt = cfg.triples generate UInt(NetworkEngine.bufferAddrWidth(cfg) bits)
  // ZERO (CopyKind.zerosApart): a lane of the group writes a zero where its place in the group is below `zeroLo`,
  // or at `zeroHi` or above and below `zeroTop` (the group's channels)
  val zeroLo, zeroHi, zeroTop = CopyKind.zerosApart(cfg) generate UInt(HwUtil.addrWidth(cfg.lanes) + 1 bits)
  // COPY, three channels a cycle (CopyKind.zerosApart): the lanes after `dstLane` that write too (`copy1`, `copy2`)
  val dstLane1, dstLane2 = CopyKind.zerosApart(cfg) generate UInt(HwUtil.addrWidth(cfg.lanes) bits)
  val copy1, copy2 = CopyKind.zerosApart(cfg) generate Bool()
}

/** The states of the engine's sequencer: its own (IDLE, INPUT, FETCH) and its shared waits (DRAIN, NORM_WAIT,
  * PhaseWait's), then every layer kind's phases, `Phase(key)`, in the encoding's order; `oneHot` encodes them one
  * flip-flop each, so that "the phase is CONV" is one flip-flop, not a decode of five (the engines of three
  * multiply-adds a lane, whose slowest path began with that decode before the conv counters' next values). */
class NetworkPhases(kindPhases: Seq[PhaseKey], oneHot: Boolean = false)
    extends SpinalEnum(if (oneHot) binaryOneHot else binarySequential) {
  import NetworkPhases.own
  /** Each state's phase, by its encoding (for a trace: the Verilog's emitter renames VAR, INPUT, OUTPUT). */
  val keys: Seq[PhaseKey] = own ++ kindPhases
  private val byKey = keys.map(k => k -> newElement(k.name)).toMap
  def apply(k: PhaseKey): E = byKey.getOrElse(k, throw new IllegalArgumentException(
    s"no phase ${k.name} in the engine: a layer kind uses a phase no kind of LayerKinds.all declares"))
  val IDLE = apply(NetworkPhases.IDLE)
  val INPUT = apply(NetworkPhases.INPUT)
  val FETCH = apply(NetworkPhases.FETCH)
  val DRAIN = apply(NetworkPhases.DRAIN)
  val NORM_WAIT = apply(NetworkPhases.NORM_WAIT)
}

object NetworkPhases {
  /** The top's own phases, as the enum and the schedules name them. */
  val IDLE = PhaseKey("IDLE", "waiting for START")
  val INPUT = PhaseKey("INPUT", "the image in from s_axis, a word a cycle")
  val FETCH = PhaseKey("FETCH", "a pass's entry of the layer program")
  val DRAIN = PhaseKey("DRAIN", "the lanes' pipeline emptied before a phase that reads what it writes")
  val NORM_WAIT = PhaseKey("NORM_WAIT", "the norm units' isqrt and divide")
  val own: Seq[PhaseKey] = Seq(IDLE, INPUT, FETCH, DRAIN, NORM_WAIT)
}

object NetworkEngine {
  def bufferAddrWidth(cfg: NetworkHwConfig): Int =
    HwUtil.addrWidth((0 until cfg.lanes).map(cfg.bufferDepth).max)
  val buffers = 3
}

/** The network engine of NETWORK.md: a whole network of the zoo for one image, bit-exact to the
  * fixed-point twin, its parameters streamed from DDR over an AXI4 read master.
  *
  * The ODEBlock's datapath, generalized: one command a cycle drives all lanes (SIMD); lane `l` owns the
  * output channels `c % lanes == l` of every map, in three feature buffers (a map of fewer channels than
  * lanes also spreads its rows over the lanes: [[Pass.regions]]); a convolution broadcasts one input word a
  * cycle to all lanes (to each slice of them, where a map is in regions), each multiplying it by its own
  * weight (one multiply-add per lane per cycle: the multiply-add bound; with `macsPerLane` 2 or 3 a second (third) bus a slice
  * carries the next input channel to a second multiplier a lane); norm, ReLU, the residual add and
  * the Euler update run per lane on its own channels (and rows). A layer program in ROM (one entry a pass: [[NetworkProgram]]) drives the sequencer.
  * Weights are not kept across images: a reader walks the same program ahead of the compute and fills each lane's
  * weight ring from DDR where the compute has read what it overwrites ([[WeightRing]], planned at generation), so
  * that loading costs no cycles once the first load is in; an ODEBlock's convs whose weights are one load keep
  * their words from its first step to its last, so they are read once an image.
  *
  * `interruptPort` is NETWORK.md's `interrupt` except in SpinalSim builds (see OdeBlockTop). */
case class NetworkEngine(cfg: NetworkHwConfig, interruptPort: String = "interrupt") extends Component {
  import HwUtil._
  import HwFormat.shiftDown
  import NetworkEngine._
  import PassDesc.describe
  setDefinitionName(cfg.definitionName)

  private[hw] val fmt = cfg.format
  private[hw] val W = cfg.dataWidth
  private[hw] val L = cfg.lanes
  private[hw] val laneBits = addrWidth(L)
  private[hw] val bufBits = bufferAddrWidth(cfg)
  private[hw] val wBits = addrWidth(cfg.weightDepth)

  val io = new Bundle {
    val s_axi_ctrl = slave(AxiLite4(AxiLite4Config(addressWidth = 8, dataWidth = 32)))
    val s_axis = slave(Stream(AxisWord()))
    val m_axis = master(Stream(AxisWord()))
    val m_axi = master(AxiReadPorts())
    val interrupt = out Bool ()
  }
  AxiLite4SpecRenamer(io.s_axi_ctrl)
  io.interrupt.setName(interruptPort)
  nameAxisPorts(io.s_axis -> "s_axis", io.m_axis -> "m_axis")
  io.m_axi.elements.foreach { case (n, d) => d.setName("m_axi_" + n) }

  // ---------------------------------------------------------------- registers (AXI4-Lite)
  val host = new HostController(RegisterMap.engine, io.s_axi_ctrl, constants = Map(
    "CONFIG" -> NetworkHwConfig.configWord(cfg),
    "WIDTH" -> BigInt(RegisterMap.engineWidth(W, cfg.solverCode)),
    "WEIGHTS_WORDS" -> BigInt(cfg.blobWords),
    "NETWORK_ID" -> BigInt(cfg.networkId)))
  val weightsAddr = host.values("WEIGHTS_ADDR").asUInt
  io.interrupt := host.interrupt

  // ---------------------------------------------------------------- the layer program
  val rom = Vec(cfg.program.zip(cfg.weightRing.passes).map { case (p, use) => describe(cfg, p, use) })
  private[hw] val passes = cfg.program.size
  private[hw] val pcBits = log2Up(passes + 1)

  // ---------------------------------------------------------------- the weight ring and its reader
  val reader = ParamReader()
  reader.setDefinitionName(cfg.definitionName + "_ParamReader")
  reader.fifo.setDefinitionName(cfg.definitionName + "_BeatFifo")
  reader.io.base := weightsAddr
  io.m_axi <> reader.io.axi
  // the weight ring (WeightRing): each load's first word and the reads it waits for, by load; two counters keep the
  // loader and the compute in step, the loads done (the compute waits for its load) and the weight reads done (a
  // load waits for the reads of the words it overwrites)
  private val ring = cfg.weightRing
  private[hw] val loadBits = addrWidth(ring.loads.size + 1)
  private[hw] val readBits = addrWidth(ring.reads + 1)
  val loaded = Reg(UInt(loadBits bits)) init 0
  val reads = Reg(UInt(readBits bits)) init 0
  private val loadBases = Vec(ring.loads.map(l => U(l.base, wBits bits)))
  private val loadWaits = Vec(ring.loads.map(l => U(l.waitReads, readBits bits)))
  private def byLoad(v: Vec[UInt], load: UInt): UInt =
    if (v.size == 1) v.head else v.read(load.resize(log2Up(v.size)))
  /** The first word of load `load` in every lane's weight memory. */
  private[hw] def loadBase(load: UInt): UInt = byLoad(loadBases, load)
  /** The weight reads load `load` waits for. */
  private[hw] def loadWait(load: UInt): UInt = byLoad(loadWaits, load)

  val loader = new NetworkWeightLoader(this)

  // ---------------------------------------------------------------- sequencer
  val Phase = new NetworkPhases(LayerKinds.phases, oneHot = cfg.triples)
  val phase = RegInit(Phase.IDLE)
  val waits = new PhaseWait(phase, Phase.IDLE, Phase.DRAIN, Phase.NORM_WAIT, cfg.drain, cfg.normWait)
  val pc = Reg(UInt(pcBits bits)) init 0
  val cur = Reg(PassDesc(cfg))
  val loadR = Reg(UInt(loadBits bits)) init 0 // the load the compute's group reads
  val g = Reg(UInt(8 bits)) init 0 // group of output channels
  val gl = Reg(UInt(8 bits)) init 0 // group within its weight load
  val gBase = Reg(UInt(bufBits bits)) init 0 // g * pixels: the group's place in a lane's buffer
  val gChan = Reg(UInt(9 bits)) init 0 // g * groupLanes: the group's first channel
  val wBase = Reg(UInt(wBits bits)) init 0
  val p = Reg(UInt(12 bits)) init 0
  // gBase + p, a group's pixel in a lane's buffer (the address of VAR, APPLY, UPDATE, POOL and the conv's and ZERO's
  // writes), as a register: the sum of the two registers' next values, so that no phase chooses an adder's operands
  // on the way to the buffers' read address (x64 x2's slowest path, 6.92 ns: the phase, a shared adder, the
  // address's choice, the late read's). The same value every cycle as the sum it replaces.
  val gp = Reg(UInt(bufBits bits)) init 0
  gp := gBase.getAheadValue() + p.getAheadValue().resize(bufBits)
  val ox = Reg(UInt(7 bits)) init 0 // the output column (the row is counted by iyBase, and COPY's copyQ)
  val oxLast = RegInit(False) // ox is the row's last: a flag beside it (it selects the next input row)
  val iyBase, ixBase = Reg(SInt(9 bits)) init 0
  val ci = Reg(UInt(8 bits)) init 0
  val ky, kx = Reg(UInt(2 bits)) init 0
  val inner = Reg(UInt(12 bits)) init 0
  // inner is the pixel's last tap: a flag beside it, since it selects the next value of every conv counter
  // (and those feed the registered input row and regions)
  val innerLast = RegInit(False)
  val fiLane = Reg(UInt(laneBits bits)) init 0 // the feature channel being read: its lane and base address
  val fiBase = Reg(UInt(bufBits bits)) init 0
  // copy, input and output
  val c = Reg(UInt(9 bits)) init 0
  val copyQ = Reg(UInt(12 bits)) init 0 // COPY: the input pixel (2 oy, 2 ox), counted, not multiplied
  val cs = Reg(SInt(10 bits)) init 0
  val dstLane = Reg(UInt(laneBits bits)) init 0
  val dstBase = Reg(UInt(bufBits bits)) init 0
  val outIssued = Reg(UInt(8 bits)) init 0

  // the pass is the classifier: a register loaded with `cur` (FETCH), not decoded from it, since it selects the
  // start of every lane's accumulator (decoded, it was x16 Q16.10's slowest path: 8.27 ns, fanout 536)
  val isFc = RegInit(False)
  val invLatch = False // the norm units are done: lane `normSel` of each takes its unit's result
  val normSel = Reg(UInt(log2Up(cfg.normShare).max(1) bits)) init 0
  // mean_N over pixels that are not a power of two (MeanDivider, one a lane): the sequencer starts the lanes'
  // dividers on the channel sum, or on the variance sum, waits, and comes back to the phase it left
  val divStart, divOfVariance = False
  val divided = RegInit(False)
  // the norm's all-reduce over a channel's slices: step j adds lane l ^ (lanes >> (j + 1))'s sum or variance
  // the phase as two flags, registered from its next value: they select an operand of every lane's
  // accumulator and channel-sum adders (decoded from the phase, they were x32's slowest path)
  val reduceSum = RegNext(phase.getAheadValue() === Phase(ConvKind.REDUCE_SUM)) init False
  val reduceVar = RegNext(phase.getAheadValue() === Phase(ConvKind.REDUCE_VAR)) init False
  val reduceStep = Reg(UInt(2 bits)) init 0
  val cmd = NetworkCmd(cfg)
  cmd.idle()

  def wrapLane(v: UInt): UInt = Mux(v === L - 1, U(0, laneBits bits), v + 1)
  def wrapLane(v: UInt, mask: UInt): UInt = Mux(v === mask, U(0, laneBits bits), v + 1)

  // commands from the host: the host controller has taken them; here what a load and a run start
  when(host.load) {
    // parameters stay in DDR: LOAD only checks the blob's address (NETWORK.md: 64-byte aligned), at once
    val aligned = weightsAddr(5 downto 0) === 0
    host.endLoad(aligned)
  }
  when(host.start) {
    clear(c, p, dstLane, dstBase)
    pc := 0 // the sequencer's row is the ROM's first by the end of INPUT
    phase := Phase.INPUT
    loadR := 0
    loaded := 0
    reads := 0
    loader.state := loader.State.SCAN
    loader.pc := 0
    loader.stale := True
  }

  // the image, in buffer 0, laid out in regions like every map (Pass.regions): channel c's pixel p to lane
  // c % imageLanes + imageLanes * (p / regionPixels), at (c / imageLanes) * regionPixels + p % regionPixels
  io.s_axis.ready := phase === Phase.INPUT
  val inWord = io.s_axis.payload.data(W - 1 downto 0).asSInt
  val inputWrite = phase === Phase.INPUT && io.s_axis.fire
  private val imagePixels = cfg.imagePixels
  private val imageLanes = L / cfg.imageRegions
  private val imageRegionPixels = imagePixels / cfg.imageRegions
  val imageLane = if (!isPow2(imageRegionPixels)) dstLane // one region (Pass.regions)
    else dstLane | ((p |>> log2Up(imageRegionPixels)).resize(laneBits) |<< log2Up(imageLanes))
  val imageAddr = (dstBase + (if (!isPow2(imageRegionPixels)) p else p & (imageRegionPixels - 1)).resize(bufBits))
    .resize(bufBits)
  when(inputWrite) {
    val lastWord = c === cfg.imageChannels - 1 && p === imagePixels - 1
    countOn(p, p === imagePixels - 1) {
      c := c + 1
      dstLane := wrapLane(dstLane, U(imageLanes - 1, laneBits bits))
      when(dstLane === imageLanes - 1) {
        dstBase := (dstBase + imageRegionPixels).resized
      }
    }
    streamEnd(io.s_axis.payload.last, lastWord)(host.error := True) {
      host.abortRun() // tlast too early
      phase := Phase.IDLE
      loader.state := loader.State.IDLE
    } {
      phase := Phase.FETCH
    }
  }

  // sequencer and lanes (each in its own file); the output stream the sequencer fills and the lanes push
  val outStream = new OutStream(cfg.definitionName, io.m_axis)
  val sequencer = new NetworkSequencer(this)
  val datapath = new NetworkLanes(this)

  // a DDR read error (SLVERR, DECERR) ends the run: ERROR and DONE, BUSY falls, the sequencer and the loader
  // stop, the reader drops what is still to come; the next START runs whole. Last here, so that it wins over
  // the phase the sequencer chose this cycle (SpinalHDL: the last assignment wins)
  reader.io.abort := reader.io.error
  when(reader.io.error) {
    host.failRun()
    phase := Phase.IDLE
    loader.state := loader.State.IDLE
    normSel := 0 // an error in the middle of a group's norm starts: the next run's first start is lane 0's
  }
}
