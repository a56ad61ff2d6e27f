package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The ODEBlock's sequencer (OdeBlockTop): the phases of a step after the host's START, one command a cycle
  * to all lanes (conv addressing, the norm's phases, the stages' UPDATE passes), the output of z_M, and RK4's
  * h6. Its state (phase, counters) is the top's, which the host's commands set. */
class OdeBlockSequencer(top: OdeBlockTop) extends Area {
  import top._
  import HwUtil._

  // conv addressing
  val iy = (y.resize(y.getWidth + 2).asSInt + ky.resize(y.getWidth + 2).asSInt - 1)
  val ix = (x.resize(x.getWidth + 2).asSInt + kx.resize(x.getWidth + 2).asSInt - 1)
  val convPad = iy < 0 || iy >= cfg.height || ix < 0 || ix >= cfg.width
  val srcChan = UInt(log2Up(cfg.cin + 1) bits)
  srcChan := (if (cfg.timeChannel) ci - 1 else ci)
  val pixelIn = (iy.asUInt.resize(16) << log2Up(cfg.width)).resize(16) + ix.asUInt.resize(16)
  val convReadAddr = ((groupOf(srcChan).resize(16) << k).resize(16) + pixelIn).resize(16)
  val pixelOut = (y.resize(16) << log2Up(cfg.width)).resize(16) + x.resize(16)
  val groupBase = (g.resize(16) << k).resize(16)

  switch(phase) {
    is(Phase.CONV_START) {
      clear(y, x, ci, ky, kx, inner)
      wBase := nextWBase
      nextWBase := nextWBase + cfg.mainTaps
      wsBase := nextWsBase
      nextWsBase := nextWsBase + 9
      phase := Phase.CONV
    }
    is(Phase.CONV) {
      cmd.op := LaneOp.CONV
      cmd.zAddr := convReadAddr.resized
      // conv2 reads conv1's output; conv1 of a later stage reads the stage input, where f was
      cmd.aAddr := (Mux(conv2, c1Base, c2Base) + convReadAddr).resized
      cmd.wAddr := (wBase + inner.resize(wBase.getWidth) - (if (cfg.timeChannel) 9 else 0)).resized
      cmd.wsAddr := (wsBase + inner.resize(wsBase.getWidth)).resized
      cmd.bank := laneOf(srcChan)
      cmd.fromZ := !conv2 && (if (cfg.multiStage) stage === 0 else True)
      cmd.isTime := Bool(cfg.timeChannel) && ci === 0
      cmd.pad := convPad
      cmd.first := inner === 0
      cmd.last := inner === cfg.taps - 1
      cmd.firstPixel := y === 0 && x === 0
      cmd.outAddr := (Mux(conv2, c2Base, c1Base) + groupBase + pixelOut).resized
      inner := inner + 1
      nextTap(ky, kx) {
        ci := ci + 1
        when(ci === cfg.cin - 1) {
          ci := 0
          inner := 0
          x := x + 1
          when(x === cfg.width - 1) {
            x := 0
            y := y + 1
            when(y === cfg.height - 1) {
              drainTo(if (cfg.batchStats) Phase.LATCH_MEAN else Phase.PARAM_A)
            }
          }
        }
      }
    }
    is(Phase.DRAIN) {
      waits.draining()
    }
    is(Phase.LATCH_MEAN) {
      waits.latchMeanThen(p, Phase.VAR)
    }
    is(Phase.VAR) {
      cmd.op := LaneOp.VAR
      cmd.aAddr := (Mux(conv2, c2Base, c1Base) + groupBase + p.resize(16)).resized
      cmd.first := p === 0
      countOn(p, p === N - 1) {
        drainTo(Phase.NORM_START)
      }
    }
    is(Phase.NORM_START) {
      waits.startNorm()
    }
    is(Phase.NORM_WAIT) {
      when(waits.normStep()) {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.PARAM_A) {
      cmd.op := LaneOp.PARAM_A
      cmd.wsAddr := (U(cfg.paramBase, 16 bits) + Mux(conv2, U(2 * G), U(0)).resize(16) + g.resize(16)).resized
      phase := Phase.PARAM_B
    }
    is(Phase.PARAM_B) {
      cmd.op := LaneOp.PARAM_B
      cmd.wsAddr := (U(cfg.paramBase + G, 16 bits) + Mux(conv2, U(2 * G), U(0)).resize(16) + g.resize(16)).resized
      if (cfg.batchStats) phase := Phase.SCALE
      else {
        p := 0
        drainTo(Phase.APPLY)
      }
    }
    is(Phase.SCALE) {
      cmd.op := LaneOp.SCALE
      p := 0
      drainTo(Phase.APPLY)
    }
    is(Phase.APPLY) {
      cmd.op := LaneOp.APPLY
      cmd.aAddr := (Mux(conv2, c2Base, c1Base) + groupBase + p.resize(16)).resized
      cmd.relu := !conv2
      countOn(p, p === N - 1) {
        drainTo(Phase.NEXT_GROUP)
      }
    }
    is(Phase.NEXT_GROUP) {
      when(g =/= G - 1) {
        g := g + 1
        phase := Phase.CONV_START
      }.elsewhen(!conv2) {
        conv2 := True
        g := 0
        phase := Phase.CONV_START
      } otherwise {
        p := 0
        phase := Phase.UPDATE
      }
    }
    is(Phase.UPDATE) {
      cmd.op := LaneOp.UPDATE
      cmd.zAddr := p.resized
      cmd.aAddr := (c2Base + p.resize(16)).resized
      countOn(p, p === G * N - 1) {
        drainTo(Phase.NEXT_STEP)
      }
    }
    is(Phase.NEXT_STEP) {
      conv2 := False
      g := 0
      nextWBase := 0
      nextWsBase := 0
      when(!lastStage) {
        // the next evaluation of f in this step: Heun's at t_k + h; RK4's at t_k + h2, t_k + h2, t_k + h
        stage := stage + 1
        tStage := tRun + (if (cfg.rk4) Mux(stage === 2, hRun, h2Run) else hRun)
        phase := Phase.CONV_START
      }.elsewhen(stepsLeft === 1) {
        stage := 0
        stepsLeft := stepsLeft - 1
        tRun := tRun + hRun
        tStage := tRun + hRun
        chan := 0
        p := 0
        outIssued := 0
        outAccepted := 0
        phase := Phase.OUTPUT
      } otherwise {
        stage := 0
        stepsLeft := stepsLeft - 1
        tRun := tRun + hRun
        tStage := tRun + hRun
        phase := Phase.CONV_START
      }
    }
  }

  // stream out z_M through a small FIFO; reads are issued only when it has room
  when(phase === Phase.OUTPUT) {
    when(outIssued =/= cfg.featureWords && outStream.room) {
      cmd.op := LaneOp.OUT
      cmd.zAddr := ((groupOf(chan).resize(16) << k).resize(16) + p.resize(16)).resized
      cmd.bank := laneOf(chan)
      cmd.outLast := outIssued === cfg.featureWords - 1
      outIssued := outIssued + 1
      p := p + 1
      when(p === N - 1) {
        p := 0
        chan := chan + 1
      }
    }
    when(io.m_axis.fire) {
      outAccepted := outAccepted + 1
      when(io.m_axis.payload.last) {
        phase := Phase.IDLE
        host.finishRun()
      }
    }
  }

  /** RK4's h6 = (|h| + 3) / 6 with h's sign (ARITHMETIC.md), once per run: a restoring divider, one
    * quotient bit a cycle, W+1 cycles from START. h6 is first used in the last stage's UPDATE of the first
    * step, after z_0 has streamed in and three evaluations of f have run (each has at least four DRAINs of `drain`
    * cycles, so more than W+1 cycles in any block), so it is always ready and no cycle is added. */
  val sixth = cfg.rk4 generate new Area {
    val n = Reg(UInt(W + 1 bits)) init 0 // the dividend, shifted out as the quotient is shifted in
    val rem = Reg(UInt(3 bits)) init 0
    val neg = RegInit(False)
    val count = Reg(UInt(log2Up(W + 2) bits)) init 0
    when(runStart) {
      val h = hReg(W - 1 downto 0).asSInt
      n := h.abs.resize(W + 1) + U(3, W + 1 bits)
      rem := 0
      neg := h.msb
      count := W + 1
    }.elsewhen(count =/= 0) {
      val r = rem @@ n.msb
      val ge = r >= 6
      rem := Mux(ge, r - 6, r).resized
      n := n(W - 1 downto 0) @@ ge
      count := count - 1
    }
    // the quotient is below 2^(W-1): (2^(W-1) + 3) / 6
    val h6 = Mux(neg, -(n.resize(W).asSInt), n.resize(W).asSInt)
  }
}
