package org.odegen.sim

import org.odegen.hw.{OdeBlockHwConfig, OdeBlockTop}
import org.odegen.model.{FixedMap, OdeBlock}
import org.odegen.rtl.RtlExecutor
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** Runs a network's ODEBlocks on the generated RTL under Verilator instead of the golden model:
  * the whole-network co-simulation. Each call loads the block's parameters over the streams, sets
  * M, h and t0, streams z_0 in and z_M out, as the PS and its DMA would. Builds are cached per
  * configuration (and by SpinalSim, by the RTL's hash, under `workspace`). */
class RtlBlockExecutor(lanes: Int, workspace: String = "target/spinal-sim") extends RtlExecutor {
  private val builds = mutable.Map[OdeBlockHwConfig, SimCompiled[OdeBlockTop]]()
  private var cyclesTotal = 0L

  /** CYCLES of every block run so far, added up. */
  override def cycles(): Long = cyclesTotal

  override def run(block: OdeBlock, z0: FixedMap, steps: Int, h: Long, t0: Long): FixedMap = {
    val cfg = block.config()
    val hw = OdeBlockHwConfig.of(cfg, lanes, block.solver()) // the block's own solver, as the network asks
    val sim = builds.getOrElseUpdate(hw, SimBuild.block(hw, workspace))
    var out: Array[Int] = null
    sim.doSim("cosim", 1) { dut =>
      val tb = new OdeBlockHarness(dut, new Random(1), gaps = false)
      tb.init()
      tb.load(block.params().toStream)
      val (words, c) = tb.run(z0.data, steps, h, t0, cfg.featureWords())
      out = words
      cyclesTotal += c
    }
    new FixedMap(z0.channels, z0.height, z0.width, out) // record components: no parentheses in a mixed compile
  }
}
