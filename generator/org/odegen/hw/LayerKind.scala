package org.odegen.hw

import spinal.core._

/** One layer kind of the network engine, as one unit (a plugin in VexRiscv's sense): the shape of its passes
  * in the program (their weights, the map they write), its phases of the sequencer, its lane ops' write-back
  * and its cycles. The engine is assembled from [[LayerKinds.all]]: its sequencer's state enum is the kinds'
  * phases, FETCH sends a pass to its kind's `entry`, the lanes take each kind's write-back, the weight loader
  * loads the passes of kinds with weights, and `NetworkHwConfig.scheduleCycles` sums the kinds' `cycles`.
  *
  * A new kind is one file and a line in `LayerKinds.all` (`NetworkHwConfig.scala`, beside its place in the
  * program, `NetworkProgram`); besides, its golden-model op and, if it needs them, a `LaneOp` (`LaneCore.scala`)
  * and ROM fields (`PassDesc.scala`). The state every kind shares (the counters `p`, `g`, `c`, the buffers, the lanes' banks
  * and sums) stays in the engine's top and lanes. */
abstract class LayerKind(val name: String) {
  /** The phases it adds to the sequencer, in their encoding's order. */
  def phases: Seq[PhaseKey]
  /** Phases added after the encoding of every kind's `phases` was fixed: encoded after all of those, so that the
    * older phases keep their codes (and the engines that never enter these their RTL). */
  def addedPhases: Seq[PhaseKey] = Seq()
  /** The phase FETCH sends a pass of this kind to (a kind may enter another kind's phases: the classifier). */
  def entry: PhaseKey = phases.head

  /** Its passes read parameters (weight loads into the weight ring, from DDR by the weight loader). */
  def hasWeights: Boolean = false
  /** Multiply-adds of one output pixel of one output channel. */
  def taps(p: Pass): Int = 0
  /** Weight loads of a pass, the groups each serves, the weight rows (output channels) of each. */
  def loads(p: Pass, lanes: Int): Int = p.groups(lanes)
  def groupsPerLoad(p: Pass, lanes: Int): Int = 1
  def rowsPerLoad(p: Pass, lanes: Int): Int = p.groupLanes(lanes)
  /** A load reads norm A words (the classifier has none). */
  def loadsNormA: Boolean = true

  /** The map a pass writes, (channels, height, width): a feature buffer holds the largest. */
  def writes(p: Pass): Option[(Int, Int, Int)] = None
  /** The pixels `N` it averages over (a norm, a pooling: ARITHMETIC.md's `mean_N`). */
  def averagedPixels(p: Pass): Option[Int] = None
  /** log2 of `N` where it is a power of two (the lanes' shifters have one per size); other `N` divide
    * ([[divides]]). */
  final def averages(p: Pass): Option[Int] =
    averagedPixels(p).filter(n => (n & (n - 1)) == 0).map(n => Integer.numberOfTrailingZeros(n))
  /** It averages over an `N` that is not a power of two: the lanes' [[MeanDivider]]s take `mean_N`. */
  final def divides(p: Pass): Boolean = averagedPixels(p).exists(n => (n & (n - 1)) != 0)
  /** The slices of the lanes a pass cuts (Pass.regions): the broadcast buses the engine has. */
  def slices(p: Pass, lanes: Int): Option[Int] = None
  /** A pass the engine cannot run at `lanes`: the reason. */
  def check(p: Pass, lanes: Int): Unit = ()

  /** The phases of a pass from the cycle after its FETCH to the next FETCH (or the end), with their cycles
    * (DRAIN and NORM_WAIT are the top's), every weight load done before its group starts. */
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span]
  /** Its cycles: the schedule's, which the regressions hold equal to CYCLES. */
  final def cycles(p: Pass, cfg: NetworkHwConfig): Long = schedule(p, cfg).map(_.cycles).sum

  /** Its sequencer's hardware, built once per engine outside the phase switch; its `phases()` are the
    * switch's clauses for its phases. */
  def sequencer(s: NetworkSequencer): KindSequencer
  /** Its lane ops' write-back in one lane: `is(LaneOp.X)` clauses of the lane's switch on stage 5's op. */
  def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = ()
}

/** A layer kind's part of the sequencer (see [[LayerKind.sequencer]]). */
abstract class KindSequencer extends Area {
  /** The clauses of its phases, `s.on(KEY) { ... }`, inside the sequencer's switch. */
  def phases(): Unit
  /** FETCH of a pass of this kind (`row`), after the sequencer's own settings (the last assignment wins). */
  def fetched(row: PassDesc): Unit = ()
}
