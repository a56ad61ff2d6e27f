package org.odegen.hw

import spinal.core._

/** Global average pooling, `(SUM) >> k`, one value a channel: each group of channels (one a lane) is read
  * pixel by pixel into the lanes' sums, and the mean written after the last. */
object PoolKind extends LayerKind("pool") {
  val POOL = PhaseKey("POOL")
  def phases: Seq[PhaseKey] = Seq(POOL)

  override def writes(p: Pass): Option[(Int, Int)] = Some((p.cout, 1))
  override def averages(p: Pass): Option[Int] = Some(log2Up(p.inPixels))
  override def check(p: Pass, lanes: Int): Unit =
    require(p.inRegions(lanes) == 1, s"${p.label}: reads a map of ${p.inRegions(lanes)} regions, it needs one")
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] =
    Seq(Span(POOL, p.groups(cfg.lanes).toLong * p.inPixels), Span(NetworkPhases.DRAIN, cfg.drain))

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._
    import HwUtil._

    def phases(): Unit = on(POOL) {
      cmd.op := LaneOp.POOL
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := g.resized
      cmd.first := p === 0
      cmd.last := p === cur.inPixels - 1
      countOn(p, p === cur.inPixels - 1) {
        g := g + 1
        gBase := gBase + cur.inPixels.resize(bufBits)
        when(g === cur.groups - 1) {
          drainToNextPass()
        }
      }
    }
  }

  /** The pixel (read late, at stage 4) goes to the lane's sum at stage 6; the mean is written at stage 7. */
  override def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = {
    import ln._
    import lane._
    is(LaneOp.POOL) {
      wr.valid := s5.last
      wr.payload.data := x5
    }
  }
}
