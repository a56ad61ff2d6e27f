package org.odegen.sim

import org.odegen.hw.{OdeBlockTop, RegisterMap}
import spinal.core.sim._

import scala.util.Random

/** Drives the generated block as the PS and its DMA would, with the sim kit: AXI4-Lite register
  * accesses and the two AXI4-Stream ports, with random gaps on the input and random back-pressure
  * on the output. */
class OdeBlockHarness(dut: OdeBlockTop, rnd: Random, gaps: Boolean = true) {
  private val cd = dut.clockDomain
  private val ctrl = new AxiLite4Master(dut.io.s_axi_ctrl, cd)
  // one Random for both streams, drawn in the order the accesses come
  private val source = new AxisSource(dut.io.s_axis, cd, if (gaps) Some(rnd) else None)
  private val sink = new AxisSink(dut.io.m_axis, cd, if (gaps) Some(rnd) else None)

  def init(): Unit = {
    ctrl.idle()
    source.idle()
    sink.idle()
    BenchClock.startWithReset(cd)
  }

  def write(addr: Int, data: Long): Unit = ctrl.write(addr, data)

  def read(addr: Int): Long = ctrl.read(addr)

  /** Sends words on s_axis, tlast on the last one (or on `lastAt`). */
  def send(words: Array[Int], lastAt: Int = -1): Unit = source.send(words, lastAt)

  /** Receives `count` words from m_axis; returns them and whether tlast was on the last one only. */
  def receive(count: Int): (Array[Int], Boolean) = sink.receive(count)

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
