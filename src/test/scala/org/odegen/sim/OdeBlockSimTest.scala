package org.odegen.sim

import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test
import org.odegen.fixed.QFormat
import org.odegen.hw.{OdeBlockHwConfig, OdeBlockTop, RegisterMap, Span}
import org.odegen.model._
import spinal.core.sim._

import java.util.SplittableRandom
import scala.util.Random

/** Spot checks of the generated block under Verilator against the golden model, bit for bit
  * (the full regression is its own suite). */
class OdeBlockSimTest {
  import OdeBlockSimTest.{compiled, randomParams}


  private def check(block: BlockConfig, lanes: Int, steps: Int, seed: Long): Long = {
    val hw = OdeBlockHwConfig.of(block, lanes)
    val rng = new SplittableRandom(seed)
    val q = block.format()
    val params = randomParams(block, rng)
    val z0 = Array.fill(block.featureWords())(q.sat(rng.nextLong(-2 * q.one(), 2 * q.one())).toInt)
    val h = q.quantize(0.3)
    val t0 = q.quantize(0.25)
    val golden = new OdeBlock(block, params).run(new FixedMap(block.channels(), block.height(), block.width(), z0),
      steps, h, t0)
    var cycles = 0L
    compiled(hw)
      .doSim("run", seed.toInt) { dut =>
        val tb = new OdeBlockHarness(dut, new Random(seed))
        tb.init()
        // a START before any LOAD sets ERROR and runs nothing
        tb.write(0x00, 1)
        dut.clockDomain.waitSampling(2)
        assertEquals(0x8L, tb.status() & 0xf, "START before LOAD: ERROR only")
        tb.load(params.toStream)
        assertEquals(0x4L, tb.status() & 0xf, "LOADED after the parameter stream")
        val (out, c) = tb.run(z0, steps, h, t0, block.featureWords())
        val expected = golden.data()
        val firstBad = out.indices.find(i => out(i) != expected(i))
        firstBad.foreach { i =>
          val n = block.height() * block.width()
          fail(s"${hw.definitionName}: word $i (c ${i / n}, y ${i % n / block.width()}, x ${i % block.width()}) " +
            s"is ${out(i)}, golden ${expected(i)}")
        }
        assertEquals(0x6L, tb.status() & 0xf, "DONE and LOADED after the run")
        cycles = c
      }
    cycles
  }

  /** CYCLES(M+1) - CYCLES(M) is one Euler step: it must equal the sequencer's schedule exactly; and the phases
    * the sequencer goes through in a run of two steps are the schedule's table (`stageSchedule`), span by span. */
  private def measureStep(block: BlockConfig, lanes: Int): Long = {
    val hw = OdeBlockHwConfig.of(block, lanes)
    val rng = new SplittableRandom(5)
    val params = randomParams(block, rng)
    val z0 = Array.fill(block.featureWords())(rng.nextInt(-(1 << 20), 1 << 20))
    var step = 0L
    val trace = scala.collection.mutable.ArrayBuffer[Span]()
    compiled(hw)
      .doSim("cycles", 5) { dut =>
        val tb = new OdeBlockHarness(dut, new Random(5), gaps = false)
        tb.init()
        tb.load(params.toStream)
        val (_, c1) = tb.run(z0, 1, block.format().one(), 0, block.featureWords())
        // the phases from the end of z_0's input to the start of z_M's output; the Verilog's emitter renames
        // the states that are Verilog words (VAR is VAR_1), which the trace undoes
        var on = false
        dut.clockDomain.onSamplings {
          val now = dut.phase.toEnum.getName().replaceAll("_[0-9]+$", "")
          if (now == "CONV_START" && !on && trace.isEmpty) on = true
          if (now == "OUTPUT") on = false
          if (on) {
            if (trace.nonEmpty && trace.last.phase == now) trace(trace.size - 1) = Span(now, trace.last.cycles + 1)
            else trace += Span(now, 1)
          }
        }
        val (_, c2) = tb.run(z0, 2, block.format().one(), 0, block.featureWords())
        step = c2 - c1
      }
    val expected = Span.normalize(Seq.fill(2 * hw.stages)(hw.stageSchedule).flatten)
    val firstOff = expected.zip(trace).indexWhere { case (e, t) => e != t }
    assertTrue(firstOff < 0 && expected.size == trace.size, s"${hw.definitionName}: the RTL leaves the schedule at " +
      s"span $firstOff: table ${expected.slice(firstOff - 2 max 0, firstOff + 3)}, RTL ${trace.slice(firstOff - 2 max 0, firstOff + 3)}")
    assertEquals(hw.cyclesPerStep, step, s"${hw.definitionName}: measured cycles per Euler step")
    assertTrue(step <= 1.10 * hw.macBoundCyclesPerStep, s"$step cycles vs bound ${hw.macBoundCyclesPerStep}")
    step
  }

  @Test def cyclesPerStepFollowTheSchedule(): Unit = {
    measureStep(new BlockConfig("c8", 8, 8, 8, QFormat.Q32_20, NormMode.BATCH_STATS, true), 4)
    measureStep(new BlockConfig("c8", 8, 8, 8, QFormat.Q32_20, NormMode.FOLDED, true), 2)
  }

  /** Registers of INTERFACE.md, a command while BUSY, the interrupt, and a parameter reload between runs. */
  @Test def registersReloadAndErrors(): Unit = {
    val block = small(NormMode.FOLDED, true)
    val hw = OdeBlockHwConfig.of(block, 2)
    val rng = new SplittableRandom(7)
    val q = block.format()
    val pa = randomParams(block, rng)
    val pb = randomParams(block, rng)
    val z0 = Array.fill(block.featureWords())(rng.nextInt(-(1 << 21), 1 << 21))
    val map = new FixedMap(4, 4, 4, z0)
    val R = RegisterMap.block
    val START = R.bit("CTRL", "START")
    val LOAD = R.bit("CTRL", "LOAD")
    val BUSY = R.bit("STATUS", "BUSY")
    val DONE = R.bit("STATUS", "DONE")
    val LOADED = R.bit("STATUS", "LOADED")
    val ERROR = R.bit("STATUS", "ERROR")
    compiled(hw)
      .doSim("registers", 7) { dut =>
        val tb = new OdeBlockHarness(dut, new Random(7))
        tb.init()
        assertEquals(OdeBlockTop.configWord(hw).toLong, tb.read(R.offset("CONFIG")))
        assertEquals(RegisterMap.blockWidth(hw), tb.read(R.offset("WIDTH")))
        assertEquals(32L, R("WIDTH").field("width").get(tb.read(R.offset("WIDTH"))))
        assertEquals(1L, tb.read(R.offset("STEPS")))
        assertEquals(q.one(), tb.read(R.offset("STEP_SIZE")))
        tb.write(R.offset("STEPS"), 0)
        assertEquals(1L, tb.read(R.offset("STEPS")), "a write of 0 to STEPS is taken as 1")
        // CTRL takes START or LOAD, one at a time: both or neither is ERROR; an accepted LOAD clears it
        val bits = BUSY | DONE | LOADED | ERROR
        tb.write(R.offset("CTRL"), START | LOAD)
        assertEquals(ERROR, tb.status() & bits, "START and LOAD together")
        tb.write(R.offset("CTRL"), 0)
        assertEquals(ERROR, tb.status() & bits, "neither START nor LOAD")
        tb.load(pa.toStream)
        assertEquals(LOADED, tb.status() & bits, "after an accepted LOAD: LOADED, ERROR cleared")
        val h = q.quantize(0.5)
        val (outA, _) = tb.run(z0, 2, h, 0, block.featureWords())
        assertArrayEquals(new OdeBlock(block, pa).run(map, 2, h, 0).data(), outA)
        // reload, then a START during the run: ERROR, the run goes on; DONE raises the interrupt
        tb.write(R.offset("IER"), R.bit("IER", "DONE"))
        dut.clockDomain.waitSampling()
        assertTrue(dut.io.interrupt.toBoolean, "DONE of the last run with IER set")
        tb.load(pb.toStream)
        tb.write(R.offset("STEPS"), 1)
        tb.write(R.offset("CTRL"), START)
        dut.clockDomain.waitSampling()
        assertFalse(dut.io.interrupt.toBoolean, "START clears DONE")
        tb.write(R.offset("CTRL"), START)
        assertEquals(BUSY | LOADED | ERROR, tb.status() & (BUSY | DONE | LOADED | ERROR), "BUSY, LOADED, ERROR")
        tb.send(z0)
        val (outB, _) = tb.receive(block.featureWords())
        dut.clockDomain.waitSampling(2)
        assertArrayEquals(new OdeBlock(block, pb).run(map, 1, h, 0).data(), outB)
        assertTrue(dut.io.interrupt.toBoolean)
        // an early tlast in a parameter load: ERROR, parameters gone
        tb.write(R.offset("CTRL"), LOAD)
        tb.send(pa.toStream.take(10), lastAt = 9)
        dut.clockDomain.waitSampling(2)
        assertEquals(ERROR, tb.status() & (LOADED | ERROR), "ERROR set, LOADED cleared")
      }
  }

  private def small(norm: NormMode, time: Boolean) =
    new BlockConfig("small", 4, 4, 4, QFormat.Q32_20, norm, time)

  @Test def smallBatchStats(): Unit = { check(small(NormMode.BATCH_STATS, true), 2, 2, 1) }

  @Test def smallFolded(): Unit = { check(small(NormMode.FOLDED, true), 4, 2, 2) }

  @Test def smallNoTimeOneLane(): Unit = { check(small(NormMode.BATCH_STATS, false), 1, 1, 3) }

  /** The paper's configuration at full size: layer3_2, 16 lanes, one Euler step. */
  @Test def paperLayer3_2x16(): Unit = {
    val cycles = check(PaperLayer.LAYER3_2.config(), 16, 1, 8)
    assertTrue(cycles > OdeBlockHwConfig.of(PaperLayer.LAYER3_2.config(), 16).cyclesPerStep)
  }

  /** Banks deep enough to be cut into several block-RAM chunks (2304 = 2048 + 512 weights a lane). */
  @Test def multiChunkBanks(): Unit = {
    check(new BlockConfig("c16", 16, 8, 8, QFormat.Q32_20, NormMode.BATCH_STATS, true), 2, 2, 6)
  }

  @Test def narrowFormat(): Unit = {
    check(new BlockConfig("q16", 4, 2, 8, new QFormat(16, 8), NormMode.BATCH_STATS, true), 2, 2, 4)
  }
}

object OdeBlockSimTest {
  /** The Verilated block (SpinalSim caches the build by the RTL's hash under target/spinal-sim). */
  def compiled(hw: OdeBlockHwConfig): SimCompiled[OdeBlockTop] =
    SimBuild.block(hw, "target/spinal-sim")

  def randomParams(cfg: BlockConfig, rng: SplittableRandom): BlockParams = BlockParams.random(cfg, rng)
}
