package org.odegen.hw

import spinal.core._

/** The classifier, `sat(SUM mulq(x_i, w[j][i]) + b[j])`: in hardware a conv over a 1x1 map with one tap a
  * channel, so it adds no phase and runs on the conv's ([[ConvKind]]: WAIT_W, PARAM_A, PARAM_B, CONV,
  * NEXT_GROUP; the conv's phases read `isFc` where they differ). All its weight rows are one load (its
  * compute is too short to hide a load a group behind); its bias stands where a conv's norm B does. */
object FcKind extends LayerKind("fc") {
  def phases: Seq[PhaseKey] = Seq()
  override def entry: PhaseKey = ConvKind.WAIT_W

  override def hasWeights: Boolean = true
  override def taps(p: Pass): Int = p.cin
  override def loads(p: Pass, lanes: Int): Int = 1
  override def groupsPerLoad(p: Pass, lanes: Int): Int = p.groups(lanes)
  override def rowsPerLoad(p: Pass, lanes: Int): Int = p.cout
  override def loadsNormA: Boolean = false
  override def writes(p: Pass): Option[(Int, Int, Int)] = Some((p.cout, 1, 1))
  override def check(p: Pass, lanes: Int): Unit =
    require(p.inRegions(lanes) == 1, s"${p.label}: reads a map of ${p.inRegions(lanes)} regions, it needs one")

  /** WAIT_W 1 (one load), then per group PARAM_A 1, PARAM_B 1, CONV taps, DRAIN, NEXT_GROUP 1. */
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] = {
    import ConvKind._
    Span(WAIT_W, 1) +: Seq.fill(p.groups(cfg.lanes))(Seq(Span(PARAM_A, 1), Span(PARAM_B, 1), Span(CONV, p.taps),
      Span(NetworkPhases.DRAIN, cfg.drain), Span(NEXT_GROUP, 1))).flatten
  }

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    def phases(): Unit = ()
  }
  // its writes are CONV's (ConvKind.writeBack)
}
