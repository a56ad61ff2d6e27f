package org.odegen.hw

import spinal.core._

/** The logits on `m_axis`: read one a cycle into the output stream's FIFO while it has room; the run ends
  * when the last is accepted. */
object OutputKind extends LayerKind("output") {
  val OUTPUT = PhaseKey("OUTPUT", "the logits out on m_axis")
  def phases: Seq[PhaseKey] = Seq(OUTPUT)

  /** The logits' reads, one a cycle, then the cycles until the last is accepted (`m_axis` ready throughout):
    * its push into the FIFO the read's latency after it, and the FIFO's two cycles (ScheduleTraceTest measures
    * it). */
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] = Seq(Span(OUTPUT, p.cout.toLong + latency(cfg)))
  def latency(cfg: NetworkHwConfig): Int = cfg.timing.readLatency + 2

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._

    def phases(): Unit = on(OUTPUT) {
      when(outIssued =/= cur.cout && outStream.roomLate) {
        cmd.op := LaneOp.OUT
        cmd.rdAddr := dstBase
        cmd.banks(0) := dstLane
        cmd.outLast := outIssued === cur.lastChannel
        outIssued := outIssued + 1
        dstLane := wrapLane(dstLane)
        when(dstLane === L - 1) {
          dstBase := dstBase + 1
        }
      }
      when(io.m_axis.fire && io.m_axis.payload.last) {
        phase := Phase.IDLE
        host.finishRun()
        loader.state := loader.State.IDLE
      }
    }
  }
}
