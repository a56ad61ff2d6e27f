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

  /** INTERFACE.md's AXI4-Stream port names (`<prefix>_tvalid`, `_tready`, `_tdata`, `_tlast`), which Vivado
    * infers the interfaces from; the block and the network engine share them. */
  def nameAxisPorts(streams: (Stream[AxisWord], String)*): Unit =
    for ((s, n) <- streams) {
      s.valid.setName(n + "_tvalid")
      s.ready.setName(n + "_tready")
      s.payload.data.setName(n + "_tdata")
      s.payload.last.setName(n + "_tlast")
    }

  /** `v >> k` (arithmetic) as a slice, so that no wider intermediate is left for the lint to flag. */
  def shiftDown(v: SInt, k: Int): SInt = if (k == 0) v else v(v.getWidth - 1 downto k)

  /** CONFIG register (INTERFACE.md), from its fields in RegisterMap.block. */
  def configWord(cfg: OdeBlockHwConfig): BigInt = BigInt(RegisterMap.blockConfig(cfg))
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
  * Heun and RK4 (ARITHMETIC.md) run that same evaluation of f once per stage, on the same datapath. Each
  * stage's UPDATE pass computes `sat(z + mulq(c, k))` with the lane's multiplier: on the last stage into z
  * (c = h with Heun's rnd(k1 + k2, 1), or h6 with RK4's sum), before it into the stage input, written over
  * f in the a bank (conv1's output goes to the other half, so the stage input survives until conv1 has read
  * it), while the running sum of k goes to its own bank beside z. A stage costs what an Euler step costs.
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
  nameAxisPorts(io.s_axis -> "s_axis", io.m_axis -> "m_axis")

  // ---------------------------------------------------------------- registers (AXI4-Lite)
  val host = new HostController(RegisterMap.block, io.s_axi_ctrl,
    constants = Map("CONFIG" -> configWord(cfg), "WIDTH" -> BigInt(RegisterMap.blockWidth(cfg))),
    resets = Map("STEP_SIZE" -> (BigInt(1) << cfg.frac)))
  val busy = host.busy
  val done = host.done
  val loaded = host.loaded
  val error = host.error
  val running = host.running
  val cycles = host.cycles
  val stepsReg = host.values("STEPS").asUInt
  val hReg = host.values("STEP_SIZE")
  val t0Reg = host.values("T0")
  io.interrupt := host.interrupt

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
  // Heun, RK4: the stage of the step (0 .. stages-1) and its time t_k (+ h2 or h)
  val stage = Reg(UInt(2 bits)) init 0
  val tStage = Reg(SInt(W bits)) init 0
  val lastStage = if (cfg.multiStage) stage === cfg.stages - 1 else True
  val h2Run = shiftDown(hRun, 1).resize(W)
  /** Where conv1 and conv2 write in the a bank. With more than one stage, conv2's output (f, then the
    * stage input written over it) is in the lower half, so conv1 writes the upper one. */
  val c1Base = U(if (cfg.multiStage) G * N else 0, 16 bits)
  val c2Base = U(if (cfg.multiStage) 0 else G * N, 16 bits)
  val runStart = False
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

  // commands from the host: the host controller has taken them; here what a load and a run start
  when(host.load) {
    section := 0
    chan := 0
    inner := 0
    loadConvBase := 0
    loadTimeBase := 0
    loadNormBase := cfg.paramBase
    wordError := False
    phase := Phase.LOAD
  }
  when(host.start) {
    runStart := True
    stepsLeft := stepsReg
    hRun := hReg(W - 1 downto 0).asSInt
    tRun := t0Reg(W - 1 downto 0).asSInt
    stage := 0
    tStage := t0Reg(W - 1 downto 0).asSInt
    chan := 0
    p := 0
    wordError := False
    phase := Phase.INPUT
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
      // conv2 reads conv1's output; conv1 of a later stage reads the stage input, where f was
      cmd.aAddr := (Mux(conv2, c1Base, c2Base) + convReadAddr).resized
      cmd.wAddr := (wBase + inner.resize(wBase.getWidth) - (if (cfg.timeChannel) 9 else 0)).resized
      cmd.wsAddr := (wsBase + inner.resize(wsBase.getWidth)).resized
      cmd.bank := laneOf(srcChan)
      cmd.fromZ := !conv2 && (if (cfg.multiStage) stage === 0 else True)
      cmd.isTime := Bool(cfg.timeChannel) && ci === 0
      cmd.pad := convPad
      cmd.first := inner === 0
      cmd.last := inner === cfg.taps - 1
      cmd.firstPixel := y === 0 && x === 0
      cmd.outAddr := (Mux(conv2, c2Base, c1Base) + groupBase + pixelOut).resized
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
      cmd.aAddr := (Mux(conv2, c2Base, c1Base) + groupBase + p.resize(16)).resized
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
      cmd.aAddr := (Mux(conv2, c2Base, c1Base) + groupBase + p.resize(16)).resized
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
      cmd.aAddr := (c2Base + p.resize(16)).resized
      p := p + 1
      when(p === G * N - 1) {
        drainTo(Phase.NEXT_STEP)
      }
    }
    is(Phase.NEXT_STEP) {
      conv2 := False
      g := 0
      nextWBase := 0
      nextWsBase := 0
      when(!lastStage) {
        // the next evaluation of f in this step: Heun's at t_k + h; RK4's at t_k + h2, t_k + h2, t_k + h
        stage := stage + 1
        tStage := tRun + (if (cfg.rk4) Mux(stage === 2, hRun, h2Run) else hRun)
        phase := Phase.CONV_START
      }.elsewhen(stepsLeft === 1) {
        stage := 0
        stepsLeft := stepsLeft - 1
        tRun := tRun + hRun
        tStage := tRun + hRun
        chan := 0
        p := 0
        outIssued := 0
        outAccepted := 0
        phase := Phase.OUTPUT
      } otherwise {
        stage := 0
        stepsLeft := stepsLeft - 1
        tRun := tRun + hRun
        tStage := tRun + hRun
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

  /** RK4's h6 = (|h| + 3) / 6 with h's sign (ARITHMETIC.md), once per run: a restoring divider, one
    * quotient bit a cycle, W+1 cycles from START. h6 is first used in the last stage's UPDATE of the first
    * step, after z_0 has streamed in and three evaluations of f have run (each has at least four 8-cycle
    * drains, so more than W+1 cycles in any block), so it is always ready and no cycle is added. */
  val sixth = cfg.rk4 generate new Area {
    val n = Reg(UInt(W + 1 bits)) init 0 // the dividend, shifted out as the quotient is shifted in
    val rem = Reg(UInt(3 bits)) init 0
    val neg = RegInit(False)
    val count = Reg(UInt(log2Up(W + 2) bits)) init 0
    when(runStart) {
      val h = hReg(W - 1 downto 0).asSInt
      n := h.abs.resize(W + 1) + U(3, W + 1 bits)
      rem := 0
      neg := h.msb
      count := W + 1
    }.elsewhen(count =/= 0) {
      val r = rem @@ n.msb
      val ge = r >= 6
      rem := Mux(ge, r - 6, r).resized
      n := n(W - 1 downto 0) @@ ge
      count := count - 1
    }
    // the quotient is below 2^(W-1): (2^(W-1) + 3) / 6
    val h6 = Mux(neg, -(n.resize(W).asSInt), n.resize(W).asSInt)
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
    // Heun, RK4: the running sum of k, `[g][y][x]` like z and read at z's address
    val kbank = cfg.multiStage generate BankMem(cfg.kbankDepth, cfg.kWidth, distributedBelow = cfg.distributedDepth)
    val kOut = cfg.multiStage generate kbank.readSync(cmd.zAddr)

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
    val B = cfg.mulq.b
    /** The UPDATE pass of a stage: coefficient (multiplier operand a), the value it multiplies (operand b),
      * and the new running sum of k. `stage` is steady during the pass: it changes after the pass's DRAIN. */
    val upd = new Area {
      val coef = SInt(W bits)
      val operand = SInt(B bits)
      operand := n2.resize(B)
      val kNew = cfg.multiStage generate SInt(cfg.kWidth bits)
      if (!cfg.multiStage) coef := hRun
      if (cfg.multiStage) {
        val k2 = RegNext(kOut)
        if (cfg.rk4) {
          // k1; k1 + 2*k2; k1 + 2*k2 + 2*k3; then mulq(h6, that sum + k4) into z
          kNew := Mux(stage === 0, n2.resize(cfg.kWidth), k2 + (n2.resize(cfg.kWidth) |<< 1))
          coef := Mux(stage === 3, sixth.h6, Mux(stage === 2, hRun, h2Run))
          when(stage === 3) {
            operand := k2 + n2.resize(B)
          }
        } else {
          // Heun: k1, then mulq(h, rnd(k1 + k2, 1)) into z
          kNew := n2
          coef := hRun
          when(stage === 1) {
            operand := shiftDown(k2.resize(W + 2) + n2.resize(W + 2) + S(1, W + 2 bits), 1).resize(B)
          }
        }
      }
      val kNew5 = cfg.multiStage generate Delay(kNew, 3)
    }

    // stage 2: operands of the lane's one multiplier
    val mul = MulqUnit(cfg.mulq)
    mul.setDefinitionName(cfg.definitionName + "_Mulq")
    mul.io.operands.valid := s2.op =/= LaneOp.NONE && s2.op =/= LaneOp.OUT && s2.op =/= LaneOp.PARAM_A &&
      s2.op =/= LaneOp.PARAM_B
    mul.io.operands.payload.a := w2
    mul.io.operands.payload.b := w2.resize(B)
    val broadcast = SInt(W bits) // set below, shared by all lanes
    switch(s2.op) {
      is(LaneOp.CONV) {
        mul.io.operands.payload.a := broadcast
        mul.io.operands.payload.b := w2.resize(B)
      }
      is(LaneOp.VAR) {
        mul.io.operands.payload.a := d2
        mul.io.operands.payload.b := d2.resize(B)
      }
      is(LaneOp.APPLY) {
        mul.io.operands.payload.a := d2
        mul.io.operands.payload.b := scale.resize(B)
      }
      is(LaneOp.UPDATE) {
        mul.io.operands.payload.a := upd.coef
        mul.io.operands.payload.b := upd.operand
      }
      is(LaneOp.SCALE) {
        if (cfg.batchStats) mul.io.operands.payload.a := norm.unit.io.inv
        mul.io.operands.payload.b := paramA.resize(B)
      }
    }

    // stage 5: the product, and what each op does with it
    val prod = mul.io.result.payload.resize(cfg.accWidth)
    val accNext = Mux(s5.first, S(0, cfg.accWidth bits), acc) + prod
    val convOut = sat(accNext, W)
    val applied = sat(mul.io.result.payload.resize(cfg.productWidth + 1) + beta.resize(cfg.productWidth + 1), W)
    val appliedRelu = Mux(s5.relu && applied.msb, S(0, W bits), applied)
    private val rw = cfg.mulq.resultWidth + 1
    val updated = sat(mul.io.result.payload.resize(rw) + z5.resize(rw), W)

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
        if (cfg.multiStage) {
          // before the last stage: the stage input goes over f, in the a bank; the k sum to its bank
          when(lastStage) {
            zWrite.valid := True
          } otherwise {
            aWrite.valid := True
            aWrite.payload.addr := s5.aAddr
            aWrite.payload.data := updated
          }
        } else zWrite.valid := True
      }
    }
    val kWrite6 = cfg.multiStage generate new Area {
      val valid = RegNext(s5.op === LaneOp.UPDATE && !lastStage) init False
      val addr = RegNext(s5.zAddr)
      val data = RegNext(upd.kNew5)
      kbank.write(addr.resized, data, valid)
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
  val broadcast2 = RegNext(Mux(s1.pad, S(0, W bits), Mux(s1.isTime, if (cfg.multiStage) tStage else tRun, source)))
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
