package org.odegen.hw

import spinal.core._

/** Option B's shortcut of a ResNet block, `norm(conv1x1(x))` at the block's stride (stride 2 reads the even
  * (y, x)): the conv's machinery with one tap a channel, the centre's, as the classifier runs it ([[FcKind]]),
  * over a map and followed by the conv's norm, without ReLU; so it adds no phase and runs on the conv's
  * ([[ConvKind]]), whose CONV reads `oneTap` where it differs. Its weights `[out][in][1][1]` are a row of
  * `cin` words an output channel, loaded a group a load as a conv's. */
object Conv1x1Kind extends LayerKind("conv1x1") {
  def phases: Seq[PhaseKey] = Seq()
  override def entry: PhaseKey = ConvKind.WAIT_W

  override def hasWeights: Boolean = true
  override def taps(p: Pass): Int = p.cin
  override def writes(p: Pass): Option[(Int, Int, Int)] = ConvKind.writes(p)
  override def averagedPixels(p: Pass): Option[Int] = ConvKind.averagedPixels(p)
  override def slices(p: Pass, lanes: Int): Option[Int] = ConvKind.slices(p, lanes)
  override def check(p: Pass, lanes: Int): Unit = {
    require(p.time.isEmpty, s"${p.label}: a 1x1 conv has no time channel")
    ConvKind.check(p, lanes)
  }

  /** The conv's, at `cin` taps. */
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] = ConvKind.schedule(p, cfg)

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    def phases(): Unit = ()
  }
  // its writes are CONV's and APPLY's (ConvKind.writeBack)

  /** The engine's program has a 1x1 conv: only then is the kind's hardware built (the comparisons of its ROM
    * code), so that the engines without one keep their RTL. */
  def in(cfg: NetworkHwConfig): Boolean = cfg.program.exists(_.kind == this)
  /** The pass has one tap a channel (the classifier, a 1x1 conv): the conv's CONV steps the channels only. */
  def oneTap(top: NetworkEngine): Bool =
    if (in(top.cfg)) top.isFc || top.cur.kind === LayerKinds.code(this) else top.isFc
}
