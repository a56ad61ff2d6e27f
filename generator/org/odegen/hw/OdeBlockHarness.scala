package org.odegen.hw

import spinal.core._
import spinal.core.sim._

import scala.collection.mutable
import scala.util.Random

/** Drives the generated block as the PS and its DMA would: AXI4-Lite register accesses and the
  * two AXI4-Stream ports, with random gaps on the input and random back-pressure on the output. */
class OdeBlockHarness(dut: OdeBlockTop, rnd: Random, gaps: Boolean = true) {
  private val cd = dut.clockDomain
  private val axi = dut.io.s_axi_ctrl

  def init(): Unit = {
    axi.aw.valid #= false
    axi.w.valid #= false
    axi.b.ready #= true
    axi.ar.valid #= false
    axi.r.ready #= true
    axi.aw.payload.prot #= 0
    axi.ar.payload.prot #= 0
    axi.w.payload.strb #= 0xf
    dut.io.s_axis.valid #= false
    dut.io.m_axis.ready #= false
    cd.forkStimulus(10)
    cd.assertReset()
    cd.waitSampling(4)
    cd.deassertReset()
    cd.waitSampling(2)
  }

  def write(addr: Int, data: Long): Unit = {
    axi.aw.valid #= true
    axi.aw.payload.addr #= addr
    axi.w.valid #= true
    axi.w.payload.data #= (data & 0xffffffffL)
    var awDone = false
    var wDone = false
    while (!(awDone && wDone)) {
      cd.waitSampling()
      if (axi.aw.ready.toBoolean && axi.aw.valid.toBoolean) { awDone = true; axi.aw.valid #= false }
      if (axi.w.ready.toBoolean && axi.w.valid.toBoolean) { wDone = true; axi.w.valid #= false }
    }
    cd.waitSamplingWhere(axi.b.valid.toBoolean)
  }

  def read(addr: Int): Long = {
    axi.ar.valid #= true
    axi.ar.payload.addr #= addr
    cd.waitSamplingWhere(axi.ar.ready.toBoolean)
    axi.ar.valid #= false
    cd.waitSamplingWhere(axi.r.valid.toBoolean)
    axi.r.payload.data.toLong
  }

  /** Sends words on s_axis, tlast on the last one (or on `lastAt`). */
  def send(words: Array[Int], lastAt: Int = -1): Unit = {
    val last = if (lastAt >= 0) lastAt else words.length - 1
    for (i <- words.indices) {
      if (gaps) while (rnd.nextInt(8) == 0) { dut.io.s_axis.valid #= false; cd.waitSampling() }
      dut.io.s_axis.valid #= true
      dut.io.s_axis.payload.data #= (words(i).toLong & 0xffffffffL)
      dut.io.s_axis.payload.last #= (i == last)
      cd.waitSamplingWhere(dut.io.s_axis.ready.toBoolean)
    }
    dut.io.s_axis.valid #= false
  }

  /** Receives `count` words from m_axis; returns them and whether tlast was on the last one only. */
  def receive(count: Int): (Array[Int], Boolean) = {
    val out = mutable.ArrayBuffer[Int]()
    var lastOk = true
    while (out.size < count) {
      dut.io.m_axis.ready #= !(gaps && rnd.nextInt(4) == 0)
      cd.waitSampling()
      if (dut.io.m_axis.valid.toBoolean && dut.io.m_axis.ready.toBoolean) {
        out += dut.io.m_axis.payload.data.toLong.toInt
        if (dut.io.m_axis.payload.last.toBoolean != (out.size == count)) lastOk = false
      }
    }
    dut.io.m_axis.ready #= false
    (out.toArray, lastOk)
  }

  def status(): Long = read(RegisterMap.block.offset("STATUS"))

  def load(params: Array[Int]): Unit = {
    write(RegisterMap.block.offset("CTRL"), RegisterMap.block.bit("CTRL", "LOAD"))
    send(params)
    cd.waitSampling(2)
  }

  /** One run: M steps, h, t0; returns z_M and the CYCLES register. */
  def run(z0: Array[Int], steps: Int, h: Long, t0: Long, outWords: Int): (Array[Int], Long) = {
    write(RegisterMap.block.offset("STEPS"), steps)
    write(RegisterMap.block.offset("STEP_SIZE"), h)
    write(RegisterMap.block.offset("T0"), t0)
    write(RegisterMap.block.offset("CTRL"), RegisterMap.block.bit("CTRL", "START"))
    send(z0)
    val (out, lastOk) = receive(outWords)
    if (!lastOk) throw new IllegalStateException("tlast must be on the last output word only")
    cd.waitSampling(2)
    (out, read(RegisterMap.block.offset("CYCLES")))
  }
}
