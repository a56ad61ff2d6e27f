package org.odegen.sim

import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test
import org.odegen.hw._
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** The engine's cycle model is a table of phases ([[NetworkHwConfig.schedule]], each layer kind's
  * [[LayerKind.schedule]]); this runs the RTL under Verilator and holds the table equal to the phases its
  * sequencer goes through, span by span, from the first FETCH to the last logit. The regressions check only
  * the total (CYCLES); this names the phase where a kind's table and its state machine part. One small engine
  * runs every kind: the stem's conv cut into two slices (the all-reduce), a stride-2 ResNet block (the copy,
  * a residual add), a stride-1 option-B block (the 1x1 conv), an ODEBlock's Euler step (the time channel, the
  * update), the pooling, the classifier. */
class ScheduleTraceTest {
  @Test def everyKindsPhasesAreItsSchedule(): Unit = traceIsSchedule(ScheduleTraceTest.engine)

  /** The same engine in Q16.10 with two multiply-adds a lane: the 3x3 convs' CONV in pairs (the stem's three
    * channels a pair and one, the ODEBlock's time channel alone), the 1x1 conv and the classifier one a cycle,
    * three weight slots, the deeper pipeline's drains. */
  @Test def everyKindsPhasesAreItsScheduleWithTwoMultiplyAddsALane(): Unit = traceIsSchedule(ScheduleTraceTest.narrow(2))

  /** Three multiply-adds a lane: the stem's three channels one triple a tap, the ODEBlock's time channel and its 8
    * channels three triples a tap, the buses routed by the weights' banks. */
  @Test def everyKindsPhasesAreItsScheduleWithThreeMultiplyAddsALane(): Unit = traceIsSchedule(ScheduleTraceTest.narrow(3))


  private def traceIsSchedule(cfg: NetworkHwConfig): Unit = {
    val expected = Span.normalize(cfg.schedule.dropWhile(_.phase != NetworkPhases.FETCH.name))
    val trace = ScheduleTraceTest.trace(cfg)
    val firstOff = expected.zip(trace).indexWhere { case (e, t) => e != t }
    if (firstOff >= 0 || expected.size != trace.size) {
      val at = if (firstOff >= 0) firstOff else expected.size min trace.size
      fail[Unit](s"the RTL leaves the schedule at span $at of ${expected.size}: table " +
        expected.slice(at - 3 max 0, at + 3).mkString(", ") + "; RTL " + trace.slice(at - 3 max 0, at + 3).mkString(", "))
    }
    assertEquals(cfg.scheduleCycles - cfg.imageWords, trace.map(_.cycles).sum, "the phases' cycles after INPUT")
  }
}

object ScheduleTraceTest {
  /** The small engine in Q16.10 with `macs` multiply-adds a lane (its Euler step's h in Q16.10). */
  def narrow(macs: Int): NetworkHwConfig = {
    val one = engine
    one.copy(name = s"OdeNetwork_trace_x8_mac$macs", dataWidth = 16, frac = 10, macsPerLane = macs,
      program = one.program.map(p => p.copy(update = p.update.map(_ => 1L << 10))))
  }

  /** A small engine of 8 lanes whose program has every layer kind (see the class). */
  def engine: NetworkHwConfig = {
    var at = 0
    def conv(label: String, bc: Int, w: Int, cin: Int, cout: Int, size: Int, stride: Int, time: Option[Long] = None,
        relu: Boolean = true, residual: Option[Int] = None, update: Option[(Int, Long)] = None): Pass = {
      val weights = at
      at += cout * (cin + time.size) * 9
      val a = at
      at += cout
      val b = at
      at += cout
      Pass(ConvKind, label, bc = bc, x = w, r = residual.orElse(update.map(_._1)).getOrElse(w), w = w, cin = cin,
        cout = cout, inSize = size, stride = stride, time = time, relu = relu, residual = residual.isDefined,
        update = update.map(_._2), weightsAt = weights, normAAt = a, normBAt = b)
    }
    val h = 1L << 20
    val program = Seq(
      conv("conv1", 0, 1, 3, 4, 32, 1),
      Pass(CopyKind, "block.shortcut", bc = 1, x = 1, r = 1, w = 2, cin = 4, cout = 8, inSize = 32, stride = 2,
        chanOffset = org.odegen.net.Network.shortcutChannelOffset(4, 8)),
      conv("block.conv1", 1, 0, 4, 8, 32, 2),
      conv("block.conv2", 0, 1, 8, 8, 16, 1, residual = Some(2)), {
        // an option-B block at stride 1: the 1x1 conv and its norm into buffer 2, which its conv2 adds
        val weights = at
        at += 8 * 8 + 2 * 8
        Pass(Conv1x1Kind, "blockb.shortcut", bc = 1, x = 2, r = 2, w = 2, cin = 8, cout = 8, inSize = 16, stride = 1,
          weightsAt = weights, normAAt = weights + 64, normBAt = weights + 72)
      },
      conv("blockb.conv1", 1, 0, 8, 8, 16, 1),
      conv("blockb.conv2", 0, 1, 8, 8, 16, 1, residual = Some(2)),
      conv("ode.conv1", 1, 0, 8, 8, 16, 1, time = Some(0L)),
      conv("ode.conv2", 0, 2, 8, 8, 16, 1, time = Some(0L), relu = false, update = Some((1, h))),
      Pass(PoolKind, "pool", bc = 1, x = 1, r = 1, w = 0, cin = 8, cout = 8, inSize = 16, stride = 16)) ++ {
      val w = at
      at += 10 * 8
      val bias = at
      at += 10
      Seq(Pass(FcKind, "fc", bc = 0, x = 2, r = 2, w = 2, cin = 8, cout = 10, inSize = 1, stride = 1, weightsAt = w,
        normAAt = bias, normBAt = bias),
        Pass(OutputKind, "logits", bc = 2, x = 2, r = 2, w = 2, cin = 10, cout = 10, inSize = 1, stride = 1))
    }
    NetworkHwConfig(name = "OdeNetwork_trace_x8", variantCode = 0, depth = 0, lanes = 8, dataWidth = 32, frac = 20,
      batchStats = true, eps = 1, program = program, blobWords = at, normShare = 4)
  }

  /** The phases the engine's sequencer goes through for one image (random weights and pixels: only the
    * phases are looked at), from its first FETCH to its return to IDLE, as spans. */
  def trace(cfg: NetworkHwConfig): Seq[Span] = {
    val rnd = new Random(1)
    val blob = Array.fill(cfg.blobWords)(rnd.nextInt(1 << 20) - (1 << 19))
    val image = Array.fill(cfg.imageWords)(rnd.nextInt(1 << 21) - (1 << 20))
    val spans = mutable.ArrayBuffer[Span]()
    SimBuild.engine(cfg, "target/spinal-sim").doSim("trace", 1) { dut =>
      val names = dut.Phase.keys.map(_.name)
      var running = false
      NetworkEngineSim.oneImage(dut, blob, image) {
        val now = names(dut.phase.toEnum.position)
        if (now == "FETCH") running = true
        if (running && now == "IDLE") running = false
        if (running) {
          if (spans.nonEmpty && spans.last.phase == now) spans(spans.size - 1) = Span(now, spans.last.cycles + 1)
          else spans += Span(now, 1)
        }
      }
    }
    spans.toSeq
  }
}
