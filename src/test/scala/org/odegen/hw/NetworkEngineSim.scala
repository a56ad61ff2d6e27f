package org.odegen.hw

import org.odegen.fixed.QFormat
import org.odegen.model.{FloatMap, NormMode}
import org.odegen.net._
import spinal.core._
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

  def run(variant: String, depth: Int, lanes: Int, seed: Long, workspace: String): (Array[Int], Array[Int], Long, Long) = {
    val spec = NetworkSpec.of(Variant.parse(variant), depth)
    val q = QFormat.Q32_20
    val weights = Weights.random(spec, seed)
    val net = new Network(weights, NormMode.BATCH_STATS, q)
    val rnd = new Random(seed)
    val img = new FloatMap(3, 32, 32, Array.fill(3072)(rnd.nextGaussian()))
    val fixedImg = net.quantize(img)
    val golden = net.forwardFixed(fixedImg, Network.GOLDEN)
    val words = blob(weights, spec, q)
    require(words.length == spec.params, s"blob ${words.length} vs ${spec.params}")
    val cfg = NetworkHwConfig.of(spec, lanes, q, NormMode.BATCH_STATS)
    var got: Array[Int] = null
    var cycles = 0L
    HardwareConfig.sim(workspace).compile(NetworkEngine(cfg, HardwareConfig.simInterruptPort)).doSim("net", seed.toInt) { dut =>
      val cd = dut.clockDomain
      val axi = dut.io.s_axi_ctrl
      axi.aw.valid #= false; axi.w.valid #= false; axi.b.ready #= true; axi.ar.valid #= false; axi.r.ready #= true
      axi.aw.payload.prot #= 0; axi.ar.payload.prot #= 0; axi.w.payload.strb #= 0xf
      dut.io.s_axis.valid #= false; dut.io.m_axis.ready #= false
      val m = dut.io.m_axi
      m.arready #= true; m.rvalid #= false; m.rresp #= 0; m.rlast #= false; m.rdata #= 0
      cd.forkStimulus(10)
      cd.assertReset(); cd.waitSampling(4); cd.deassertReset(); cd.waitSampling(2)
      val base = 0x10000000L
      // memory: AR queue, first beat 30 cycles later, then a beat a cycle
      val pending = mutable.Queue[(Long, Int, Long)]()
      var now = 0L
      var beat: Option[(Long, Int, Int)] = None // addr, beats left, index
      cd.onSamplings {
        now += 1
        if (m.arvalid.toBoolean) {
          val a = m.araddr.toLong; val len = m.arlen.toInt + 1
          assert(m.arsize.toInt == 3 && m.arburst.toInt == 1, "burst kind")
          assert(((a & 0xfff) + len * 8) <= 4096, f"4K crossing at $a%x len $len")
          pending.enqueue((a, len, now + 30))
        }
        if (m.rvalid.toBoolean && m.rready.toBoolean) {
          beat = beat.flatMap { case (a, left, i) => if (left == 1) None else Some((a + 8, left - 1, i)) }
        }
        if (beat.isEmpty && pending.nonEmpty && pending.head._3 <= now) {
          val (a, len, _) = pending.dequeue(); beat = Some((a, len, 0))
        }
        beat match {
          case Some((a, left, _)) =>
            val w = ((a - base) / 4).toInt
            def word(i: Int): Long = if (i >= 0 && i < words.length) words(i).toLong & 0xffffffffL else 0xdeadbeefL
            m.rvalid #= true; m.rdata #= (BigInt(word(w + 1)) << 32) | BigInt(word(w)); m.rlast #= (left == 1)
          case None => m.rvalid #= false; m.rlast #= false
        }
      }
      def write(addr: Int, data: Long): Unit = {
        axi.aw.valid #= true; axi.aw.payload.addr #= addr; axi.w.valid #= true; axi.w.payload.data #= (data & 0xffffffffL)
        var aw = false; var w = false
        while (!(aw && w)) {
          cd.waitSampling()
          if (axi.aw.ready.toBoolean && axi.aw.valid.toBoolean) { aw = true; axi.aw.valid #= false }
          if (axi.w.ready.toBoolean && axi.w.valid.toBoolean) { w = true; axi.w.valid #= false }
        }
        cd.waitSamplingWhere(axi.b.valid.toBoolean)
      }
      def read(addr: Int): Long = {
        axi.ar.valid #= true; axi.ar.payload.addr #= addr
        cd.waitSamplingWhere(axi.ar.ready.toBoolean); axi.ar.valid #= false
        cd.waitSamplingWhere(axi.r.valid.toBoolean); axi.r.payload.data.toLong
      }
      val R = RegisterMap.engine
      write(R.offset("WEIGHTS_ADDR"), base)
      write(R.offset("CTRL"), R.bit("CTRL", "LOAD"))
      cd.waitSampling(2)
      assert((read(R.offset("STATUS")) & 0xf) == R.bit("STATUS", "LOADED"), "LOADED")
      write(R.offset("CTRL"), R.bit("CTRL", "START"))
      val in = fixedImg.data()
      for (i <- in.indices) {
        dut.io.s_axis.valid #= true; dut.io.s_axis.payload.data #= (in(i).toLong & 0xffffffffL); dut.io.s_axis.payload.last #= (i == in.length - 1)
        cd.waitSamplingWhere(dut.io.s_axis.ready.toBoolean)
      }
      dut.io.s_axis.valid #= false
      val out = mutable.ArrayBuffer[Int]()
      dut.io.m_axis.ready #= true
      var guard = 0L
      while (out.size < 100) {
        cd.waitSampling(); guard += 1
        if (guard > 50000000L) throw new IllegalStateException("timeout")
        if (dut.io.m_axis.valid.toBoolean) out += dut.io.m_axis.payload.data.toLong.toInt
      }
      cd.waitSampling(2)
      got = out.toArray
      cycles = read(R.offset("CYCLES"))
      println(s"status ${read(R.offset("STATUS"))}")
    }
    (golden, got, cycles, cfg.scheduleCycles)
  }

  def main(args: Array[String]): Unit = {
    val (g, r, c, s) = run(args(0), args(1).toInt, args(2).toInt, 1, "target/netsim")
    val bad = g.indices.filter(i => g(i) != r(i))
    println(s"cycles $c schedule $s; ${bad.size} bad logits; first: ${bad.headOption.map(i => s"$i: ${g(i)} vs ${r(i)}")}")
  }
}
