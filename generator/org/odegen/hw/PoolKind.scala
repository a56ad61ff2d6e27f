package org.odegen.hw

import spinal.core._

/** Global average pooling, `mean_N(SUM)`, one value a channel: each group of channels (one a lane) is read
  * pixel by pixel into the lanes' sums, and the mean written after the last: `SUM >> k`, at once, where
  * `N = 2^k`; otherwise, after DRAIN, POOL_MEAN starts the lanes' dividers (MeanDivider), waits for them, and
  * comes again to write their quotients (MEAN). */
object PoolKind extends LayerKind("pool") {
  val POOL = PhaseKey("POOL", "the average pool's sums, a pixel a cycle")
  val POOL_MEAN = PhaseKey("POOL_MEAN", "the pool's dividers")
  def phases: Seq[PhaseKey] = Seq(POOL, POOL_MEAN)

  override def writes(p: Pass): Option[(Int, Int, Int)] = Some((p.cout, 1, 1))
  override def averagedPixels(p: Pass): Option[Int] = Some(p.inPixels)
  override def check(p: Pass, lanes: Int): Unit =
    require(p.inRegions(lanes) == 1, s"${p.label}: reads a map of ${p.inRegions(lanes)} regions, it needs one")
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] = if (!divides(p))
    Seq(Span(POOL, p.groups(cfg.lanes).toLong * p.inPixels), Span(NetworkPhases.DRAIN, cfg.drain))
  else Seq.fill(p.groups(cfg.lanes))(Seq(Span(POOL, p.inPixels), Span(NetworkPhases.DRAIN, cfg.drain),
    Span(POOL_MEAN, 1), Span(NetworkPhases.DRAIN, cfg.divideWait), Span(POOL_MEAN, 1))).flatten :+
    Span(NetworkPhases.DRAIN, cfg.drain)

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._
    import HwUtil._

    private def nextGroup(): Unit = {
      g := g + 1
      gBase := gBase + cur.inPixels.resize(bufBits)
      when(g === cur.lastGroup) {
        drainToNextPass()
      }
    }

    def phases(): Unit = {
      on(POOL) {
        cmd.op := LaneOp.POOL
        cmd.rdAddr := gp.resized
        cmd.wrAddr := g.resized
        cmd.first := p === 0
        cmd.last := p === cur.lastInPixel
        if (cfg.divides) when(cur.divide) { cmd.last := False } // the quotient is written instead (MEAN)
        countOn(p, p === cur.lastInPixel) {
          if (cfg.divides) {
            when(cur.divide) {
              drainTo(POOL_MEAN) // the sums complete
            } otherwise nextGroup()
          } else nextGroup()
        }
      }
      if (cfg.divides) on(POOL_MEAN) {
        when(!divided) {
          divStart := True
          divided := True
          waits.waitThen(cfg.divideWait, Phase(POOL_MEAN))
        } otherwise {
          divided := False
          cmd.op := LaneOp.MEAN
          cmd.wrAddr := g.resized
          nextGroup()
          when(g =/= cur.lastGroup) {
            go(POOL)
          }
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
    if (top.cfg.divides) is(LaneOp.MEAN) {
      wr.valid := True
      wr.payload.data := divider.io.quotient.resized
    }
  }
}
