package org.odegen.sim

import spinal.core.ClockDomain
import spinal.core.sim._
import spinal.lib.bus.amba4.axilite.AxiLite4

/** An AXI4-Lite master as the PS drives a control port: one access at a time, a write's address and
  * data offered together, every response taken at once (bready and rready held high). */
final class AxiLite4Master(axi: AxiLite4, cd: ClockDomain) {
  /** Drives the idle bus, before the clock starts. */
  def idle(): Unit = {
    axi.aw.valid #= false
    axi.w.valid #= false
    axi.b.ready #= true
    axi.ar.valid #= false
    axi.r.ready #= true
    axi.aw.payload.prot #= 0
    axi.ar.payload.prot #= 0
    axi.w.payload.strb #= 0xf
  }

  /** Writes `data` (its low 32 bits) at byte offset `addr`; returns after the write response. */
  def write(addr: Long, data: Long): Unit = {
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

  /** The register at byte offset `addr`. */
  def read(addr: Long): Long = {
    axi.ar.valid #= true
    axi.ar.payload.addr #= addr
    cd.waitSamplingWhere(axi.ar.ready.toBoolean)
    axi.ar.valid #= false
    cd.waitSamplingWhere(axi.r.valid.toBoolean)
    axi.r.payload.data.toLong
  }
}
