package org.odegen.sim

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.odegen.fixed.QFormat
import org.odegen.hw.{MulqConfig, MulqUnit}
import spinal.core._
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** The `mulq` unit under Verilator (SpinalSim) against the golden model's QFormat.mulq, bit for bit,
  * with the operand extremes and random gaps in the input. */
class MulqUnitSimTest {

  private def check(width: Int, frac: Int): Unit = {
    val q = new QFormat(width, frac)
    val rnd = new Random(width * 100 + frac)
    val extremes = Seq(q.min(), q.max(), 0L, 1L, -1L, q.one(), -q.one(), (1L << (frac - 1)), -(1L << (frac - 1)))
    val pairs = (for (a <- extremes; b <- extremes) yield (a, b)) ++
      Seq.fill(2000)((q.min() + (rnd.nextLong() & Long.MaxValue) % (q.max() - q.min() + 1),
        q.min() + (rnd.nextLong() & Long.MaxValue) % (q.max() - q.min() + 1)))
    SimBuild.config("target/spinal-sim")
      .compile(MulqUnit(MulqConfig(width, frac)))
      .doSim("mulq", 1) { dut =>
        dut.clockDomain.forkStimulus(10)
        dut.io.operands.valid #= false
        dut.clockDomain.waitSampling(2)
        val expected = mutable.Queue[(Long, Long)]()
        var checked = 0
        dut.clockDomain.onSamplings {
          if (dut.io.result.valid.toBoolean) {
            val (a, b) = expected.dequeue()
            assertEquals(q.mulq(a, b), dut.io.result.payload.toLong, s"mulq($a, $b) in $q")
            checked += 1
          }
        }
        for ((a, b) <- pairs) {
          while (rnd.nextInt(4) == 0) { // random gaps: a Flow may idle
            dut.io.operands.valid #= false
            dut.clockDomain.waitSampling()
          }
          dut.io.operands.valid #= true
          dut.io.operands.payload.a #= a
          dut.io.operands.payload.b #= b
          expected.enqueue((a, b))
          dut.clockDomain.waitSampling()
        }
        dut.io.operands.valid #= false
        dut.clockDomain.waitSampling(MulqConfig(width, frac).latency + 2)
        assertEquals(pairs.size, checked, "results out of the pipeline")
      }
  }

  @Test def q32_20(): Unit = check(32, 20)

  @Test def q8_4(): Unit = check(8, 4)

  @Test def q16_1(): Unit = check(16, 1)
}
