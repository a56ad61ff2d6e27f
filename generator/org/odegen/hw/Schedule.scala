package org.odegen.hw

/** A phase of a sequencer (the engine's kinds add theirs); `name` is its state's name in the Verilog, `what` what
  * the engine does in it, in a few words (report.md's "Where the cycles go"). */
case class PhaseKey(name: String, what: String = "")

/** `cycles` cycles in the sequencer's phase `phase`: a schedule is the phases a run goes through, in order,
  * and its cycles are their sum. Both tops' cycle models are these tables (`NetworkHwConfig.schedule`,
  * `OdeBlockHwConfig.stageSchedule`); simulations hold each equal to the phases the RTL goes through, span by
  * span (ScheduleTraceTest, OdeBlockSimTest). */
case class Span(phase: String, cycles: Long)

object Span {
  def apply(k: PhaseKey, cycles: Long): Span = Span(k.name, cycles)
  /** The same schedule with empty spans dropped and neighbours of one phase joined: as a trace sees it. */
  def normalize(s: Seq[Span]): Seq[Span] = s.filter(_.cycles > 0).foldLeft(Vector[Span]()) { (acc, x) =>
    if (acc.nonEmpty && acc.last.phase == x.phase) acc.init :+ Span(x.phase, acc.last.cycles + x.cycles) else acc :+ x
  }
}
