package org.odegen.hw

import spinal.core._
import spinal.lib._
import spinal.lib.bus.amba4.axilite._

/** What every lane does with the command of this cycle (SIMD: one command, all lanes). */
object LaneOp extends SpinalEnum(binarySequential) {
  val NONE, CONV, VAR, PARAM_A, PARAM_B, SCALE, APPLY, UPDATE, OUT = newElement()
}

/** One command: issued by the sequencer (stage 0), then carried down the pipeline with its data. */
case class LaneCmd(cfg: OdeBlockHwConfig) extends Bundle {
  val op = LaneOp()
  val zAddr = UInt(OdeBlockTop.addrWidth(cfg.zbankDepth) bits)
  val aAddr = UInt(OdeBlockTop.addrWidth(cfg.abankDepth) bits)
  val wAddr = UInt(OdeBlockTop.addrWidth(cfg.wmainDepth) bits)
  val wsAddr = UInt(OdeBlockTop.addrWidth(cfg.wsmallDepth) bits)
  val outAddr = UInt(OdeBlockTop.addrWidth(cfg.abankDepth) bits)
  val bank = UInt(OdeBlockTop.addrWidth(cfg.lanes) bits)
  val fromZ = Bool()
  val isTime = Bool()
  val pad = Bool()
  val first = Bool()
  val last = Bool()
  val firstPixel = Bool()
  val relu = Bool()
  val outLast = Bool()
}

/** An AXI4-Stream word: INTERFACE.md's 32-bit `tdata` and `tlast`. */
case class AxisWord() extends Bundle {
  val data = Bits(32 bits)
  val last = Bool()
}

object OdeBlockTop {
  def addrWidth(depth: Int): Int = scala.math.max(1, log2Up(depth))

  /** Saturates to `w` bits: clamp to [-2^(w-1), 2^(w-1)-1]. */
  def sat(v: SInt, w: Int): SInt =
    if (v.getWidth <= w) v.resize(w)
    else {
      val top = v(v.getWidth - 1 downto w - 1).asBits
      val fits = top === 0 || top.andR
      Mux(fits, v.resize(w), Mux(v.msb, S(-(BigInt(1) << (w - 1)), w bits), S((BigInt(1) << (w - 1)) - 1, w bits)))
    }

  /** `v >> k` (arithmetic) as a slice, so that no wider intermediate is left for the lint to flag. */
  def shiftDown(v: SInt, k: Int): SInt = if (k == 0) v else v(v.getWidth - 1 downto k)

  /** CONFIG register (INTERFACE.md). */
  def configWord(cfg: OdeBlockHwConfig): BigInt =
    BigInt(cfg.lanes & 0xff) | (BigInt(cfg.channels & 0xff) << 8) | (BigInt(cfg.height & 0xff) << 16) |
      (BigInt(cfg.frac & 0x1f) << 24) | (BigInt(if (cfg.timeChannel) 1 else 0) << 29) |
      (BigInt(if (cfg.batchStats) 1 else 0) << 30)
}

/** The ODEBlock of INTERFACE.md: AXI4-Lite registers, AXI4-Stream in and out, parameter load,
  * M Euler steps on chip (ARITHMETIC.md, bit-exact), both norm modes, the time channel, CYCLES.
  *
  * Schedule of one Euler step, every phase run by all lanes at once:
  * for conv in (1, 2), for each group of `lanes` output channels: CONV (one multiply-add per lane per
  * cycle, the input broadcast), [VAR: sum of rnd(d*d, F) over the lane's channel, isqrt and divide],
  * PARAM (norm parameters from the weight bank), APPLY (norm, and ReLU after conv1, in place);
  * then UPDATE: z = sat(z + mulq(h, f)) in place. Only CONV is in the multiply-add bound; the rest
  * costs about 5 * N cycles a group.
  *
  * `interruptPort` is INTERFACE.md's `interrupt` except in SpinalSim builds: Verilator renames that
  * C++ word inside its model (`__SYM__interrupt`), where SpinalSim's JNI wrapper cannot find it. */
case class OdeBlockTop(cfg: OdeBlockHwConfig, interruptPort: String = "interrupt") extends Component {
  import OdeBlockTop._
  setDefinitionName(cfg.definitionName)

  private val W = cfg.dataWidth
  private val L = cfg.lanes
  private val G = cfg.groups
  private val N = cfg.pixels
  private val k = cfg.log2Pixels

  val io = new Bundle {
    val s_axi_ctrl = slave(AxiLite4(AxiLite4Config(addressWidth = 8, dataWidth = 32)))
    val s_axis = slave(Stream(AxisWord()))
    val m_axis = master(Stream(AxisWord()))
    val interrupt = out Bool ()
  }
  AxiLite4SpecRenamer(io.s_axi_ctrl)
  io.interrupt.setName(interruptPort) // INTERFACE.md's name, which build.tcl connects
  for ((s, n) <- Seq(io.s_axis -> "s_axis", io.m_axis -> "m_axis")) {
    s.valid.setName(n + "_tvalid")
    s.ready.setName(n + "_tready")
    s.payload.data.setName(n + "_tdata")
    s.payload.last.setName(n + "_tlast")
  }

  // ---------------------------------------------------------------- registers (AXI4-Lite)
  val bus = AxiLite4SlaveFactory(io.s_axi_ctrl)
  val busy = RegInit(False)
  val done = RegInit(False)
  val loaded = RegInit(False)
  val error = RegInit(False)
  val stepsReg = Reg(UInt(32 bits)) init 1
  val hReg = Reg(Bits(32 bits)) init B(BigInt(1) << cfg.frac, 32 bits)
  val t0Reg = Reg(Bits(32 bits)) init 0
  val cycles = Reg(UInt(32 bits)) init 0
  val ier = Reg(Bits(1 bits)) init 0
  val running = RegInit(False)

  val ctrlWrite = bus.createAndDriveFlow(Bits(32 bits), OdeBlockRegisters.CTRL)
  bus.read(B(0, 28 bits) ## error ## loaded ## done ## busy, OdeBlockRegisters.STATUS)
  val stepsWrite = bus.createAndDriveFlow(UInt(32 bits), OdeBlockRegisters.STEPS)
  when(stepsWrite.valid) {
    stepsReg := Mux(stepsWrite.payload === 0, U(1, 32 bits), stepsWrite.payload)
  }
  bus.read(stepsReg, OdeBlockRegisters.STEPS)
  bus.readAndWrite(hReg, OdeBlockRegisters.STEP_SIZE)
  bus.readAndWrite(t0Reg, OdeBlockRegisters.T0)
  bus.read(cycles, OdeBlockRegisters.CYCLES)
  bus.read(B(configWord(cfg), 32 bits), OdeBlockRegisters.CONFIG)
  bus.read(B(W, 32 bits), OdeBlockRegisters.WIDTH)
  bus.readAndWrite(ier, OdeBlockRegisters.IER)
  io.interrupt := done && ier(0)

  when(running) {
    cycles := cycles + 1
  }

  // ---------------------------------------------------------------- sequencer
  object Phase extends SpinalEnum(binarySequential) {
    val IDLE, LOAD, INPUT, CONV_START, CONV, DRAIN, LATCH_MEAN, VAR, NORM_START, NORM_WAIT, PARAM_A, PARAM_B,
        SCALE, APPLY, NEXT_GROUP, UPDATE, NEXT_STEP, OUTPUT, FINISH = newElement()
  }
  val phase = RegInit(Phase.IDLE)
  val afterDrain = Reg(Phase()) init Phase.IDLE
  val waitCnt = Reg(UInt(8 bits)) init 0

  val stepsLeft = Reg(UInt(32 bits)) init 0
  val hRun = Reg(SInt(W bits)) init 0
  val tRun = Reg(SInt(W bits)) init 0
  val conv2 = RegInit(False)
  val g = Reg(UInt(addrWidth(G) bits)) init 0
  val y = Reg(UInt(log2Up(cfg.height + 1) bits)) init 0
  val x = Reg(UInt(log2Up(cfg.width + 1) bits)) init 0
  val ci = Reg(UInt(log2Up(cfg.cin + 1) bits)) init 0
  val ky = Reg(UInt(2 bits)) init 0
  val kx = Reg(UInt(2 bits)) init 0
  val inner = Reg(UInt(log2Up(cfg.taps + 1) bits)) init 0
  // (conv*G + g) * C*9 and (conv*G + g) * 9, counted up group by group instead of multiplied
  val wBase = Reg(UInt(addrWidth(cfg.wmainDepth) + 1 bits)) init 0
  val nextWBase = Reg(UInt(addrWidth(cfg.wmainDepth) + 1 bits)) init 0
  val wsBase = Reg(UInt(addrWidth(cfg.wsmallDepth) + 1 bits)) init 0
  val nextWsBase = Reg(UInt(addrWidth(cfg.wsmallDepth) + 1 bits)) init 0
  val loadConvBase = Reg(UInt(addrWidth(cfg.wmainDepth) + 1 bits)) init 0
  val loadTimeBase = Reg(UInt(addrWidth(cfg.wsmallDepth) + 1 bits)) init 0
  val loadNormBase = Reg(UInt(addrWidth(cfg.wsmallDepth) + 1 bits)) init 0
  val p = Reg(UInt(log2Up(G * N + 1) bits)) init 0
  // loader
  val section = Reg(UInt(3 bits)) init 0
  val chan = Reg(UInt(log2Up(cfg.channels + 1) bits)) init 0
  val wordError = RegInit(False)
  // output
  val outIssued = Reg(UInt(log2Up(cfg.featureWords + 1) bits)) init 0
  val outAccepted = Reg(UInt(log2Up(cfg.featureWords + 1) bits)) init 0

  val latchMean = False
  val normStart = False
  val cmd = LaneCmd(cfg)
  cmd.op := LaneOp.NONE
  cmd.zAddr := 0
  cmd.aAddr := 0
  cmd.wAddr := 0
  cmd.wsAddr := 0
  cmd.outAddr := 0
  cmd.bank := 0
  cmd.fromZ := False
  cmd.isTime := False
  cmd.pad := False
  cmd.first := False
  cmd.last := False
  cmd.firstPixel := False
  cmd.relu := False
  cmd.outLast := False

  def laneOf(c: UInt): UInt = if (L == 1) U(0, 1 bits) else c(cfg.log2Lanes - 1 downto 0)
  def groupOf(c: UInt): UInt = if (L == 1) c else c(c.getWidth - 1 downto cfg.log2Lanes)

  def drainTo(next: Phase.E): Unit = {
    waitCnt := cfg.pipelineDepth + 1
    afterDrain := next
    phase := Phase.DRAIN
  }

  // commands from the host
  val startRun = ctrlWrite.valid && ctrlWrite.payload(0) && !ctrlWrite.payload(1)
  val startLoad = ctrlWrite.valid && ctrlWrite.payload(1) && !ctrlWrite.payload(0)
  when(ctrlWrite.valid) {
    when(busy || (ctrlWrite.payload(0) === ctrlWrite.payload(1))) {
      error := True
    }.elsewhen(startLoad) {
      error := False
      loaded := False
      busy := True
      section := 0
      chan := 0
      inner := 0
      loadConvBase := 0
      loadTimeBase := 0
      loadNormBase := cfg.paramBase
      wordError := False
      phase := Phase.LOAD
    }.elsewhen(startRun) {
      when(!loaded) {
        error := True
      } otherwise {
        error := False
        done := False
        busy := True
        running := True
        cycles := 0
        stepsLeft := stepsReg
        hRun := hReg(W - 1 downto 0).asSInt
        tRun := t0Reg(W - 1 downto 0).asSInt
        chan := 0
        p := 0
        wordError := False
        phase := Phase.INPUT
      }
    }
  }

  // stream in: parameters (LOAD) and z_0 (INPUT)
  io.s_axis.ready := phase === Phase.LOAD || phase === Phase.INPUT
  val inWord = io.s_axis.payload.data(W - 1 downto 0).asSInt
  val inLane = UInt(addrWidth(L) bits)
  val zInAddr = UInt(addrWidth(cfg.zbankDepth) bits)
  inLane := laneOf(chan.resize(log2Up(cfg.channels + 1)))
  val isConvSection = section === 0 || section === 3
  val loadTimeWeight = isConvSection && Bool(cfg.timeChannel) && inner < 9
  val mainAddr = (loadConvBase + inner.resize(loadConvBase.getWidth) - (if (cfg.timeChannel) 9 else 0)).resize(
    addrWidth(cfg.wmainDepth))
  val smallAddr = Mux(isConvSection, loadTimeBase + inner.resize(loadTimeBase.getWidth),
    loadNormBase + groupOf(chan).resize(loadNormBase.getWidth)).resize(addrWidth(cfg.wsmallDepth))
  val toSmall = !isConvSection || loadTimeWeight
  zInAddr := ((groupOf(chan).resize(addrWidth(cfg.zbankDepth)) << k).resize(addrWidth(cfg.zbankDepth)) +
    p.resize(addrWidth(cfg.zbankDepth))).resized
  val loadWrite = phase === Phase.LOAD && io.s_axis.fire
  val inputWrite = phase === Phase.INPUT && io.s_axis.fire

  /** INTERFACE.md's rule for both input streams (parameters, z_0): tlast on the last word and only
    * there. `onMismatch` runs whenever tlast and the last word disagree, `early` when tlast comes
    * before the last word (the stream ends there), `last` on the last word. */
  private def streamEnd(lastWord: Bool)(onMismatch: => Unit)(early: => Unit)(last: => Unit): Unit = {
    when(io.s_axis.payload.last =/= lastWord) {
      onMismatch
    }
    when(io.s_axis.payload.last && !lastWord) {
      early
    }.elsewhen(lastWord) {
      last
    }
  }

  when(loadWrite) {
    val lastOfSection = Bool()
    when(isConvSection) {
      lastOfSection := chan === cfg.channels - 1 && inner === cfg.taps - 1
      inner := inner + 1
      when(inner === cfg.taps - 1) {
        inner := 0
        chan := chan + 1
        when(laneOf(chan) === L - 1) {
          loadConvBase := loadConvBase + cfg.mainTaps // next group of this lane's channels
          loadTimeBase := loadTimeBase + 9
        }
      }
    } otherwise {
      lastOfSection := chan === cfg.channels - 1
      chan := chan + 1
      when(chan === cfg.channels - 1) {
        loadNormBase := loadNormBase + G
      }
    }
    val lastWord = section === 5 && lastOfSection
    when(lastOfSection) {
      chan := 0
      inner := 0
      section := section + 1
    }
    streamEnd(lastWord)(wordError := True) {
      // tlast too early: the load ends here, without parameters
      error := True
      busy := False
      phase := Phase.IDLE
    } {
      val bad = wordError || !io.s_axis.payload.last
      error := bad
      loaded := !bad
      busy := False
      phase := Phase.IDLE
    }
  }

  when(inputWrite) {
    val lastWord = chan === cfg.channels - 1 && p === N - 1
    p := p + 1
    when(p === N - 1) {
      p := 0
      chan := chan + 1
    }
    streamEnd(lastWord)(error := True) {
      // tlast too early: the run is aborted
      busy := False
      running := False
      phase := Phase.IDLE
    } {
      conv2 := False
      g := 0
      nextWBase := 0
      nextWsBase := 0
      phase := Phase.CONV_START
    }
  }

  // conv addressing
  val iy = (y.resize(y.getWidth + 2).asSInt + ky.resize(y.getWidth + 2).asSInt - 1)
  val ix = (x.resize(x.getWidth + 2).asSInt + kx.resize(x.getWidth + 2).asSInt - 1)
  val convPad = iy < 0 || iy >= cfg.height || ix < 0 || ix >= cfg.width
  val srcChan = UInt(log2Up(cfg.cin + 1) bits)
  srcChan := (if (cfg.timeChannel) ci - 1 else ci)
  val pixelIn = (iy.asUInt.resize(16) << log2Up(cfg.width)).resize(16) + ix.asUInt.resize(16)
  val convReadAddr = ((groupOf(srcChan).resize(16) << k).resize(16) + pixelIn).resize(16)
  val pixelOut = (y.resize(16) << log2Up(cfg.width)).resize(16) + x.resize(16)
  val groupBase = (g.resize(16) << k).resize(16)

  switch(phase) {
    is(Phase.CONV_START) {
      y := 0
      x := 0
      ci := 0
      ky := 0
      kx := 0
      inner := 0
      wBase := nextWBase
      nextWBase := nextWBase + cfg.mainTaps
      wsBase := nextWsBase
      nextWsBase := nextWsBase + 9
      phase := Phase.CONV
    }
    is(Phase.CONV) {
      cmd.op := LaneOp.CONV
      cmd.zAddr := convReadAddr.resized
      cmd.aAddr := convReadAddr.resized
      cmd.wAddr := (wBase + inner.resize(wBase.getWidth) - (if (cfg.timeChannel) 9 else 0)).resized
      cmd.wsAddr := (wsBase + inner.resize(wsBase.getWidth)).resized
      cmd.bank := laneOf(srcChan)
      cmd.fromZ := !conv2
      cmd.isTime := Bool(cfg.timeChannel) && ci === 0
      cmd.pad := convPad
      cmd.first := inner === 0
      cmd.last := inner === cfg.taps - 1
      cmd.firstPixel := y === 0 && x === 0
      cmd.outAddr := ((Mux(conv2, U(G * N), U(0)).resize(16) + groupBase + pixelOut)).resized
      inner := inner + 1
      kx := kx + 1
      when(kx === 2) {
        kx := 0
        ky := ky + 1
        when(ky === 2) {
          ky := 0
          ci := ci + 1
          when(ci === cfg.cin - 1) {
            ci := 0
            inner := 0
            x := x + 1
            when(x === cfg.width - 1) {
              x := 0
              y := y + 1
              when(y === cfg.height - 1) {
                drainTo(if (cfg.batchStats) Phase.LATCH_MEAN else Phase.PARAM_A)
              }
            }
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
    is(Phase.LATCH_MEAN) {
      latchMean := True
      p := 0
      phase := Phase.VAR
    }
    is(Phase.VAR) {
      cmd.op := LaneOp.VAR
      cmd.aAddr := (Mux(conv2, U(G * N), U(0)).resize(16) + groupBase + p.resize(16)).resized
      cmd.first := p === 0
      p := p + 1
      when(p === N - 1) {
        drainTo(Phase.NORM_START)
      }
    }
    is(Phase.NORM_START) {
      normStart := True
      waitCnt := 0
      phase := Phase.NORM_WAIT
    }
    is(Phase.NORM_WAIT) {
      waitCnt := waitCnt + 1
      when(waitCnt === cfg.dataWidth + 2 * cfg.frac + 4) {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.PARAM_A) {
      cmd.op := LaneOp.PARAM_A
      cmd.wsAddr := (U(cfg.paramBase, 16 bits) + Mux(conv2, U(2 * G), U(0)).resize(16) + g.resize(16)).resized
      phase := Phase.PARAM_B
    }
    is(Phase.PARAM_B) {
      cmd.op := LaneOp.PARAM_B
      cmd.wsAddr := (U(cfg.paramBase + G, 16 bits) + Mux(conv2, U(2 * G), U(0)).resize(16) + g.resize(16)).resized
      if (cfg.batchStats) phase := Phase.SCALE
      else {
        p := 0
        drainTo(Phase.APPLY)
      }
    }
    is(Phase.SCALE) {
      cmd.op := LaneOp.SCALE
      p := 0
      drainTo(Phase.APPLY)
    }
    is(Phase.APPLY) {
      cmd.op := LaneOp.APPLY
      cmd.aAddr := (Mux(conv2, U(G * N), U(0)).resize(16) + groupBase + p.resize(16)).resized
      cmd.relu := !conv2
      p := p + 1
      when(p === N - 1) {
        drainTo(Phase.NEXT_GROUP)
      }
    }
    is(Phase.NEXT_GROUP) {
      when(g =/= G - 1) {
        g := g + 1
        phase := Phase.CONV_START
      }.elsewhen(!conv2) {
        conv2 := True
        g := 0
        phase := Phase.CONV_START
      } otherwise {
        p := 0
        phase := Phase.UPDATE
      }
    }
    is(Phase.UPDATE) {
      cmd.op := LaneOp.UPDATE
      cmd.zAddr := p.resized
      cmd.aAddr := (U(G * N, 16 bits) + p.resize(16)).resized
      p := p + 1
      when(p === G * N - 1) {
        drainTo(Phase.NEXT_STEP)
      }
    }
    is(Phase.NEXT_STEP) {
      stepsLeft := stepsLeft - 1
      tRun := tRun + hRun
      conv2 := False
      g := 0
      nextWBase := 0
      nextWsBase := 0
      when(stepsLeft === 1) {
        chan := 0
        p := 0
        outIssued := 0
        outAccepted := 0
        phase := Phase.OUTPUT
      } otherwise {
        phase := Phase.CONV_START
      }
    }
  }

  // stream out z_M through a small FIFO; reads are issued only when it has room
  val outFifo = StreamFifo(AxisWord(), 16)
  outFifo.setDefinitionName(cfg.definitionName + "_OutFifo")
  io.m_axis << outFifo.io.pop
  val outRoom = outFifo.io.occupancy < 12
  when(phase === Phase.OUTPUT) {
    when(outIssued =/= cfg.featureWords && outRoom) {
      cmd.op := LaneOp.OUT
      cmd.zAddr := ((groupOf(chan).resize(16) << k).resize(16) + p.resize(16)).resized
      cmd.bank := laneOf(chan)
      cmd.outLast := outIssued === cfg.featureWords - 1
      outIssued := outIssued + 1
      p := p + 1
      when(p === N - 1) {
        p := 0
        chan := chan + 1
      }
    }
    when(io.m_axis.fire) {
      outAccepted := outAccepted + 1
      when(io.m_axis.payload.last) {
        phase := Phase.IDLE
        busy := False
        running := False
        done := True
      }
    }
  }

  // ---------------------------------------------------------------- pipeline and lanes
  val s1 = RegNext(cmd)
  s1.op.init(LaneOp.NONE)
  val s2 = RegNext(s1)
  s2.op.init(LaneOp.NONE)
  val s3 = RegNext(s2)
  s3.op.init(LaneOp.NONE)
  val s4 = RegNext(s3)
  s4.op.init(LaneOp.NONE)
  val s5 = RegNext(s4)
  s5.op.init(LaneOp.NONE)

  val lanes = for (l <- 0 until L) yield new Area {
    val wmain = BankMem(cfg.wmainDepth, W)
    val wsmall = BankMem(cfg.wsmallDepth, W, distributedBelow = Int.MaxValue)
    val zbank = BankMem(cfg.zbankDepth, W, distributedBelow = cfg.distributedDepth)
    val abank = BankMem(cfg.abankDepth, W, distributedBelow = cfg.distributedDepth)
    val wsOut = wsmall.readSync(cmd.wsAddr)
    val wOut = Mux(s1.isTime, wsOut, wmain.readSync(cmd.wAddr))
    val zOut = zbank.readSync(cmd.zAddr)
    val aOut = abank.readSync(cmd.aAddr)

    val acc = Reg(SInt(cfg.accWidth bits)) init 0
    val sum = Reg(SInt(cfg.sumWidth bits)) init 0
    val mean = Reg(SInt(W bits)) init 0
    val scale = Reg(SInt(W bits)) init 0
    val paramA = Reg(SInt(W bits)) init 0
    val beta = Reg(SInt(W bits)) init 0

    val norm = cfg.batchStats generate new Area {
      val unit = IsqrtDivUnit(cfg)
      unit.setDefinitionName(cfg.definitionName + "_IsqrtDiv")
      unit.io.start := normStart
      unit.io.variance := shiftDown(acc, k).asUInt.resized
    }
    when(latchMean) {
      mean := shiftDown(sum, k).resized
    }

    // stage 1 -> 2
    when(s1.op === LaneOp.PARAM_A) {
      paramA := wsOut
      if (!cfg.batchStats) scale := wsOut
    }
    when(s1.op === LaneOp.PARAM_B) {
      beta := wsOut
    }
    val w2 = RegNext(wOut)
    val d2 = RegNext(sat(aOut.resize(W + 1) - mean.resize(W + 1), W))
    val n2 = RegNext(aOut)
    val z5 = Delay(zOut, 4)

    // stage 2: operands of the lane's one multiplier
    val mul = MulqUnit(cfg.mulq)
    mul.setDefinitionName(cfg.definitionName + "_Mulq")
    mul.io.operands.valid := s2.op =/= LaneOp.NONE && s2.op =/= LaneOp.OUT && s2.op =/= LaneOp.PARAM_A &&
      s2.op =/= LaneOp.PARAM_B
    mul.io.operands.payload.a := w2
    mul.io.operands.payload.b := w2
    val broadcast = SInt(W bits) // set below, shared by all lanes
    switch(s2.op) {
      is(LaneOp.CONV) {
        mul.io.operands.payload.a := broadcast
        mul.io.operands.payload.b := w2
      }
      is(LaneOp.VAR) {
        mul.io.operands.payload.a := d2
        mul.io.operands.payload.b := d2
      }
      is(LaneOp.APPLY) {
        mul.io.operands.payload.a := d2
        mul.io.operands.payload.b := scale
      }
      is(LaneOp.UPDATE) {
        mul.io.operands.payload.a := hRun
        mul.io.operands.payload.b := n2
      }
      is(LaneOp.SCALE) {
        if (cfg.batchStats) mul.io.operands.payload.a := norm.unit.io.inv
        mul.io.operands.payload.b := paramA
      }
    }

    // stage 5: the product, and what each op does with it
    val prod = mul.io.result.payload.resize(cfg.accWidth)
    val accNext = Mux(s5.first, S(0, cfg.accWidth bits), acc) + prod
    val convOut = sat(accNext, W)
    val applied = sat(mul.io.result.payload.resize(cfg.productWidth + 1) + beta.resize(cfg.productWidth + 1), W)
    val appliedRelu = Mux(s5.relu && applied.msb, S(0, W bits), applied)
    val updated = sat(mul.io.result.payload.resize(cfg.productWidth + 1) + z5.resize(cfg.productWidth + 1), W)

    val aWrite = Flow(LaneWrite(cfg.abankDepth, W))
    val zWrite = Flow(LaneWrite(cfg.zbankDepth, W))
    aWrite.valid := False
    aWrite.payload.addr := s5.outAddr
    aWrite.payload.data := convOut
    zWrite.valid := False
    zWrite.payload.addr := s5.zAddr
    zWrite.payload.data := updated
    switch(s5.op) {
      is(LaneOp.CONV) {
        acc := accNext
        when(s5.last) {
          aWrite.valid := True
          sum := Mux(s5.firstPixel, S(0, cfg.sumWidth bits), sum) + convOut.resize(cfg.sumWidth)
        }
      }
      is(LaneOp.VAR) {
        acc := accNext
      }
      is(LaneOp.SCALE) {
        scale := sat(mul.io.result.payload, W)
      }
      is(LaneOp.APPLY) {
        aWrite.valid := True
        aWrite.payload.addr := s5.aAddr
        aWrite.payload.data := appliedRelu
      }
      is(LaneOp.UPDATE) {
        zWrite.valid := True
      }
    }
    // stage 6: write back (registered), or the stream-in writes
    val aWrite6 = RegNext(aWrite)
    aWrite6.valid.init(False)
    val zWrite6 = RegNext(zWrite)
    zWrite6.valid.init(False)
    abank.write(aWrite6.payload.addr, aWrite6.payload.data, aWrite6.valid)
    val zInThis = inputWrite && inLane === l
    zbank.write(Mux(zInThis, zInAddr, zWrite6.payload.addr), Mux(zInThis, inWord, zWrite6.payload.data),
      zInThis || zWrite6.valid)
    wmain.write(mainAddr, inWord, loadWrite && inLane === l && !toSmall)
    wsmall.write(smallAddr, inWord, loadWrite && inLane === l && toSmall)
  }

  // broadcast of stage 1: the value of the channel being read, or the time plane, or a padding zero
  private def pick(v: Seq[SInt], sel: UInt): SInt = if (v.size == 1) v.head else Vec(v).read(sel.resized)
  val source = Mux(s1.fromZ, pick(lanes.map(_.zOut), s1.bank), pick(lanes.map(_.aOut), s1.bank))
  val broadcast2 = RegNext(Mux(s1.pad, S(0, W bits), Mux(s1.isTime, tRun, source)))
  lanes.foreach(_.broadcast := broadcast2)

  outFifo.io.push.valid := s1.op === LaneOp.OUT
  outFifo.io.push.payload.data := pick(lanes.map(_.zOut), s1.bank).resize(32).asBits
  outFifo.io.push.payload.last := s1.outLast
}

/** One write into a lane's bank. */
case class LaneWrite(depth: Int, width: Int) extends Bundle {
  val addr = UInt(OdeBlockTop.addrWidth(depth) bits)
  val data = SInt(width bits)
}
