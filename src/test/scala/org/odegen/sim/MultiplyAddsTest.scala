package org.odegen.sim

import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test
import org.odegen.hw._
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** Two and three multiply-adds a lane compute the same sums in a different order (pairs; triples whose buses the
  * sequencer routes by the weights' banks), so every lane must write the same words to the same addresses of the
  * same buffers, pass by pass: this runs ScheduleTraceTest's small engine (every layer kind; the stem's three
  * channels, a stride-2 conv from a map in two regions, the ODEBlock's time channel with 8 channels: triples
  * (t, 0, 1), (2, 3, 4), (5, 6, 7)) both ways on one image and compares each lane's writes. It names the first pass
  * where they part, which the logits of the regression cannot. */
class MultiplyAddsTest {
  @Test def threeMultiplyAddsALaneWriteWhatTwoWrite(): Unit = {
    val pairs = MultiplyAddsTest.writes(ScheduleTraceTest.narrow(2))
    val triples = MultiplyAddsTest.writes(ScheduleTraceTest.narrow(3))
    for (l <- pairs.indices) {
      val at = pairs(l).zip(triples(l)).indexWhere { case (a, b) => a != b }
      assertEquals(-1, at, s"lane $l's write $at: (pass, buffer, address, word) ${pairs(l).lift(at)} with two " +
        s"multiply-adds a lane, ${triples(l).lift(at)} with three")
      assertEquals(pairs(l).size, triples(l).size, s"lane $l's writes")
    }
  }
}

object MultiplyAddsTest {
  /** Each lane's buffer writes for one image (random weights and pixels in range): (pc, buffer, address, word). */
  def writes(cfg: NetworkHwConfig): Seq[mutable.ArrayBuffer[(Int, Int, Int, Long)]] = {
    val rnd = new Random(1)
    val blob = Array.fill(cfg.blobWords)(rnd.nextInt(1 << 10) - (1 << 9))
    val image = Array.fill(cfg.imageWords)(rnd.nextInt(1 << 11) - (1 << 10))
    val out = Seq.fill(cfg.lanes)(mutable.ArrayBuffer[(Int, Int, Int, Long)]())
    SimBuild.config("target/spinal-sim").compile {
      val e = NetworkEngine(cfg, SimBuild.interruptPort)
      e.pc.simPublic()
      for (l <- e.datapath.lanes) {
        l.wr7.valid.simPublic(); l.wr7.payload.addr.simPublic(); l.data7.simPublic(); l.wrBuf7.simPublic()
      }
      e
    }.doSim("writes", 1) { dut =>
      NetworkEngineSim.oneImage(dut, blob, image) {
        for ((l, i) <- dut.datapath.lanes.zipWithIndex) if (l.wr7.valid.toBoolean)
          out(i) += ((dut.pc.toInt, l.wrBuf7.toInt, l.wr7.payload.addr.toInt, l.data7.toLong))
      }
    }
    out
  }
}
