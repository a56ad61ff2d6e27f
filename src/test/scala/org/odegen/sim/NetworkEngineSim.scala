package org.odegen.sim

import org.odegen.fixed.QFormat
import org.odegen.hw.{NetworkEngine, NetworkHwConfig, RegisterMap}
import org.odegen.model.{FloatMap, NormMode}
import org.odegen.net._
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** A quick SpinalSim run of the network engine against the fixed-point twin (development aid). */
object NetworkEngineSim {
  def blob(net: Weights, spec: NetworkSpec, q: QFormat): Array[Int] = {
    val out = mutable.ArrayBuffer[Int]()
    def add(name: String): Unit = net.get(name).data().foreach(v => out += q.quantize(v).toInt)
    for (i <- 0 until spec.rows.size) {
      val row = spec.rows.get(i)
      row.kind match {
        case BlockKind.STEM => Seq("conv1.weight", "bn1.weight", "bn1.bias").foreach(add)
        case BlockKind.CLASSIFIER => Seq("fc.weight", "fc.bias").foreach(add)
        case _ =>
          for (k <- 0 until row.instances) {
            val p = row.stage.id + "." + k + "."
            Seq("conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias").foreach(n => add(p + n))
          }
      }
    }
    out.toArray
  }

  def run(variant: String, depth: Int, lanes: Int, seed: Long, workspace: String, q: QFormat = QFormat.Q32_20,
      macsPerLane: Int = 1): (Array[Int], Array[Int], Long, Long) = {
    val spec = NetworkSpec.of(Variant.parse(variant), depth)
    val weights = Weights.random(spec, seed)
    val net = new Network(weights, NormMode.BATCH_STATS, q)
    val rnd = new Random(seed)
    val img = new FloatMap(3, 32, 32, Array.fill(3072)(rnd.nextGaussian()))
    val fixedImg = net.quantize(img)
    val golden = net.forwardFixed(fixedImg, Network.GOLDEN)
    val words = blob(weights, spec, q)
    require(words.length == spec.params, s"blob ${words.length} vs ${spec.params}")
    val cfg = NetworkHwConfig.of(spec, lanes, q, NormMode.BATCH_STATS).copy(macsPerLane = macsPerLane)
    var got: Array[Int] = null
    var cycles = 0L
    SimBuild.engine(cfg, workspace).doSim("net", seed.toInt) { dut =>
      val (out, c) = oneImage(dut, words, fixedImg.data(), timeout = 50000000L)(())
      got = out
      cycles = c
    }
    (golden, got, cycles, cfg.scheduleCycles)
  }

  /** Runs `dut` on one image: the DDR model holding `blob`, LOAD (STATUS then LOADED), START, the image, its logits
    * taken within `timeout` cycles; `sample` at every clock edge from before LOAD to the end. Returns the logits
    * and CYCLES. */
  def oneImage(dut: NetworkEngine, blob: Array[Int], image: Array[Int], timeout: Long = 10000000L)(
      sample: => Unit): (Array[Int], Long) = {
    val cd = dut.clockDomain
    val ctrl = new AxiLite4Master(dut.io.s_axi_ctrl, cd)
    val source = new AxisSource(dut.io.s_axis, cd)
    val sink = new AxisSink(dut.io.m_axis, cd)
    val base = 0x10000000L
    val ddr = new AxiReadMemory(dut.io.m_axi, cd, blob, base)
    ctrl.idle(); source.idle(); sink.idle(); ddr.idle()
    BenchClock.startWithReset(cd)
    ddr.serve()
    cd.onSamplings(sample)
    val R = RegisterMap.engine
    ctrl.write(R.offset("WEIGHTS_ADDR"), base)
    ctrl.write(R.offset("CTRL"), R.bit("CTRL", "LOAD"))
    cd.waitSampling(2)
    assert((ctrl.read(R.offset("STATUS")) & 0xf) == R.bit("STATUS", "LOADED"), "LOADED")
    ctrl.write(R.offset("CTRL"), R.bit("CTRL", "START"))
    source.send(image)
    val (logits, _) = sink.receive(dut.cfg.logits, timeout = timeout)
    cd.waitSampling(4)
    (logits, ctrl.read(R.offset("CYCLES")))
  }

  def main(args: Array[String]): Unit = {
    val (g, r, c, s) = run(args(0), args(1).toInt, args(2).toInt, 1, "target/netsim",
      if (args.length > 3) QFormat.parse(args(3)) else QFormat.Q32_20, if (args.length > 4) args(4).toInt else 1)
    val bad = g.indices.filter(i => g(i) != r(i))
    println(s"cycles $c schedule $s; ${bad.size} bad logits; first: ${bad.headOption.map(i => s"$i: ${g(i)} vs ${r(i)}")}")
  }
}
