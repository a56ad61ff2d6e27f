package org.odegen.hw

import spinal.core._
import spinal.lib._
import spinal.lib.bus.amba4.axilite._

/** What every lane does with the command of this cycle (SIMD: one command, all lanes). */
object EngineOp extends SpinalEnum(binarySequential) {
  val NONE, PARAM_A, PARAM_B, CONV, VAR, SCALE, APPLY, UPDATE, POOL, COPY, OUT = newElement()
}

/** One command: issued by the sequencer (stage 0), then carried down the pipeline with its data. */
case class EngineCmd(cfg: NetworkHwConfig) extends Bundle {
  val op = EngineOp()
  val rdAddr = UInt(NetworkEngine.bufferAddrWidth(cfg) bits) // every feature buffer of every lane reads here
  val wAddr = UInt(OdeBlockTop.addrWidth(cfg.weightDepth) bits)
  val wrAddr = UInt(NetworkEngine.bufferAddrWidth(cfg) bits)
  // per slice of the lanes: the lane whose word is broadcast to it, or a padding zero (slice 0: COPY's, OUT's)
  val banks = Vec(UInt(OdeBlockTop.addrWidth(cfg.lanes) bits), cfg.slices)
  val pads = Vec(Bool(), cfg.slices)
  val dstLane = UInt(OdeBlockTop.addrWidth(cfg.lanes) bits) // COPY: the lane that writes
  val isTime = Bool()
  val first = Bool()
  val last = Bool()
  val firstPixel = Bool()
  val outLast = Bool()
}

/** One pass of the layer program as the ROM holds it (see [[Pass]]). */
case class PassDesc(cfg: NetworkHwConfig) extends Bundle {
  val kind = UInt(3 bits)
  val bc, x, r, w = UInt(2 bits)
  val cin = UInt(8 bits)
  val cout = UInt(8 bits)
  val time = Bool()
  val taps = UInt(12 bits)
  val log2In = UInt(3 bits)
  val inSize = UInt(7 bits)
  val inPixels = UInt(12 bits)
  val outSize = UInt(7 bits)
  val outPixels = UInt(12 bits)
  val log2Out = UInt(4 bits)
  val stride = UInt(2 bits)
  val tValue = SInt(cfg.dataWidth bits)
  val relu = Bool()
  val residual = Bool()
  val update = Bool()
  val updateMode = UInt(3 bits)
  val h = SInt(cfg.dataWidth bits)
  val groups = UInt(8 bits)
  val loads = UInt(8 bits)
  val groupsPerLoad = UInt(8 bits)
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
  val groupLaneMask = UInt(OdeBlockTop.addrWidth(cfg.lanes) bits) // groupLanes - 1
  val log2GroupLanes = UInt(3 bits)
  val inLaneMask = UInt(OdeBlockTop.addrWidth(cfg.lanes) bits)
  val log2InLanes = UInt(3 bits)
  val log2SliceStep = UInt(3 bits) // log2(input regions / slices): slice s reads from region s * step + delta
  val log2Slices = UInt(2 bits) // the norm's all-reduce steps over the slices
}

object NetworkEngine {
  def bufferAddrWidth(cfg: NetworkHwConfig): Int =
    OdeBlockTop.addrWidth((0 until cfg.lanes).map(cfg.bufferDepth).max)
  val buffers = 3

  def kindCode(k: PassKind.Value): Int = k.id

  /** The ROM entry of a pass. */
  def describe(cfg: NetworkHwConfig, p: Pass): PassDesc = {
    val d = PassDesc(cfg)
    val l = cfg.lanes
    d.kind := kindCode(p.kind)
    d.bc := p.bc
    d.x := p.x
    d.r := p.r
    d.w := p.w
    d.cin := p.cin
    d.cout := p.cout
    d.time := Bool(p.time.isDefined)
    d.taps := p.taps
    d.log2In := log2Up(p.inSize)
    d.inSize := p.inSize
    d.inPixels := p.inPixels
    d.outSize := p.outSize
    d.outPixels := p.outPixels
    d.log2Out := log2Up(if (p.kind == PassKind.Pool) p.inPixels else p.outPixels)
    d.stride := p.stride.min(3)
    d.tValue := S(p.time.getOrElse(0L), cfg.dataWidth bits)
    d.relu := Bool(p.relu)
    d.residual := Bool(p.residual)
    d.update := Bool(p.update.isDefined)
    d.updateMode := p.updateMode
    d.h := S(p.update.getOrElse(0L), cfg.dataWidth bits)
    d.groups := p.groups(l)
    d.loads := (if (p.hasWeights) p.loads(l) else 0)
    d.groupsPerLoad := p.groupsPerLoad(l)
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
    d.log2InRegionRows := log2Up(p.inSize / p.inRegions(l))
    d.inRegionRowMask := p.inSize / p.inRegions(l) - 1
    d.inRegions := p.inRegions(l)
    d.groupLaneMask := p.groupLanes(l) - 1
    d.log2GroupLanes := log2Up(p.groupLanes(l))
    d.inLaneMask := p.inLanes(l) - 1
    d.log2InLanes := log2Up(p.inLanes(l))
    d.log2SliceStep := log2Up(p.inRegions(l) / p.outRegions(l))
    d.log2Slices := log2Up(p.outRegions(l))
    d
  }
}

/** The network engine of NETWORK.md: a whole network of the zoo for one image, bit-exact to the
  * fixed-point twin, its parameters streamed from DDR over an AXI4 read master.
  *
  * The ODEBlock's datapath, generalized: one command a cycle drives all lanes (SIMD); lane `l` owns the
  * output channels `c % lanes == l` of every map, in three feature buffers (a map of fewer channels than
  * lanes also spreads its rows over the lanes: [[Pass.regions]]); a convolution broadcasts one input word a
  * cycle to all lanes (to each slice of them, where a map is in regions), each multiplying it by its own
  * weight (one multiply-add per lane per cycle: the multiply-add bound); norm, ReLU, the residual add and
  * the Euler update run per lane on its own channels (and rows). A layer program in ROM (one entry a pass: [[NetworkProgram]]) drives the sequencer.
  * Weights are not kept: a reader walks the same program one weight slot ahead of the compute and fills
  * the slot the compute is not reading from DDR, so that loading costs no cycles once the first slot is in.
  *
  * `interruptPort` is NETWORK.md's `interrupt` except in SpinalSim builds (see OdeBlockTop). */
case class NetworkEngine(cfg: NetworkHwConfig, interruptPort: String = "interrupt") extends Component {
  import OdeBlockTop.{addrWidth, sat, shiftDown}
  import NetworkEngine._
  setDefinitionName(cfg.definitionName)

  private val W = cfg.dataWidth
  private val L = cfg.lanes
  private val laneBits = addrWidth(L)
  private val bufBits = bufferAddrWidth(cfg)
  private val wBits = addrWidth(cfg.weightDepth)

  val io = new Bundle {
    val s_axi_ctrl = slave(AxiLite4(AxiLite4Config(addressWidth = 8, dataWidth = 32)))
    val s_axis = slave(Stream(AxisWord()))
    val m_axis = master(Stream(AxisWord()))
    val m_axi = master(AxiReadPorts())
    val interrupt = out Bool ()
  }
  AxiLite4SpecRenamer(io.s_axi_ctrl)
  io.interrupt.setName(interruptPort)
  OdeBlockTop.nameAxisPorts(io.s_axis -> "s_axis", io.m_axis -> "m_axis")
  io.m_axi.elements.foreach { case (n, d) => d.setName("m_axi_" + n) }

  // ---------------------------------------------------------------- registers (AXI4-Lite)
  val host = new HostController(RegisterMap.engine, io.s_axi_ctrl, constants = Map(
    "CONFIG" -> NetworkHwConfig.configWord(cfg),
    "WIDTH" -> BigInt(RegisterMap.engineWidth(W, cfg.solver.code)),
    "WEIGHTS_WORDS" -> BigInt(cfg.blobWords)))
  val busy = host.busy
  val done = host.done
  val loaded = host.loaded
  val error = host.error
  val running = host.running
  val cycles = host.cycles
  val weightsAddr = host.values("WEIGHTS_ADDR").asUInt
  io.interrupt := host.interrupt

  // ---------------------------------------------------------------- the layer program
  val rom = Vec(cfg.program.map(p => describe(cfg, p)))
  private val passes = cfg.program.size
  private val pcBits = log2Up(passes + 1)

  // ---------------------------------------------------------------- weight slots and their reader
  val reader = ParamReader()
  reader.setDefinitionName(cfg.definitionName + "_ParamReader")
  reader.fifo.setDefinitionName(cfg.definitionName + "_BeatFifo")
  reader.io.base := weightsAddr
  io.m_axi <> reader.io.axi
  val slotFull = Vec(RegInit(False), 2)
  private def slotBase(s: Bool): UInt = Mux(s, U(cfg.slotDepth, wBits bits), U(0, wBits bits))

  val loader = new Area {
    object State extends SpinalEnum(binarySequential) {
      val IDLE, SCAN, WAIT_SLOT, ISSUE, RECEIVE, DONE = newElement()
    }
    val state = RegInit(State.IDLE)
    val pc = Reg(UInt(pcBits bits)) init 0
    val pass = Reg(PassDesc(cfg))
    val load = Reg(UInt(8 bits)) init 0
    val slot = RegInit(False)
    val part = Reg(UInt(2 bits)) init 0 // 0 weights, 1 norm A, 2 norm B (or the bias)
    val wPtr, aPtr, bPtr = Reg(UInt(24 bits)) init 0
    val lane = Reg(UInt(laneBits bits)) init 0
    val rowBase = Reg(UInt(wBits bits)) init 0
    val tap = Reg(UInt(12 bits)) init 0
    val param = Reg(UInt(wBits bits)) init 0
    val lastLoad = load === pass.loads - 1
    val rows = Mux(lastLoad, pass.lastLoadRows, pass.rowsPerLoad)

    reader.io.job.valid := state === State.ISSUE
    reader.io.job.payload.at := wPtr
    reader.io.job.payload.count := Mux(lastLoad, pass.lastLoadWords, pass.wordsPerLoad)
    switch(part) {
      is(1) {
        reader.io.job.payload.at := aPtr
        // the classifier has no norm A: its slot's A words are left unused
        reader.io.job.payload.count := Mux(pass.kind === kindCode(PassKind.Fc), U(0, 8 bits), rows).resized
      }
      is(2) {
        reader.io.job.payload.at := bPtr
        reader.io.job.payload.count := rows.resized
      }
    }
    reader.io.words.ready := state === State.RECEIVE
    // tap is the row's last, its second last: flags beside it, off the path from the reader's offer
    val tapLast, tapSecondLast = RegInit(False)
    // two taps of one row a cycle where the weights are two banks (even and odd addresses): the load of a
    // group then takes half its compute even at 64 lanes and 8 x 8 maps (rows = pixels)
    reader.io.takeSecond := Bool(cfg.weightBanks == 2) && part === 0 && !tapLast
    val took2 = reader.io.words.fire && reader.io.takeSecond && reader.io.words.payload.hasSecond
    val taken = Mux(took2, U(2, 12 bits), U(1, 12 bits))
    def setTap(v: UInt): Unit = {
      tap := v
      tapLast := v === pass.taps - 1
      tapSecondLast := v === pass.taps - 2
    }
    val writeAddr = UInt(wBits bits)
    writeAddr := (slotBase(slot) + rowBase + tap.resize(wBits)).resized
    switch(part) {
      is(1) { writeAddr := (slotBase(slot) + U(cfg.slotTaps, wBits bits) + param).resized }
      is(2) { writeAddr := (slotBase(slot) + U(cfg.slotTaps + cfg.slotParams, wBits bits) + param).resized }
    }
    val writeLane = lane // the group's row: every slice's lane of that channel takes it
    val write = reader.io.words.fire
    // the weight write, registered (a cycle before the slot can be read: slotFull is a register too), since
    // its address arithmetic fans out to every lane: bank 0 the even addresses, bank 1 the odd (one bank:
    // bank 0 all); the first word at its address, the second (a pair) at the next, one in each bank
    val wr = new Area {
      private val a0 = writeAddr
      private val odd = if (cfg.weightBanks == 2) a0(0) else False
      private val d0 = reader.io.words.payload.first.asSInt.resize(W)
      private val d1 = reader.io.words.payload.second.asSInt.resize(W)
      private val bankBits = addrWidth(cfg.weightDepth / cfg.weightBanks)
      val lane = RegNext(writeLane)
      val mask = RegNext(pass.groupLaneMask)
      val en = Vec(RegNext(write && (!odd || took2)) init False, RegNext(write && (odd || took2)) init False)
      val addr = Vec(RegNext((if (cfg.weightBanks == 2) (a0 + 1) |>> 1 else a0).resize(bankBits)),
        RegNext((a0 |>> 1).resize(bankBits)))
      val data = Vec(RegNext(Mux(odd, d1, d0)), RegNext(Mux(odd, d0, d1)))
    }
    def nextLane(): Unit = {
      lane := Mux(lane === L - 1, U(0, laneBits bits), lane + 1)
    }

    val row = rom(pc)
    switch(state) {
      is(State.SCAN) {
        when(pc === passes) {
          state := State.DONE
        }.elsewhen(row.kind === kindCode(PassKind.Conv) || row.kind === kindCode(PassKind.Fc)) {
          pass := row
          load := 0
          wPtr := row.weightsAt
          aPtr := row.normAAt
          bPtr := row.normBAt
          state := State.WAIT_SLOT
        } otherwise {
          pc := pc + 1
        }
      }
      is(State.WAIT_SLOT) {
        when(!slotFull(slot.asUInt)) {
          part := 0
          state := State.ISSUE
        }
      }
      is(State.ISSUE) {
        lane := 0
        rowBase := 0
        setTap(U(0, 12 bits))
        param := 0
        when(reader.io.job.ready) {
          state := State.RECEIVE
          when(reader.io.job.payload.count === 0) {
            part := part + 1
            state := State.ISSUE
          }
        }
      }
      is(State.RECEIVE) {
        when(reader.io.words.fire) {
          when(part === 0) {
            setTap(tap + taken)
            when(Mux(took2, tapSecondLast, tapLast)) {
              setTap(U(0, 12 bits))
              nextLane()
              when(lane === L - 1) {
                rowBase := rowBase + pass.taps.resize(wBits)
              }
            }
          } otherwise {
            nextLane()
            when(lane === L - 1) {
              param := param + 1
            }
          }
          when(reader.io.jobDone) {
            when(part =/= 2) {
              part := part + 1
              state := State.ISSUE
            } otherwise {
              slotFull(slot.asUInt) := True
              slot := !slot
              load := load + 1
              wPtr := wPtr + pass.wordsPerLoad
              aPtr := aPtr + pass.rowsPerLoad.resize(24)
              bPtr := bPtr + pass.rowsPerLoad.resize(24)
              state := State.WAIT_SLOT
              when(lastLoad) {
                pc := pc + 1
                state := State.SCAN
              }
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- sequencer
  object Phase extends SpinalEnum(binarySequential) {
    val IDLE, INPUT, FETCH, WAIT_W, PARAM_A, PARAM_B, CONV, DRAIN, REDUCE_SUM, LATCH_MEAN, VAR, REDUCE_VAR,
        NORM_START, NORM_WAIT, SCALE, APPLY, UPDATE, NEXT_GROUP, COPY, POOL, OUTPUT = newElement()
  }
  val phase = RegInit(Phase.IDLE)
  val afterDrain = Reg(Phase()) init Phase.IDLE
  val waitCnt = Reg(UInt(8 bits)) init 0
  val pc = Reg(UInt(pcBits bits)) init 0
  val cur = Reg(PassDesc(cfg))
  val slotR = RegInit(False)
  val g = Reg(UInt(8 bits)) init 0 // group of output channels
  val gl = Reg(UInt(8 bits)) init 0 // group within its weight load
  val gBase = Reg(UInt(bufBits bits)) init 0 // g * pixels: the group's place in a lane's buffer
  val gChan = Reg(UInt(9 bits)) init 0 // g * groupLanes: the group's first channel
  val wBase = Reg(UInt(wBits bits)) init 0
  val p = Reg(UInt(12 bits)) init 0
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

  val isFc = cur.kind === kindCode(PassKind.Fc)
  val latchMean = False
  val normStart = False // start the norm units on the variance of their lane `normSel`
  val invLatch = False // their results are ready: lane `normSel` of each unit takes its own
  val normSel = Reg(UInt(log2Up(cfg.normShare).max(1) bits)) init 0
  // the norm's all-reduce over a channel's slices: step j adds lane l ^ (lanes >> (j + 1))'s sum or variance
  // the phase as two flags, registered from its next value: they select an operand of every lane's
  // accumulator and channel-sum adders (decoded from the phase, they were x32's slowest path)
  val reduceSum = RegNext(phase.getAheadValue() === Phase.REDUCE_SUM) init False
  val reduceVar = RegNext(phase.getAheadValue() === Phase.REDUCE_VAR) init False
  val reduceStep = Reg(UInt(2 bits)) init 0
  val cmd = EngineCmd(cfg)
  cmd.op := EngineOp.NONE
  cmd.rdAddr := 0
  cmd.wAddr := 0
  cmd.wrAddr := 0
  cmd.banks.foreach(_ := 0)
  cmd.pads.foreach(_ := False)
  cmd.dstLane := 0
  cmd.isTime := False
  cmd.first := False
  cmd.last := False
  cmd.firstPixel := False
  cmd.outLast := False

  def drainTo(next: Phase.E): Unit = {
    waitCnt := cfg.drain
    afterDrain := next
    phase := Phase.DRAIN
  }
  /** One step of the all-reduce (the flags reduceSum and reduceVar say which sum); `next` after the last. */
  def reduceThen(next: Phase.E): Unit = {
    reduceStep := reduceStep + 1
    when(reduceStep === cur.log2Slices - 1) {
      reduceStep := 0
      phase := next
    }
  }
  def wrapLane(v: UInt): UInt = Mux(v === L - 1, U(0, laneBits bits), v + 1)
  def wrapLane(v: UInt, mask: UInt): UInt = Mux(v === mask, U(0, laneBits bits), v + 1)

  // commands from the host: the host controller has taken them; here what a load and a run start
  when(host.load) {
    // parameters stay in DDR: LOAD only checks the blob's address (NETWORK.md: 64-byte aligned), at once
    val aligned = weightsAddr(5 downto 0) === 0
    error := !aligned
    loaded := aligned
    busy := False
  }
  when(host.start) {
    c := 0
    p := 0
    dstLane := 0
    dstBase := 0
    phase := Phase.INPUT
    slotR := False
    slotFull(0) := False
    slotFull(1) := False
    loader.state := loader.State.SCAN
    loader.pc := 0
    loader.slot := False
  }
  when(reader.io.error) {
    error := True
  }

  // the image, in buffer 0, laid out in regions like every map (Pass.regions): channel c's pixel p to lane
  // c % imageLanes + imageLanes * (p / regionPixels), at (c / imageLanes) * regionPixels + p % regionPixels
  io.s_axis.ready := phase === Phase.INPUT
  val inWord = io.s_axis.payload.data(W - 1 downto 0).asSInt
  val inputWrite = phase === Phase.INPUT && io.s_axis.fire
  private val imagePixels = cfg.imageSize * cfg.imageSize
  private val imageLanes = L / cfg.imageRegions
  private val imageRegionPixels = imagePixels / cfg.imageRegions
  val imageLane = dstLane | ((p |>> log2Up(imageRegionPixels)).resize(laneBits) |<< log2Up(imageLanes))
  val imageAddr = (dstBase + (p & (imageRegionPixels - 1)).resize(bufBits)).resize(bufBits)
  when(inputWrite) {
    val lastWord = c === cfg.imageChannels - 1 && p === imagePixels - 1
    p := p + 1
    when(p === imagePixels - 1) {
      p := 0
      c := c + 1
      dstLane := wrapLane(dstLane, U(imageLanes - 1, laneBits bits))
      when(dstLane === imageLanes - 1) {
        dstBase := (dstBase + imageRegionPixels).resized
      }
    }
    when(io.s_axis.payload.last =/= lastWord) {
      error := True
    }
    when(io.s_axis.payload.last && !lastWord) {
      busy := False // tlast too early: the run is aborted
      running := False
      phase := Phase.IDLE
      loader.state := loader.State.IDLE
    }.elsewhen(lastWord) {
      pc := 0
      phase := Phase.FETCH
    }
  }

  // conv addressing: input row iy (from the first row of the slice's input) and column ix of output (oy, ox)
  // (oy within the slice) and tap (ky, kx); the input region iy falls in, `delta` regions from the slice's
  // first, and its row there. Every slice reads the same address, each from the lanes of its own region.
  // iy, ix and each slice's input region are registers, computed from the counters' next values, so that
  // the cycle that issues a read only shifts and compares (the adds and the shift before them were the
  // engine's slowest path at 64 lanes)
  private val iyNext = iyBase.getAheadValue() + ky.getAheadValue().resize(9).asSInt
  val iy = RegNext(iyNext) init 0
  val ix = RegNext(ixBase.getAheadValue() + kx.getAheadValue().resize(9).asSInt) init 0
  val colPad = ix < 0 || ix >= cur.inSize.resize(9).asSInt
  val localRow = iy.asUInt.resize(6) & cur.inRegionRowMask
  val convReadAddr = (fiBase + (localRow.resize(bufBits) |<< cur.log2In) + ix.asUInt.resize(bufBits)).resize(bufBits)
  val isTimeTap = cur.time && ci === 0
  val sliceRegion = (0 until cfg.slices).map(sl =>
    RegNext((S(sl, 9 bits) |<< cur.log2SliceStep) + (iyNext >> cur.log2InRegionRows)) init 0)
  val slicePad = sliceRegion.map(r => colPad || r < 0 || r >= cur.inRegions.resize(9).asSInt)
  val sliceBank = sliceRegion.map(r => fiLane | (r.asUInt.resize(laneBits) |<< cur.log2InLanes))

  val row = rom(pc)
  switch(phase) {
    is(Phase.FETCH) {
      cur := row
      g := 0
      gl := 0
      gBase := 0
      gChan := 0
      p := 0
      c := 0
      ox := 0
      oxLast := row.outSize === 1
      cs := -row.chanOffset.resize(10).asSInt
      copyQ := 0
      fiLane := 0
      fiBase := 0
      dstLane := 0
      dstBase := 0
      outIssued := 0
      switch(row.kind) {
        is(kindCode(PassKind.Conv), kindCode(PassKind.Fc)) { phase := Phase.WAIT_W }
        is(kindCode(PassKind.Copy)) { phase := Phase.COPY }
        is(kindCode(PassKind.Pool)) { phase := Phase.POOL }
        default { phase := Phase.OUTPUT }
      }
    }
    is(Phase.WAIT_W) {
      wBase := slotBase(slotR)
      when(slotFull(slotR.asUInt)) {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.PARAM_A) {
      cmd.op := EngineOp.PARAM_A
      cmd.wAddr := (slotBase(slotR) + U(cfg.slotTaps, wBits bits) + gl.resize(wBits)).resized
      phase := Phase.PARAM_B
    }
    is(Phase.PARAM_B) {
      cmd.op := EngineOp.PARAM_B
      cmd.wAddr := (slotBase(slotR) + U(cfg.slotTaps + cfg.slotParams, wBits bits) + gl.resize(wBits)).resized
      p := 0
      ox := 0
      oxLast := cur.outSize === 1
      iyBase := -1
      ixBase := -1
      ci := 0
      ky := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
      kx := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
      inner := 0
      innerLast := cur.taps === 1
      fiLane := 0
      fiBase := 0
      phase := Phase.CONV
    }
    is(Phase.CONV) {
      cmd.op := EngineOp.CONV
      cmd.rdAddr := convReadAddr
      cmd.wAddr := (wBase + inner.resize(wBits)).resized
      for (sl <- 0 until cfg.slices) {
        cmd.banks(sl) := sliceBank(sl)
        cmd.pads(sl) := slicePad(sl)
      }
      cmd.isTime := isTimeTap
      val lastTap = innerLast
      cmd.first := inner === 0
      cmd.last := lastTap
      cmd.firstPixel := p === 0
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      inner := inner + 1
      innerLast := inner === cur.taps - 2
      def nextChannel(): Unit = {
        ci := ci + 1
        when(!isTimeTap) {
          fiLane := wrapLane(fiLane, cur.inLaneMask)
          when(fiLane === cur.inLaneMask) {
            fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
          }
        }
      }
      when(isFc) {
        nextChannel()
      } otherwise {
        kx := kx + 1
        when(kx === 2) {
          kx := 0
          ky := ky + 1
          when(ky === 2) {
            ky := 0
            nextChannel()
          }
        }
      }
      when(lastTap) {
        inner := 0
        innerLast := cur.taps === 1
        ci := 0
        ky := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
        kx := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
        fiLane := 0
        fiBase := 0
        p := p + 1
        ox := ox + 1
        oxLast := ox === cur.outSize - 2
        ixBase := ixBase + cur.stride.resize(9).asSInt
        when(oxLast) {
          ox := 0
          oxLast := cur.outSize === 1
          ixBase := -1
          iyBase := iyBase + cur.stride.resize(9).asSInt
        }
        when(p === cur.regionPixels - 1) {
          p := 0
          wBase := wBase + cur.taps.resize(wBits)
          when(gl === cur.groupsPerLoad - 1) {
            // the slot's last read is this cycle's: the reader may refill it from the next cycle on
            slotFull(slotR.asUInt) := False
            slotR := !slotR
          }
          when(isFc) {
            drainTo(Phase.NEXT_GROUP)
          }.elsewhen(Bool(cfg.batchStats)) {
            drainTo(Phase.LATCH_MEAN)
            when(cur.log2Slices =/= 0) {
              afterDrain := Phase.REDUCE_SUM
            }
          } otherwise {
            drainTo(Phase.APPLY)
          }
        }
      }
    }
    is(Phase.DRAIN) {
      waitCnt := waitCnt - 1
      when(waitCnt === 1) {
        phase := afterDrain
      }
    }
    is(Phase.REDUCE_SUM) {
      reduceThen(Phase.LATCH_MEAN)
    }
    is(Phase.REDUCE_VAR) {
      reduceThen(Phase.NORM_START)
    }
    is(Phase.LATCH_MEAN) {
      latchMean := True
      p := 0
      phase := Phase.VAR
    }
    is(Phase.VAR) {
      cmd.op := EngineOp.VAR
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.first := p === 0
      p := p + 1
      when(p === cur.regionPixels - 1) {
        p := 0
        drainTo(Phase.NORM_START)
        when(cur.log2Slices =/= 0) {
          afterDrain := Phase.REDUCE_VAR
        }
      }
    }
    is(Phase.NORM_START) {
      normStart := True
      waitCnt := 0
      phase := Phase.NORM_WAIT
    }
    is(Phase.NORM_WAIT) {
      // one norm unit serves `normShare` lanes, one after the other
      waitCnt := waitCnt + 1
      when(waitCnt === cfg.normWait - 1) {
        invLatch := True
        normSel := normSel + 1
        phase := Phase.NORM_START
        when(normSel === cfg.normShare - 1) {
          normSel := 0
          phase := Phase.SCALE
        }
      }
    }
    is(Phase.SCALE) {
      cmd.op := EngineOp.SCALE
      drainTo(Phase.APPLY)
    }
    is(Phase.APPLY) {
      cmd.op := EngineOp.APPLY
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      p := p + 1
      when(p === cur.regionPixels - 1) {
        p := 0
        when(cur.update) {
          drainTo(Phase.UPDATE)
        } otherwise {
          drainTo(Phase.NEXT_GROUP)
        }
      }
    }
    is(Phase.UPDATE) {
      cmd.op := EngineOp.UPDATE
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      p := p + 1
      when(p === cur.regionPixels - 1) {
        p := 0
        drainTo(Phase.NEXT_GROUP)
      }
    }
    is(Phase.NEXT_GROUP) {
      g := g + 1
      gl := gl + 1
      gBase := gBase + cur.regionPixels.resize(bufBits)
      gChan := gChan + (cur.groupLaneMask.resize(9) + 1)
      when(g === cur.groups - 1) {
        pc := pc + 1
        phase := Phase.FETCH
      }.elsewhen(gl === cur.groupsPerLoad - 1) {
        gl := 0
        phase := Phase.WAIT_W
      } otherwise {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.COPY) {
      // output channel c of the block from input channel cs = c - offset, at even (y, x); zeros outside; the
      // input pixel and the output pixel each in its map's region (Pass.regions)
      cmd.op := EngineOp.COPY
      val q = copyQ
      copyQ := copyQ + 2
      cmd.rdAddr := (fiBase + (q & (cur.inRegionPixels - 1)).resize(bufBits)).resized
      cmd.banks(0) := fiLane | ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
      cmd.pads(0) := cs < 0 || cs >= cur.cin.resize(10).asSInt
      cmd.dstLane := dstLane | ((p >> cur.log2RegionPixels).resize(laneBits) |<< cur.log2GroupLanes)
      cmd.wrAddr := (dstBase + (p & (cur.regionPixels - 1)).resize(bufBits)).resized
      p := p + 1
      ox := ox + 1
      oxLast := ox === cur.outSize - 2
      when(oxLast) {
        ox := 0
        oxLast := cur.outSize === 1
        copyQ := copyQ + cur.inSize.resize(12) + 2 // the next even row
      }
      when(p === cur.outPixels - 1) {
        p := 0
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
          pc := pc + 1
          drainTo(Phase.FETCH)
        }
      }
    }
    is(Phase.POOL) {
      cmd.op := EngineOp.POOL
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := g.resized
      cmd.first := p === 0
      cmd.last := p === cur.inPixels - 1
      p := p + 1
      when(p === cur.inPixels - 1) {
        p := 0
        g := g + 1
        gBase := gBase + cur.inPixels.resize(bufBits)
        when(g === cur.groups - 1) {
          pc := pc + 1
          drainTo(Phase.FETCH)
        }
      }
    }
  }

  // the logits through a small FIFO; reads are issued only when it has room
  val outFifo = StreamFifo(AxisWord(), 16)
  outFifo.setDefinitionName(cfg.definitionName + "_OutFifo")
  io.m_axis << outFifo.io.pop
  val outRoom = outFifo.io.occupancy < 12
  when(phase === Phase.OUTPUT) {
    when(outIssued =/= cur.cout && outRoom) {
      cmd.op := EngineOp.OUT
      cmd.rdAddr := dstBase
      cmd.banks(0) := dstLane
      cmd.outLast := outIssued === cur.cout - 1
      outIssued := outIssued + 1
      dstLane := wrapLane(dstLane)
      when(dstLane === L - 1) {
        dstBase := dstBase + 1
      }
    }
    when(io.m_axis.fire && io.m_axis.payload.last) {
      phase := Phase.IDLE
      busy := False
      running := False
      done := True
      loader.state := loader.State.IDLE
    }
  }

  // ---------------------------------------------------------------- pipeline and lanes
  val s1 = RegNext(cmd)
  s1.op.init(EngineOp.NONE)
  val s2 = RegNext(s1)
  s2.op.init(EngineOp.NONE)
  val s3 = RegNext(s2)
  s3.op.init(EngineOp.NONE)
  val s4 = RegNext(s3)
  s4.op.init(EngineOp.NONE)
  val s5 = RegNext(s4)
  s5.op.init(EngineOp.NONE)
  // stage 5's selects decoded a cycle early: they fan out to every lane's adders
  val s5Update = RegNext(s4.op === EngineOp.UPDATE) init False
  val s5Pool = RegNext(s4.op === EngineOp.POOL) init False
  val s6Apply = RegNext(s5.op === EngineOp.APPLY) init False
  val s6Conv = RegNext(s5.op === EngineOp.CONV) init False
  val s6Pool = RegNext(s5Pool) init False
  val s6Last = RegNext(s5.last) init False
  val s6First = RegNext(Mux(s5Pool, s5.first, s5.firstPixel)) init False // a sum's first term

  private def shiftBy(v: SInt, k: UInt): SInt = {
    val r = SInt(v.getWidth bits)
    r := v
    for (s <- cfg.normShifts if s > 0) when(k === s) { r := shiftDown(v, s).resize(v.getWidth) }
    r
  }
  private def pick(v: Seq[SInt], sel: UInt): SInt = if (v.size == 1) v.head else Vec(v).read(sel.resized)

  // one broadcast bus a slice of the lanes (Pass.regions): slice s's word at stage 2
  val broadcast2 = Vec(SInt(W bits), cfg.slices)
  private val sliceCounts = cfg.program.filter(_.kind == PassKind.Conv).map(_.outRegions(L)).distinct.sorted
  // Heun's and RK4's stages before the last: their UPDATE writes the next stage input and K (one decode)
  val writesStageInput = cur.updateMode === UpdateMode.StageFirst || cur.updateMode === UpdateMode.StageAdd2
  val bc5 = Delay(broadcast2(0), 3) // COPY's word at stage 5, one delay line for all lanes
  // the operands wanted at stage 5, not stage 1 (POOL's x, the residual's or the update's r), are read
  // three cycles late and registered once: one delay line of the address for all lanes, not one of the
  // word in every lane (the register keeps the block RAM's clock-to-out off the norm's adder)
  private val rdAddrLate = Delay(cmd.rdAddr, 3)
  private val isPool = cur.kind === kindCode(PassKind.Pool)
  val bufRdAddr = (0 until buffers).map { b =>
    val late = (isPool && cur.x === b) || ((cur.residual || cur.update) && cur.r === b)
    Mux(late, rdAddrLate, cmd.rdAddr)
  }
  // lanes 2p and 2p+1 keep their feature buffers in one memory where a buffer is a block RAM below half
  // full at twice the width (narrow formats, small shares: x64's 256 words a lane)
  val bufferPairs = (0 until L / 2).map { pr =>
    val d = cfg.bufferDepth(2 * pr) max cfg.bufferDepth(2 * pr + 1)
    if (W <= 18 && d > 64 && d <= 512)
      Some((0 until buffers).map(_ => LanePairRam(d, W, cfg.definitionName + "_LanePairRam")))
    else None
  }
  val lanes = for (l <- 0 until L) yield new Area {
    private val pair = if (L >= 2) bufferPairs(l / 2) else None
    private val bufAddrBits = pair.map(_.head.io.ra.getWidth).getOrElse(addrWidth(cfg.bufferDepth(l)))
    val bufs = if (pair.isDefined) Seq() else (0 until buffers).map(_ => BankMem(cfg.bufferDepth(l), W, distributedBelow = 64))
    // the weight slots: one memory, or two, of the even and the odd addresses, written two words a cycle
    val weights = (0 until cfg.weightBanks).map(_ => BankMem(cfg.weightDepth / cfg.weightBanks, W))
    val bufOut = pair match {
      case Some(rams) =>
        if (l % 2 == 0) for ((r, b) <- rams.zipWithIndex) r.io.ra := bufRdAddr(b).resized
        rams.map(_.half(l % 2))
      case None => bufs.zipWithIndex.map { case (m, b) => m.readSync(bufRdAddr(b).resize(bufAddrBits)) }
    }
    private def writeBuf(b: Int, addr: UInt, data: SInt, enable: Bool): Unit = pair match {
      case Some(rams) =>
        if (l % 2 == 0) rams(b).io.wa := addr.resized
        rams(b).io.wd(W * (l % 2) + W - 1 downto W * (l % 2)) := data.asBits
        rams(b).io.we(l % 2) := enable
      case None => bufs(b).write(addr.resize(bufAddrBits), data, enable)
    }
    val wOut = if (cfg.weightBanks == 1) weights.head.readSync(cmd.wAddr) else {
      val outs = weights.map(_.readSync((cmd.wAddr |>> 1).resize(wBits - 1)))
      Mux(RegNext(cmd.wAddr(0)), outs(1), outs(0))
    }
    val bcOut = pick(bufOut, cur.bc)
    val xOut = pick(bufOut, cur.x)
    val rOut = pick(bufOut, cur.r)
    // a channel of this group exists in this lane (every slice of a channel computes it)
    val active = (gChan + (U(l, laneBits bits) & cur.groupLaneMask).resize(9)) < cur.cout.resize(9)
    // the bus of this lane's slice: lane l is in slice l / (lanes / slices) of a pass cut into `slices`
    val bc2 = SInt(W bits)
    bc2 := broadcast2(0)
    for (n <- sliceCounts if n > 1) when(cur.log2Slices === log2Up(n)) { bc2 := broadcast2(l / (L / n)) }

    val acc = Reg(SInt(cfg.accWidth bits)) init 0
    val sum = Reg(SInt(cfg.sumWidth bits)) init 0
    // the norm's all-reduce over the slices: the partner lane's sum and variance (assigned below the lanes)
    val sumPartner = SInt(cfg.sumWidth bits)
    val accPartner = SInt(cfg.accWidth bits)
    val mean = Reg(SInt(W bits)) init 0
    val scale = Reg(SInt(W bits)) init 0 // norm A, then (batch-stats) mulq(inv, A)
    val beta = Reg(SInt(W bits)) init 0 // norm B, or the classifier's bias
    val inv = cfg.batchStats generate Reg(SInt(W bits)) // from the norm unit this lane shares

    when(latchMean) {
      mean := shiftBy(sum.resize(cfg.sumWidth), cur.log2Out).resized
    }
    when(cmd.op === EngineOp.UPDATE) {
      // the group's APPLY is over: with the mean at 0, d2 is x itself, UPDATE's operand (one multiplexer
      // input fewer); the next group's LATCH_MEAN sets it again
      mean := 0
    }
    when(s1.op === EngineOp.PARAM_A) {
      scale := wOut
    }
    when(s1.op === EngineOp.PARAM_B) {
      beta := wOut
    }
    val w2 = RegNext(wOut)
    val d2 = RegNext(sat(xOut.resize(W + 1) - mean.resize(W + 1), W))
    // read late (bufRdAddr): POOL's x and the residual's or the update's r arrive at stage 4
    val x5 = RegNext(xOut)
    val r5 = RegNext(rOut)

    // Heun and RK4: the k bank (K, the running sum of the stages' k), read beside x at stage 1; the
    // UPDATE's multiplier operand at stage 2 (k, rnd(K + k, 1) or K + k); K's new value written at stage 2
    private val bW = cfg.mulq.b
    val stage = cfg.multiStage generate new Area {
      val kBank = BankMem(cfg.kDepth(l), cfg.kWidth, distributedBelow = 64)
      val kOut = kBank.readSync(cmd.rdAddr.resize(addrWidth(cfg.kDepth(l))))
      val k = xOut.resize(cfg.kWidth + 1)
      val kSum = kOut.resize(cfg.kWidth + 1) + k
      val operand = SInt(bW bits)
      operand := xOut.resized
      switch(cur.updateMode) {
        is(UpdateMode.HeunLast) { operand := shiftDown(kSum.resize(cfg.kWidth + 2) + 1, 1).resized } // rnd(K + k, 1)
        is(UpdateMode.Rk4Last) { operand := kSum.resized }
      }
      val b2 = RegNext(operand)
      val kNext = Mux(cur.updateMode === UpdateMode.StageFirst, k, kOut.resize(cfg.kWidth + 1) + (k |<< 1))
      val kWrite = RegNext(s1.op === EngineOp.UPDATE && active && writesStageInput) init False
      kBank.write(RegNext(s1.rdAddr).resize(addrWidth(cfg.kDepth(l))), RegNext(kNext.resize(cfg.kWidth)), kWrite)
    }

    val mul = MulqUnit(cfg.mulq)
    mul.setDefinitionName(cfg.definitionName + "_Mulq")
    // few operand sources, since every source is a multiplexer input in every lane: a is the broadcast
    // word, d2 or inv; b is the weight, d2, scale or h (Euler's UPDATE computes mulq(x, h), which is
    // mulq(h, x)); Heun's and RK4's UPDATE put h on a and their wider operand on b
    mul.io.operands.valid := True
    mul.io.operands.payload.a := d2
    mul.io.operands.payload.b := w2.resized
    switch(s2.op) {
      is(EngineOp.CONV) {
        mul.io.operands.payload.a := bc2
      }
      is(EngineOp.VAR) {
        mul.io.operands.payload.b := d2.resized
      }
      is(EngineOp.APPLY) {
        mul.io.operands.payload.b := scale.resized
      }
      is(EngineOp.UPDATE) {
        if (cfg.multiStage) {
          mul.io.operands.payload.a := cur.h
          mul.io.operands.payload.b := stage.b2
        } else {
          mul.io.operands.payload.b := cur.h
        }
      }
      is(EngineOp.SCALE) {
        if (cfg.batchStats) mul.io.operands.payload.a := inv
        mul.io.operands.payload.b := scale.resized
      }
    }

    // stage 5: the product, and what each op does with it
    val prodW = cfg.mulq.resultWidth + 1
    val prod = mul.io.result.payload.resize(cfg.accWidth)
    // the classifier's bias starts its sum: sat(bias + SUM) is ARITHMETIC.md's sat(SUM + bias), exact sums
    val accStart = Mux(isFc, beta.resize(cfg.accWidth), S(0, cfg.accWidth bits))
    // the all-reduce's adds share the accumulator's adder (the pipeline is drained then)
    val accNext = Mux(s5.first, accStart, acc) + (if (cfg.slices > 1) Mux(reduceVar, accPartner, prod) else prod)
    if (cfg.slices > 1) when(reduceVar) { acc := accNext }
    val convOut = sat(accNext, W)
    // one adder for the norm's sat(mulq + B) (APPLY) and the Euler update's sat(z + mulq(h, f)) (UPDATE)
    val addend = Mux(s5Update, r5, beta)
    val normed = sat(mul.io.result.payload.resize(prodW) + addend.resize(prodW), W)

    val wr = Flow(LaneWrite(cfg.bufferDepth(l), W))
    val wrBuf = UInt(2 bits)
    wr.valid := False
    wr.payload.addr := s5.wrAddr.resized
    wr.payload.data := convOut
    wrBuf := cur.w
    switch(s5.op) {
      is(EngineOp.CONV) {
        acc := accNext
        when(s5.last) {
          wr.valid := active
        }
      }
      is(EngineOp.VAR) {
        acc := accNext
      }
      is(EngineOp.SCALE) {
        scale := sat(mul.io.result.payload, W)
      }
      is(EngineOp.APPLY) {
        wr.valid := active
        wr.payload.data := normed // the residual add and ReLU follow at stage 6
      }
      is(EngineOp.UPDATE) {
        wr.valid := active
        wr.payload.data := normed
        wrBuf := cur.r
        if (cfg.multiStage) {
          // a stage before the last writes the next stage input over its k (x, the conv's output)
          when(writesStageInput) {
            wrBuf := cur.x
          }
        }
      }
      is(EngineOp.POOL) {
        wr.valid := s5.last
        wr.payload.data := x5 // summed at stage 6, the mean written at stage 7
      }
      is(EngineOp.COPY) {
        wr.valid := s5.dstLane === l
        wr.payload.data := bc5
      }
    }
    // stage 6: APPLY's residual add and ReLU, a stage after the norm's adder (the two adders and their
    // saturations in one cycle were the engine's slowest path)
    val wr6 = RegNext(wr)
    wr6.valid.init(False)
    val wrBuf6 = RegNext(wrBuf)
    val r6 = RegNext(r5)
    val added = Mux(cur.residual, sat(wr6.payload.data.resize(W + 1) + r6.resize(W + 1), W), wr6.payload.data)
    val applied = Mux(cur.relu && added.msb, S(0, W bits), added)
    // one adder for the norm's channel sum (CONV, of the words written) and the pooling sum (POOL), at
    // stage 6: after the accumulator's adder and saturation, it was the next slowest path
    val sumNext = Mux(s6First, S(0, cfg.sumWidth bits), sum) +
      (if (cfg.slices > 1) Mux(reduceSum, sumPartner, wr6.payload.data.resize(cfg.sumWidth))
       else wr6.payload.data.resize(cfg.sumWidth))
    when((s6Conv && s6Last) || s6Pool || (if (cfg.slices > 1) reduceSum else False)) {
      sum := sumNext
    }
    // stage 7: write back (registered), or the image
    val wr7 = RegNext(wr6)
    wr7.valid.init(False)
    when(s6Apply) {
      wr7.payload.data := applied
    }
    when(s6Pool) {
      wr7.payload.data := shiftBy(sumNext, cur.log2Out).resize(W)
    }
    val wrBuf7 = RegNext(wrBuf6)
    val imageHere = inputWrite && imageLane === l
    for (b <- 0 until buffers) {
      val img = if (b == 0) imageHere else False
      // the address is every lane's (a pair's lanes share it): the image's while it arrives (no write-back then)
      writeBuf(b, Mux(inputWrite, imageAddr.resize(wr7.payload.addr.getWidth), wr7.payload.addr),
        Mux(img, inWord, wr7.payload.data), img || (wr7.valid && wrBuf7 === b))
    }
    private val weightHere = (U(l, laneBits bits) & loader.wr.mask) === loader.wr.lane
    for ((m, b) <- weights.zipWithIndex) m.write(loader.wr.addr(b), loader.wr.data(b), loader.wr.en(b) && weightHere)
  }

  // broadcast of stage 1: the word of the channel being read, or the time plane, or a padding zero
  val source = pick(lanes.map(_.bcOut), s1.banks(0))
  for (sl <- 0 until cfg.slices) {
    val word = if (sl == 0) source else pick(lanes.map(_.bcOut), s1.banks(sl))
    broadcast2(sl) := RegNext(Mux(s1.pads(sl), S(0, W bits), Mux(s1.isTime, cur.tValue, word)))
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
      lanes(l).accPartner := pick(partners.map(_.acc), reduceStep)
    }
  }

  // the batch-stats norm's isqrt and divider: one unit per `normShare` lanes (a unit is ~350 LUTs, and it
  // is busy only between VAR and SCALE), started on each of its lanes' variance in turn
  val normUnits = if (!cfg.batchStats) Seq() else (0 until L / cfg.normShare).map { u =>
    new Area {
      val members = (0 until cfg.normShare).map(j => lanes(u * cfg.normShare + j))
      val unit = IsqrtDivUnit(W, cfg.frac, cfg.eps)
      unit.setDefinitionName(cfg.definitionName + "_IsqrtDiv")
      unit.io.start := normStart
      unit.io.variance := shiftBy(pick(members.map(_.acc), normSel), cur.log2Out).asUInt.resized
      for ((m, j) <- members.zipWithIndex) when(invLatch && normSel === j) { m.inv := unit.io.inv }
    }
  }

  outFifo.io.push.valid := s1.op === EngineOp.OUT
  outFifo.io.push.payload.data := source.resize(32).asBits
  outFifo.io.push.payload.last := s1.outLast
}
