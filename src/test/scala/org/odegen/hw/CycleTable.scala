package org.odegen.hw

import org.odegen.dsl.OdeBlockDesign
import org.odegen.fixed.QFormat
import org.odegen.model._
import spinal.core.sim._

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Paths}
import java.util.SplittableRandom
import scala.jdk.CollectionConverters._
import scala.util.Random

/** Measures, in Verilator, every paper layer at every lane count 1..32 the channels allow:
  * CYCLES(M=2) - CYCLES(M=1) per Euler step against the multiply-add bound, each run checked bit for
  * bit against the golden model. Writes target/cycle-table.md.
  * Run: mvn -B test-compile exec:exec@cycles  (about 15 minutes on 2 cores). */
object CycleTable {
  def main(args: Array[String]): Unit = {
    val only = args.toSet
    val rows = scala.collection.mutable.ArrayBuffer[String]()
    val configs = for {
      layer <- PaperLayer.values().toSeq
      lanes <- OdeBlockDesign.validLanes(layer.channels()).asScala.map(_.intValue()) if lanes <= 32
      if only.isEmpty || only.contains(s"${layer.id()}_x$lanes")
    } yield (layer, lanes)
    val started = System.nanoTime()
    for (((layer, lanes), i) <- configs.zipWithIndex) {
      val block = layer.config()
      val hw = OdeBlockHwConfig.of(block, lanes)
      val rng = new SplittableRandom(lanes * 31 + layer.ordinal())
      val q = block.format()
      val params = OdeBlockSimTest.randomParams(block, rng)
      val z0 = Array.fill(block.featureWords())(q.sat(rng.nextLong(-2 * q.one(), 2 * q.one())).toInt)
      val golden = new OdeBlock(block, params)
      val map = new FixedMap(block.channels(), block.height(), block.width(), z0)
      var c1, c2 = 0L
      var exact = true
      OdeBlockSimTest.compiled(hw)
        .doSim("cycles", 1) { dut =>
          val tb = new OdeBlockHarness(dut, new Random(1), gaps = false)
          tb.init()
          tb.load(params.toStream)
          val h = q.quantize(0.5)
          val (o1, a) = tb.run(z0, 1, h, 0, block.featureWords())
          val (o2, b) = tb.run(z0, 2, h, 0, block.featureWords())
          exact = o1.sameElements(golden.run(map, 1, h, 0).data()) && o2.sameElements(golden.run(map, 2, h, 0).data())
          c1 = a
          c2 = b
        }
      val step = c2 - c1
      val bound = hw.macBoundCyclesPerStep
      rows += f"| ${layer.id()} | $lanes | $step | $bound | ${step.toDouble / bound}%.4f | ${100.0 * bound / step}%.1f%% | ${if (exact) "yes" else "NO"} |"
      println(f"[${i + 1}/${configs.size}] ${layer.id()} x$lanes: $step cycles per Euler step, ${step.toDouble / bound}%.4fx the bound, " +
        f"bit-exact: $exact (${(System.nanoTime() - started) / 1e9}%.0f s)")
      if (!exact) sys.error(s"${layer.id()} x$lanes differs from the golden model")
    }
    val table = "| layer | lanes | cycles per Euler step (measured) | multiply-add bound | ratio | lanes busy | bit-exact |\n" +
      "| --- | --- | --- | --- | --- | --- | --- |\n" + rows.mkString("\n") + "\n"
    Files.createDirectories(Paths.get("target"))
    Files.write(Paths.get("target/cycle-table.md"), table.getBytes(StandardCharsets.UTF_8))
    print(table)
  }
}
