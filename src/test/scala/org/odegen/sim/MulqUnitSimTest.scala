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
  * with the operand extremes and random gaps in the input; with an addend (the engine's lanes at W <= 18),
  * `mulq(a, b) + c` unsaturated, the extremes of `c` too (at F = W - 1 the sum needs the extra bit). */
class MulqUnitSimTest {

  private def check(width: Int, frac: Int, addend: Boolean = false): Unit = {
    val q = new QFormat(width, frac)
    val rnd = new Random(width * 100 + frac)
    // (one is not a value at F = W - 1)
    val extremes = Seq(q.min(), q.max(), 0L, 1L, -1L, q.one(), -q.one(), (1L << (frac - 1)), -(1L << (frac - 1)))
      .filter(v => v >= q.min() && v <= q.max())
    def any(): Long = q.min() + (rnd.nextLong() & Long.MaxValue) % (q.max() - q.min() + 1)
    val cs = if (addend) Seq(q.min(), q.max(), 0L, -1L) else Seq(0L)
    val triples = (for (a <- extremes; b <- extremes; c <- cs) yield (a, b, c)) ++
      Seq.fill(2000)((any(), any(), if (addend) any() else 0L))
    val cfg = MulqConfig(width, frac, addend = addend)
    SimBuild.config("target/spinal-sim")
      .compile(MulqUnit(cfg))
      .doSim("mulq", 1) { dut =>
        dut.clockDomain.forkStimulus(10)
        dut.io.operands.valid #= false
        dut.clockDomain.waitSampling(2)
        val expected = mutable.Queue[(Long, Long, Long)]()
        var checked = 0
        dut.clockDomain.onSamplings {
          if (dut.io.result.valid.toBoolean) {
            val (a, b, c) = expected.dequeue()
            assertEquals(q.mulq(a, b) + c, dut.io.result.payload.toLong, s"mulq($a, $b) + $c in $q")
            checked += 1
          }
        }
        for ((a, b, c) <- triples) {
          while (rnd.nextInt(4) == 0) { // random gaps: a Flow may idle
            dut.io.operands.valid #= false
            dut.clockDomain.waitSampling()
          }
          dut.io.operands.valid #= true
          dut.io.operands.payload.a #= a
          dut.io.operands.payload.b #= b
          if (addend) dut.io.operands.payload.c #= c
          expected.enqueue((a, b, c))
          dut.clockDomain.waitSampling()
        }
        dut.io.operands.valid #= false
        dut.clockDomain.waitSampling(cfg.latency + 2)
        assertEquals(triples.size, checked, "results out of the pipeline")
      }
  }

  @Test def q32_20(): Unit = check(32, 20)

  @Test def q8_4(): Unit = check(8, 4)

  @Test def q16_1(): Unit = check(16, 1)

  @Test def q16_10WithAddend(): Unit = check(16, 10, addend = true)

  @Test def q16_15WithAddend(): Unit = check(16, 15, addend = true)
}
