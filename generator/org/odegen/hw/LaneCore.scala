package org.odegen.hw

import spinal.core._
import spinal.lib._

/** What every lane does with the command of this cycle (SIMD: one command, all lanes). The ODEBlock issues
  * all but POOL and COPY, the network engine all of them. */
object LaneOp extends SpinalEnum(binarySequential) {
  val NONE, PARAM_A, PARAM_B, CONV, VAR, SCALE, APPLY, UPDATE, POOL, COPY, OUT, MEAN, ZERO = newElement()
}

/** One command to all lanes, both tops': the op and its flags; each top adds its addresses (`OdeBlockCmd`,
  * `NetworkCmd`). The sequencer issues it (stage 0) and the CommandPipeline carries it with its data. */
abstract class LaneCmd extends Bundle {
  val op = LaneOp()
  /** CONV: the tap is the time channel's (its word is the stage's t, not a read). */
  val isTime = Bool()
  /** CONV: the pixel's first tap and its last; POOL: the map's first pixel and its last; VAR: the first. */
  val first, last = Bool()
  /** CONV: the group's first pixel, which starts the norm's channel sum. */
  val firstPixel = Bool()
  /** OUT: the stream's last word. */
  val outLast = Bool()

  /** No operation: every field zero (NONE is the op's first element, encoded 0); the sequencer's default
    * each cycle, which the phase that issues a command overrides field by field. */
  def idle(): Unit = assignFromBits(B(0, getBitsWidth bits))

  /** The reset values of a pipeline stage's command: no operation, and `first` reset too, since a register with
    * a reset is not packed into a shift register: `first` selects the start of every lane's accumulator (fanout
    * 529 at x16), and from an SRL16E's clock-to-out (1.47 ns, a flip-flop's 0.30 ns) it was the slowest path. */
  def pipelineInit(): Unit = {
    op.init(LaneOp.NONE)
    first.init(False)
  }
}

/** The part of a lane that the ODEBlock and the network engine share: ARITHMETIC.md's per-channel arithmetic
  * on the lane's one `mulq` unit. Each top keeps its memories, addressing and write-back, and gives the core
  * the words it read and the command's op at each stage (`opAt(stage)`, stages as `timing` names them):
  *  - PARAM_A, PARAM_B (stage 1): the norm's A (gamma, or the folded scale) into `scale`, B into `beta`;
  *  - the multiplier's operands (stage 2): CONV `mulq(broadcast, w)`, VAR `mulq(d, d)` with `d = sat(x - mean)`,
  *    APPLY `mulq(d, scale)`, SCALE `mulq(inv, A)` (batch stats: scale = sat of it), UPDATE the top's `updA`,
  *    `updB` (the coefficient and the stage's k);
  *  - the post-ops (stage 5): CONV and VAR accumulate, `accNext = (first ? accStart : acc) + accAddend` and
  *    `convOut = sat(accNext)` (the ODEBlock's word; the engine saturates `acc` a stage later, off this adder's
  *    path); one adder for the norm's `sat(mulq + B)` (APPLY) and the update's
  *    `sat(z + mulq(c, k))` (UPDATE, z the top's `updAddend`, or with `addendAhead` its `updAddend4`, a stage
  *    early), `normed`; or, where the multiplier adds B and z itself (its `addend`), their saturation only.
  * `accStart` and `accAddend` have defaults that a top may override (SpinalHDL's last assignment wins).
  * With `macs` 2 (the engine's two multiply-adds a lane) a second `mulq` takes CONV's second channel, and
  * `result` is the two products' sum, a stage later (`timing.sumStages`); with `macs` 3 a third takes the third
  * channel, and `result` is the three products' sum two stages later (the first two added, then the third). */
class LaneCore(fmt: HwFormat, mulqCfg: MulqConfig, accWidth: Int, batchStats: Boolean, timing: LaneTiming,
    definitionName: String, macs: Int = 1, addendAhead: Boolean = false)(opAt: Int => SpinalEnumCraft[LaneOp.type],
    first5: Bool)
    extends Area {
  private val W = fmt.width
  private val B = mulqCfg.b

  /** Stage 1: the weight word, PARAM_A's and PARAM_B's word, and the lane's own operand x. */
  val wOut = SInt(W bits)
  val paramWord = SInt(W bits)
  val xOut = SInt(W bits)
  /** Stage 2: CONV's broadcast word, UPDATE's operands; SCALE's 1/std (batch stats). */
  val broadcast = SInt(W bits)
  val updA = SInt(W bits)
  val updB = SInt(B bits)
  val inv = batchStats generate SInt(W bits)
  /** Two multiply-adds a lane (`macs` 2 or 3), stage 1 and 2: the pair's second weight and broadcast word; zero
    * words make its product zero in every other op. Three: the third's. */
  private val pairs = macs >= 2
  val wOut1 = pairs generate SInt(W bits)
  val broadcast1 = pairs generate SInt(W bits)
  val wOut2 = (macs == 3) generate SInt(W bits)
  val broadcast2 = (macs == 3) generate SInt(W bits)
  /** The multiplier adds the norm's B and UPDATE's z itself (`mulqCfg.addend`: the engine's, where one DSP48E1 is
    * the multiplier): no adder after it, and UPDATE's z comes with its operands, at stage 2 (`updAddend2`). */
  private val inDsp = mulqCfg.addend
  val updAddend2 = inDsp generate SInt(W bits)
  /** Stage 5: UPDATE's z (or the residual r), added to its product; with `addendAhead` (the engine) the word at
    * stage 4 (`updAddend4`), so that the norm's adder takes its addend, z or B, from a register. */
  val updAddend = (!addendAhead && !inDsp) generate SInt(W bits)
  val updAddend4 = (addendAhead && !inDsp) generate SInt(W bits)

  val acc = Reg(SInt(accWidth bits)) init 0
  val mean = Reg(SInt(W bits)) init 0
  val scale = Reg(SInt(W bits)) init 0 // norm A, then (batch stats) sat(mulq(inv, A))
  val beta = Reg(SInt(W bits)) init 0 // norm B, or the classifier's bias

  private val s1 = opAt(timing.readLatency)
  when(s1 === LaneOp.PARAM_A) {
    scale := paramWord
  }
  when(s1 === LaneOp.PARAM_B) {
    beta := paramWord
  }
  val w2 = RegNext(wOut)
  val d2 = RegNext(fmt.sat(xOut.resize(W + 1) - mean.resize(W + 1)))

  // few operand sources, since every source is a multiplexer input in every lane: a is the broadcast word,
  // d2, inv or UPDATE's coefficient; b is the weight, d2, scale or UPDATE's operand
  val mul = MulqUnit(mulqCfg)
  mul.setDefinitionName(definitionName + (if (inDsp) "_MulqC" else "_Mulq"))
  mul.io.operands.valid := True
  mul.io.operands.payload.a := d2
  mul.io.operands.payload.b := w2.resized
  if (inDsp) mul.io.operands.payload.c := 0
  switch(opAt(timing.operandStage)) {
    is(LaneOp.CONV) {
      mul.io.operands.payload.a := broadcast
    }
    is(LaneOp.VAR) {
      mul.io.operands.payload.b := d2.resized
    }
    is(LaneOp.APPLY) {
      mul.io.operands.payload.b := scale.resized
      if (inDsp) mul.io.operands.payload.c := beta
    }
    is(LaneOp.UPDATE) {
      mul.io.operands.payload.a := updA
      mul.io.operands.payload.b := updB
      if (inDsp) mul.io.operands.payload.c := updAddend2
    }
    is(LaneOp.SCALE) {
      if (batchStats) mul.io.operands.payload.a := inv
      mul.io.operands.payload.b := scale.resized
    }
  }

  // with pairs, a second multiplier for the conv's second channel (its operands straight from the stage-2
  // broadcast register and the registered weight: no other op uses it), and its product added to the first's
  // in a stage of its own (timing.sumStages), so that the accumulator's adder stays a two-input one
  private def convMul(a: SInt, w: SInt): MulqUnit = {
    // the conv's only: no addend
    val m = MulqUnit(mulqCfg.copy(addend = false))
    m.setDefinitionName(definitionName + "_Mulq")
    m.io.operands.valid := True
    m.io.operands.payload.a := a
    m.io.operands.payload.b := RegNext(w).resized
    m
  }
  val mul1 = pairs generate convMul(broadcast1, wOut1)
  val mul2 = (macs == 3) generate convMul(broadcast2, wOut2)
  // stage 5: the product (or the products' sum), and what each op does with it
  private val pairSum = pairs generate
    RegNext(mul.io.result.payload.resize(mulqCfg.resultWidth + 1) + mul1.io.result.payload)
  val result = if (!pairs) mul.io.result.payload else if (macs == 2) pairSum else
    RegNext(pairSum.resize(mulqCfg.resultWidth + 2) + RegNext(mul2.io.result.payload))
  val prod = result.resize(accWidth)
  // the engine overrides both (the classifier's bias, the norm's all-reduce)
  val accStart = SInt(accWidth bits).allowOverride()
  accStart := 0
  val accAddend = SInt(accWidth bits).allowOverride()
  accAddend := prod
  val accNext = Mux(first5, accStart, acc) + accAddend
  val convOut = fmt.sat(accNext)
  // UPDATE decoded a cycle early: it selects the addend of every lane's adder (registered, or with
  // `addendAhead` the addend itself)
  private val update4 = !inDsp generate (opAt(timing.resultStage - 1) === LaneOp.UPDATE)
  private val update5 = (!addendAhead && !inDsp) generate (RegNext(update4) init False)
  // the addend, z or B, chosen a stage early where the top has z then (`addendAhead`): the choice ahead of the
  // adder (its output into both the carry chain and the adder's LUTs, so not merged into them) then the adder, the
  // saturation and the write's choice of word were x64 x3's slowest path, 6.58 ns. B is the group's from PARAM_B
  // on, which comes at least a DRAIN after the group's last APPLY. In the DSP48E1 (`inDsp`) the product has it
  // already: only the saturation is left, of a register (that adder, its saturation and the write's choice were
  // x64 x3's slowest path still, 5.86 ns)
  val normed = if (inDsp) fmt.sat(result) else {
    val prodW = (mulqCfg.resultWidth + 1) max result.getWidth
    val addend = if (addendAhead) RegNext(Mux(update4, updAddend4, beta)) else Mux(update5, updAddend, beta)
    fmt.sat(result.resize(prodW) + addend.resize(prodW))
  }
  switch(opAt(timing.resultStage)) {
    is(LaneOp.CONV, LaneOp.VAR) {
      acc := accNext
    }
    is(LaneOp.SCALE) {
      scale := fmt.sat(result)
    }
  }
}
