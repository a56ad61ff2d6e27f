package org.odegen.sim

import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test
import org.odegen.fixed.QFormat
import org.odegen.hw.OdeBlockHwConfig
import org.odegen.model.{FixedMap, NormMode}
import org.odegen.net._
import org.odegen.rtl.BlockSimulator

import java.nio.file.Path
import java.util.SplittableRandom

/** rODENet-3-20 in Java with its layer3_2 ODEBlock (6 Euler steps) on the Verilated RTL: the logits
  * equal the fixed-point golden model's, bit for bit. */
class CoSimulationTest {
  @Test def rodenet3_20LogitsAreBitExact(): Unit = {
    val net = new Network(Weights.random(NetworkSpec.of(Variant.RODENET_3, 20), 3), NormMode.BATCH_STATS,
      QFormat.Q32_20)
    val image = net.quantize(Agreement.randomImage(new SplittableRandom(2)))
    val golden = net.forwardFixed(image, Network.GOLDEN)
    val rtl = BlockSimulator.verilator().executor(16, Path.of("target/spinal-sim")) // as the CLI finds it
    var calls = 0
    val cosim = net.forwardFixed(image, new Network.BlockExecutor {
      override def run(block: org.odegen.model.OdeBlock, z0: FixedMap, steps: Int, h: Long, t0: Long): FixedMap = {
        calls += 1
        rtl.run(block, z0, steps, h, t0)
      }
    })
    assertEquals(1, calls, "one ODEBlock, offloaded once")
    assertArrayEquals(golden, cosim)
    assertTrue(rtl.cycles() > 6 * OdeBlockHwConfig.of(net.odeBlocks().get(0).config(), 16).cyclesPerStep)
  }
}
