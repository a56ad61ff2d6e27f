package org.odegen.hw

import spinal.core._

/** Parameters of one generated ODEBlock, validated: the block of ARITHMETIC.md and its lanes.
  *
  * Memory plan (per lane l, channels c with c % lanes == l, group g = c / lanes):
  *  - main weight bank: both convolutions' weights of the lane's channels, `[conv][g][c][ky][kx]`;
  *  - small weight bank: the time channel's weights `[conv][g][ky][kx]`, then the norm parameters
  *    `[conv][A|B][g]` (A = gamma or scale, B = beta or shift);
  *  - z bank: the lane's channels of z, `[g][y][x]`;
  *  - a bank: the lane's channels of both conv outputs, `[conv][g][y][x]`.
  * Every cycle all banks are read at one common address; conv inputs are broadcast from the bank that
  * holds the channel, everything per channel (statistics, norm, Euler update) runs in the lane that owns it.
  */
case class OdeBlockHwConfig(
    name: String,
    channels: Int,
    height: Int,
    width: Int,
    lanes: Int,
    dataWidth: Int,
    frac: Int,
    timeChannel: Boolean,
    batchStats: Boolean,
    eps: Long,
    solver: org.odegen.model.OdeSolver = org.odegen.model.OdeSolver.EULER
) {
  require(channels >= 1 && channels <= 255, s"channels = $channels must be in 1..255")
  require(height >= 1 && height <= 255 && width >= 1 && width <= 255, s"feature map ${height}x$width out of range")
  require(isPow2(height * width), s"height*width = ${height * width} must be a power of two")
  require(isPow2(lanes) && lanes <= 64 && channels % lanes == 0,
    s"lanes = $lanes must be a power of two dividing $channels channels, at most 64")
  format // validates Q(W,F)
  require(eps >= 1, "eps must be at least 1")

  def pixels: Int = height * width
  def log2Pixels: Int = log2Up(pixels)
  def cin: Int = channels + (if (timeChannel) 1 else 0)
  def groups: Int = channels / lanes
  def taps: Int = cin * 9
  def log2Lanes: Int = log2Up(lanes)
  /** Weights of the feature channels (not the time channel): block RAM, `[conv][g][c][ky][kx]`. */
  def mainTaps: Int = channels * 9
  def wmainDepth: Int = 2 * groups * mainTaps
  /** Time-channel weights `[conv][g][ky][kx]`, then the norm parameters `[conv][A|B][g]`: LUT RAM. */
  def paramBase: Int = if (timeChannel) 2 * groups * 9 else 0
  def wsmallDepth: Int = paramBase + 4 * groups
  /** Banks up to this depth go to LUT RAM (a RAMB18 would hold them at a fraction of its size). */
  def distributedDepth: Int = 256
  def zbankDepth: Int = groups * pixels
  def abankDepth: Int = 2 * groups * pixels
  def paramWords: Int = 2 * channels * taps + 4 * channels
  def featureWords: Int = channels * pixels
  /** The number format, which owns the datapath's widths. */
  def format: HwFormat = HwFormat(dataWidth, frac)
  def productWidth: Int = format.productWidth
  /** The conv accumulator (taps terms), shared with the variance sum (N terms). */
  def accWidth: Int = format.accWidth(taps, pixels)
  def sumWidth: Int = format.sumWidth(pixels)
  /** Evaluations of the ODE function per step (stages): 1 Euler, 2 Heun, 4 RK4. */
  def stages: Int = solver.evaluations
  def multiStage: Boolean = stages > 1
  def rk4: Boolean = solver == org.odegen.model.OdeSolver.RK4
  /** Heun's and RK4's extra state per lane, `[g][y][x]` like z: the running sum of k (HwFormat.kWidth). The
    * stage input needs no bank of its own: it is written over f in the a bank, whose conv1 half is free by then. */
  def kWidth: Int = format.kWidth(rk4)
  def kbankDepth: Int = if (multiStage) groups * pixels else 0
  def mulq: MulqConfig = format.mulq(rk4)
  /** The lanes' pipeline (LaneTiming): read, operands, mulq, post-op, write. */
  def timing: LaneTiming = LaneTiming(mulq, postStages = 0)
  /** Cycles from an issued command to its write-back. */
  def pipelineDepth: Int = timing.depth
  def drain: Int = timing.drain
  /** NORM_WAIT's cycles (the state machine's wait and the cycle model read this one number). */
  def normWait: Int = LaneTiming.normWait(format)
  def macBoundCyclesPerStep: Long = 2L * pixels * channels * taps / lanes

  /** Cycles of one step of the solver: `stages` evaluations of f, each followed by its own UPDATE pass
    * (the stage input and the k sum, or z on the last stage); no other cycle is added, so Heun is exactly
    * 2x and RK4 4x Euler's step. The simulation checks this against CYCLES. */
  def cyclesPerStep: Long = stages * cyclesPerStage

  /** One evaluation of f and its update as OdeBlockTop's sequencer goes through its phases: per conv and
    * group: CONV_START 1, CONV N*taps, DRAIN, [LATCH_MEAN 1, VAR N, DRAIN, NORM_START 1, NORM_WAIT], PARAM_A 1,
    * PARAM_B 1, [SCALE 1], DRAIN, APPLY N, DRAIN, NEXT_GROUP 1; then UPDATE G*N, DRAIN, NEXT_STEP 1. For
    * Euler this is the whole step. OdeBlockSimTest holds it equal to the RTL's phases, span by span. */
  def stageSchedule: Seq[Span] = {
    val n = pixels.toLong
    val wait = Span("DRAIN", drain)
    val stats = if (batchStats) Seq(Span("LATCH_MEAN", 1), Span("VAR", n), wait, Span("NORM_START", 1),
      Span("NORM_WAIT", normWait)) else Seq()
    val group = Seq(Span("CONV_START", 1), Span("CONV", n * taps), wait) ++ stats ++
      Seq(Span("PARAM_A", 1), Span("PARAM_B", 1)) ++ (if (batchStats) Seq(Span("SCALE", 1)) else Seq()) ++
      Seq(wait, Span("APPLY", n), wait, Span("NEXT_GROUP", 1))
    Seq.fill(2 * groups)(group).flatten ++ Seq(Span("UPDATE", groups * n), wait, Span("NEXT_STEP", 1))
  }
  /** Cycles of one evaluation of f and its update: the stage schedule's. */
  def cyclesPerStage: Long = stageSchedule.map(_.cycles).sum
  /** The top's name; a solver other than Euler is appended, as in the DSL's id. */
  def definitionName: String =
    s"OdeBlock_${name}_x$lanes" + (if (solver == org.odegen.model.OdeSolver.EULER) "" else "_" + solver.id)
}

object OdeBlockHwConfig {
  /** The hardware configuration of a golden-model block with `lanes` lanes. */
  def of(block: org.odegen.model.BlockConfig, lanes: Int): OdeBlockHwConfig =
    of(block, lanes, org.odegen.model.OdeSolver.EULER)

  /** The hardware configuration of a golden-model block with `lanes` lanes and its ODE solver. */
  def of(block: org.odegen.model.BlockConfig, lanes: Int, solver: org.odegen.model.OdeSolver): OdeBlockHwConfig =
    // Record components without parentheses: in a mixed compile scalac reads BlockConfig from its
    // Java source, where a record component is a field, not yet an accessor method.
    OdeBlockHwConfig(
      name = block.name,
      channels = block.channels,
      height = block.height,
      width = block.width,
      lanes = lanes,
      dataWidth = block.format.width,
      frac = block.format.frac,
      timeChannel = block.timeChannel,
      batchStats = block.norm == org.odegen.model.NormMode.BATCH_STATS,
      eps = block.eps(),
      solver = solver
    )
}
