package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The ODEBlock's stream in (OdeBlockTop): the parameters (LOAD) into the weight banks, z_0 (INPUT) into the
  * z banks, checked word by word against INTERFACE.md's tlast rule. The lanes take the writes it decodes. */
class OdeBlockStreamIn(top: OdeBlockTop) extends Area {
  import top._
  import HwUtil._

  // stream in: parameters (LOAD) and z_0 (INPUT)
  io.s_axis.ready := phase === Phase.LOAD || phase === Phase.INPUT
  val inWord = io.s_axis.payload.data(W - 1 downto 0).asSInt
  val inLane = UInt(addrWidth(L) bits)
  val zInAddr = UInt(addrWidth(cfg.zbankDepth) bits)
  inLane := laneOf(chan.resize(log2Up(cfg.channels + 1)))
  val isConvSection = section === 0 || section === 3
  val loadTimeWeight = isConvSection && Bool(cfg.timeChannel) && inner < 9
  val mainAddr = (loadConvBase + inner.resize(loadConvBase.getWidth) - (if (cfg.timeChannel) 9 else 0)).resize(
    addrWidth(cfg.wmainDepth))
  val smallAddr = Mux(isConvSection, loadTimeBase + inner.resize(loadTimeBase.getWidth),
    loadNormBase + groupOf(chan).resize(loadNormBase.getWidth)).resize(addrWidth(cfg.wsmallDepth))
  val toSmall = !isConvSection || loadTimeWeight
  zInAddr := ((groupOf(chan).resize(addrWidth(cfg.zbankDepth)) << k).resize(addrWidth(cfg.zbankDepth)) +
    p.resize(addrWidth(cfg.zbankDepth))).resized
  val loadWrite = phase === Phase.LOAD && io.s_axis.fire
  val inputWrite = phase === Phase.INPUT && io.s_axis.fire

  when(loadWrite) {
    val lastOfSection = Bool()
    when(isConvSection) {
      lastOfSection := chan === cfg.channels - 1 && inner === cfg.taps - 1
      inner := inner + 1
      when(inner === cfg.taps - 1) {
        inner := 0
        chan := chan + 1
        when(laneOf(chan) === L - 1) {
          loadConvBase := loadConvBase + cfg.mainTaps // next group of this lane's channels
          loadTimeBase := loadTimeBase + 9
        }
      }
    } otherwise {
      lastOfSection := chan === cfg.channels - 1
      chan := chan + 1
      when(chan === cfg.channels - 1) {
        loadNormBase := loadNormBase + G
      }
    }
    val lastWord = section === 5 && lastOfSection
    when(lastOfSection) {
      chan := 0
      inner := 0
      section := section + 1
    }
    streamEnd(io.s_axis.payload.last, lastWord)(wordError := True) {
      // tlast too early: the load ends here, without parameters
      host.error := True
      host.busy := False
      phase := Phase.IDLE
    } {
      val bad = wordError || !io.s_axis.payload.last
      host.endLoad(!bad)
      phase := Phase.IDLE
    }
  }

  when(inputWrite) {
    val lastWord = chan === cfg.channels - 1 && p === N - 1
    countOn(p, p === N - 1) {
      chan := chan + 1
    }
    streamEnd(io.s_axis.payload.last, lastWord)(host.error := True) {
      // tlast too early: the run is aborted
      host.abortRun()
      phase := Phase.IDLE
    } {
      conv2 := False
      g := 0
      nextWBase := 0
      nextWsBase := 0
      phase := Phase.CONV_START
    }
  }
}
