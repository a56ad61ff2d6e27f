package org.odegen.hw

import spinal.core._
import spinal.lib._
import spinal.lib.bus.amba4.axilite._

/** The block's command (LaneCmd): its banks' addresses, the broadcast lane and its padding, conv1's ReLU. */
case class OdeBlockCmd(cfg: OdeBlockHwConfig) extends LaneCmd {
  val zAddr = UInt(HwUtil.addrWidth(cfg.zbankDepth) bits)
  val aAddr = UInt(HwUtil.addrWidth(cfg.abankDepth) bits)
  val wAddr = UInt(HwUtil.addrWidth(cfg.wmainDepth) bits)
  val wsAddr = UInt(HwUtil.addrWidth(cfg.wsmallDepth) bits)
  val outAddr = UInt(HwUtil.addrWidth(cfg.abankDepth) bits)
  val bank = UInt(HwUtil.addrWidth(cfg.lanes) bits)
  val fromZ = Bool()
  val pad = Bool()
  val relu = Bool()
}

object OdeBlockTop {
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
  import HwUtil._
  import HwFormat.shiftDown
  setDefinitionName(cfg.definitionName)

  private[hw] val fmt = cfg.format
  private[hw] val W = cfg.dataWidth
  private[hw] val L = cfg.lanes
  private[hw] val G = cfg.groups
  private[hw] val N = cfg.pixels
  private[hw] val k = cfg.log2Pixels

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
  val waits = new PhaseWait(phase, Phase.IDLE, Phase.DRAIN, Phase.NORM_WAIT, cfg.drain, cfg.normWait)

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

  val cmd = OdeBlockCmd(cfg)
  cmd.idle()

  def laneOf(c: UInt): UInt = if (L == 1) U(0, 1 bits) else c(cfg.log2Lanes - 1 downto 0)
  def groupOf(c: UInt): UInt = if (L == 1) c else c(c.getWidth - 1 downto cfg.log2Lanes)

  def drainTo(next: Phase.E): Unit = waits.drainTo(next)

  // commands from the host: the host controller has taken them; here what a load and a run start
  when(host.load) {
    clear(section, chan, inner, loadConvBase, loadTimeBase)
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

  // stream in, sequencer, lanes (each in its own file); the output stream the sequencer fills and the lanes push
  val outStream = new OutStream(cfg.definitionName, io.m_axis)
  val streamIn = new OdeBlockStreamIn(this)
  val sequencer = new OdeBlockSequencer(this)
  val datapath = new OdeBlockLanes(this, streamIn, sequencer)
}

/** One write into a lane's bank. */
case class LaneWrite(depth: Int, width: Int) extends Bundle {
  val addr = UInt(HwUtil.addrWidth(depth) bits)
  val data = SInt(width bits)
}
