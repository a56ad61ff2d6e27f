package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The ODEBlock's lanes (OdeBlockTop): the command pipeline, each lane's banks around the shared LaneCore,
  * its write-back and the stream-in writes, and the broadcast of stage 1. */
class OdeBlockLanes(top: OdeBlockTop, streamIn: OdeBlockStreamIn, sequencer: OdeBlockSequencer) extends Area {
  import top._
  import streamIn._
  import sequencer.sixth
  import HwUtil._
  import HwFormat.shiftDown

  // ---------------------------------------------------------------- pipeline and lanes
  private val t = cfg.timing
  val pipe = new CommandPipeline(cmd, t.resultStage)(_.pipelineInit())
  val s1 = pipe.stage(t.readLatency) // the words read
  val s5 = pipe.stage(t.resultStage) // its result and the post-op

  val lanes = for (l <- 0 until L) yield new Area {
    val wmain = BankMem(cfg.wmainDepth, W)
    val wsmall = BankMem(cfg.wsmallDepth, W, distributedBelow = Int.MaxValue)
    val zbank = BankMem(cfg.zbankDepth, W, distributedBelow = cfg.distributedDepth)
    val abank = BankMem(cfg.abankDepth, W, distributedBelow = cfg.distributedDepth)
    val wsOut = wsmall.readSync(cmd.wsAddr)
    val wOut = Mux(s1.isTime, wsOut, wmain.readSync(cmd.wAddr))
    val zOut = zbank.readSync(cmd.zAddr)
    val aOut = abank.readSync(cmd.aAddr)
    // Heun, RK4: the running sum of k, `[g][y][x]` like z and read at z's address
    val kbank = cfg.multiStage generate BankMem(cfg.kbankDepth, cfg.kWidth, distributedBelow = cfg.distributedDepth)
    val kOut = cfg.multiStage generate kbank.readSync(cmd.zAddr)

    val core = new LaneCore(fmt, cfg.mulq, cfg.accWidth, cfg.batchStats, t, cfg.definitionName)(pipe.stage(_).op,
      s5.first)
    core.wOut := wOut
    core.paramWord := wsOut // the norm parameters are in the small bank
    core.xOut := aOut
    val sum = Reg(SInt(cfg.sumWidth bits)) init 0

    val norm = cfg.batchStats generate new Area {
      val unit = IsqrtDivUnit(fmt, cfg.eps)
      unit.setDefinitionName(cfg.definitionName + "_IsqrtDiv")
      unit.io.start := waits.normStart
      unit.io.variance := shiftDown(core.acc, k).asUInt.resized
      core.inv := unit.io.inv
    }
    when(waits.latchMean) {
      core.mean := shiftDown(sum, k).resized
    }

    val n2 = RegNext(aOut)
    core.updAddend := Delay(zOut, t.readToResult)
    val B = cfg.mulq.b
    /** The UPDATE pass of a stage: coefficient (multiplier operand a), the value it multiplies (operand b),
      * and the new running sum of k. `stage` is steady during the pass: it changes after the pass's DRAIN. */
    val upd = new Area {
      val coef = SInt(W bits)
      val operand = SInt(B bits)
      operand := n2.resize(B)
      val kNew = cfg.multiStage generate SInt(cfg.kWidth bits)
      if (!cfg.multiStage) coef := hRun
      if (cfg.multiStage) {
        val k2 = RegNext(kOut)
        if (cfg.rk4) {
          // k1; k1 + 2*k2; k1 + 2*k2 + 2*k3; then mulq(h6, that sum + k4) into z
          kNew := Mux(stage === 0, n2.resize(cfg.kWidth), k2 + (n2.resize(cfg.kWidth) |<< 1))
          coef := Mux(stage === 3, sixth.h6, Mux(stage === 2, hRun, h2Run))
          when(stage === 3) {
            operand := k2 + n2.resize(B)
          }
        } else {
          // Heun: k1, then mulq(h, rnd(k1 + k2, 1)) into z
          kNew := n2
          coef := hRun
          when(stage === 1) {
            operand := HwFormat.rnd(k2.resize(W + 2) + n2.resize(W + 2), 1).resize(B)
          }
        }
      }
      val kNew5 = cfg.multiStage generate Delay(kNew, t.operandToResult)
    }
    core.updA := upd.coef
    core.updB := upd.operand
    val broadcast = SInt(W bits) // set below, shared by all lanes
    core.broadcast := broadcast

    // stage 5: what each op writes (APPLY's ReLU after conv1)
    val convOut = core.convOut
    val appliedRelu = Mux(s5.relu && core.normed.msb, S(0, W bits), core.normed)
    val updated = core.normed

    val aWrite = Flow(LaneWrite(cfg.abankDepth, W))
    val zWrite = Flow(LaneWrite(cfg.zbankDepth, W))
    aWrite.valid := False
    aWrite.payload.addr := s5.outAddr
    aWrite.payload.data := convOut
    zWrite.valid := False
    zWrite.payload.addr := s5.zAddr
    zWrite.payload.data := updated
    switch(s5.op) {
      is(LaneOp.CONV) {
        when(s5.last) {
          aWrite.valid := True
          sum := Mux(s5.firstPixel, S(0, cfg.sumWidth bits), sum) + convOut.resize(cfg.sumWidth)
        }
      }
      is(LaneOp.APPLY) {
        aWrite.valid := True
        aWrite.payload.addr := s5.aAddr
        aWrite.payload.data := appliedRelu
      }
      is(LaneOp.UPDATE) {
        if (cfg.multiStage) {
          // before the last stage: the stage input goes over f, in the a bank; the k sum to its bank
          when(lastStage) {
            zWrite.valid := True
          } otherwise {
            aWrite.valid := True
            aWrite.payload.addr := s5.aAddr
            aWrite.payload.data := updated
          }
        } else zWrite.valid := True
      }
    }
    val kWrite6 = cfg.multiStage generate new Area {
      val valid = RegNext(s5.op === LaneOp.UPDATE && !lastStage) init False
      val addr = RegNext(s5.zAddr)
      val data = RegNext(upd.kNew5)
      kbank.write(addr.resized, data, valid)
    }
    // stage 6: write back (registered), or the stream-in writes
    val aWrite6 = RegNext(aWrite)
    aWrite6.valid.init(False)
    val zWrite6 = RegNext(zWrite)
    zWrite6.valid.init(False)
    abank.write(aWrite6.payload.addr, aWrite6.payload.data, aWrite6.valid)
    val zInThis = inputWrite && inLane === l
    zbank.write(Mux(zInThis, zInAddr, zWrite6.payload.addr), Mux(zInThis, inWord, zWrite6.payload.data),
      zInThis || zWrite6.valid)
    wmain.write(mainAddr, inWord, loadWrite && inLane === l && !toSmall)
    wsmall.write(smallAddr, inWord, loadWrite && inLane === l && toSmall)
  }

  // broadcast of stage 1: the value of the channel being read, or the time plane, or a padding zero
  val source = Mux(s1.fromZ, pick(lanes.map(_.zOut), s1.bank), pick(lanes.map(_.aOut), s1.bank))
  val broadcast2 = RegNext(Mux(s1.pad, S(0, W bits), Mux(s1.isTime, if (cfg.multiStage) tStage else tRun, source)))
  lanes.foreach(_.broadcast := broadcast2)

  outStream.push(s1.op === LaneOp.OUT, pick(lanes.map(_.zOut), s1.bank), s1.outLast)
}
