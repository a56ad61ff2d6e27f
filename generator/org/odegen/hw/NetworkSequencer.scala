package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The network engine's sequencer (NetworkEngine): the phases of every pass of the layer program after the
  * image is in, one command a cycle to all lanes (conv addressing over the slices and regions, the norm's
  * all-reduce and units, APPLY, UPDATE, COPY, POOL), and the logits out. Its state is the top's. */
class NetworkSequencer(top: NetworkEngine) extends Area {
  import top._
  import HwUtil._
  import PassDesc.kindCode

  // conv addressing: input row iy (from the first row of the slice's input) and column ix of output (oy, ox)
  // (oy within the slice) and tap (ky, kx); the input region iy falls in, `delta` regions from the slice's
  // first, and its row there. Every slice reads the same address, each from the lanes of its own region.
  // iy, ix and each slice's input region are registers, computed from the counters' next values, so that
  // the cycle that issues a read only shifts and compares (the adds and the shift before them were the
  // engine's slowest path at 64 lanes)
  private val iyNext = iyBase.getAheadValue() + ky.getAheadValue().resize(9).asSInt
  val iy = RegNext(iyNext) init 0
  val ix = RegNext(ixBase.getAheadValue() + kx.getAheadValue().resize(9).asSInt) init 0
  val colPad = ix < 0 || ix >= cur.inSize.resize(9).asSInt
  val localRow = iy.asUInt.resize(6) & cur.inRegionRowMask
  val convReadAddr = (fiBase + (localRow.resize(bufBits) |<< cur.log2In) + ix.asUInt.resize(bufBits)).resize(bufBits)
  val isTimeTap = cur.time && ci === 0
  val sliceRegion = (0 until cfg.slices).map(sl =>
    RegNext((S(sl, 9 bits) |<< cur.log2SliceStep) + (iyNext >> cur.log2InRegionRows)) init 0)
  val slicePad = sliceRegion.map(r => colPad || r < 0 || r >= cur.inRegions.resize(9).asSInt)
  val sliceBank = sliceRegion.map(r => fiLane | (r.asUInt.resize(laneBits) |<< cur.log2InLanes))

  val row = rom(pc)
  switch(phase) {
    is(Phase.FETCH) {
      cur := row
      clear(g, gl, gBase, gChan, p, c, ox)
      oxLast := row.outSize === 1
      cs := -row.chanOffset.resize(10).asSInt
      copyQ := 0
      fiLane := 0
      fiBase := 0
      dstLane := 0
      dstBase := 0
      outIssued := 0
      switch(row.kind) {
        is(kindCode(PassKind.Conv), kindCode(PassKind.Fc)) { phase := Phase.WAIT_W }
        is(kindCode(PassKind.Copy)) { phase := Phase.COPY }
        is(kindCode(PassKind.Pool)) { phase := Phase.POOL }
        default { phase := Phase.OUTPUT }
      }
    }
    is(Phase.WAIT_W) {
      wBase := slotBase(slotR)
      when(slotFull(slotR.asUInt)) {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.PARAM_A) {
      cmd.op := LaneOp.PARAM_A
      cmd.wAddr := (slotBase(slotR) + U(cfg.slotTaps, wBits bits) + gl.resize(wBits)).resized
      phase := Phase.PARAM_B
    }
    is(Phase.PARAM_B) {
      cmd.op := LaneOp.PARAM_B
      cmd.wAddr := (slotBase(slotR) + U(cfg.slotTaps + cfg.slotParams, wBits bits) + gl.resize(wBits)).resized
      p := 0
      ox := 0
      oxLast := cur.outSize === 1
      iyBase := -1
      ixBase := -1
      ci := 0
      ky := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
      kx := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
      inner := 0
      innerLast := cur.taps === 1
      fiLane := 0
      fiBase := 0
      phase := Phase.CONV
    }
    is(Phase.CONV) {
      cmd.op := LaneOp.CONV
      cmd.rdAddr := convReadAddr
      cmd.wAddr := (wBase + inner.resize(wBits)).resized
      for (sl <- 0 until cfg.slices) {
        cmd.banks(sl) := sliceBank(sl)
        cmd.pads(sl) := slicePad(sl)
      }
      cmd.isTime := isTimeTap
      val lastTap = innerLast
      cmd.first := inner === 0
      cmd.last := lastTap
      cmd.firstPixel := p === 0
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      inner := inner + 1
      innerLast := inner === cur.taps - 2
      def nextChannel(): Unit = {
        ci := ci + 1
        when(!isTimeTap) {
          fiLane := wrapLane(fiLane, cur.inLaneMask)
          when(fiLane === cur.inLaneMask) {
            fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
          }
        }
      }
      when(isFc) {
        nextChannel()
      } otherwise {
        nextTap(ky, kx)(nextChannel())
      }
      when(lastTap) {
        inner := 0
        innerLast := cur.taps === 1
        ci := 0
        ky := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
        kx := Mux(isFc, U(1, 2 bits), U(0, 2 bits))
        fiLane := 0
        fiBase := 0
        p := p + 1
        ox := ox + 1
        oxLast := ox === cur.outSize - 2
        ixBase := ixBase + cur.stride.resize(9).asSInt
        when(oxLast) {
          ox := 0
          oxLast := cur.outSize === 1
          ixBase := -1
          iyBase := iyBase + cur.stride.resize(9).asSInt
        }
        when(p === cur.regionPixels - 1) {
          p := 0
          wBase := wBase + cur.taps.resize(wBits)
          when(gl === cur.groupsPerLoad - 1) {
            // the slot's last read is this cycle's: the reader may refill it from the next cycle on
            slotFull(slotR.asUInt) := False
            slotR := !slotR
          }
          when(isFc) {
            drainTo(Phase.NEXT_GROUP)
          }.elsewhen(Bool(cfg.batchStats)) {
            drainTo(Phase.LATCH_MEAN)
            when(cur.log2Slices =/= 0) {
              waits.afterDrain := Phase.REDUCE_SUM
            }
          } otherwise {
            drainTo(Phase.APPLY)
          }
        }
      }
    }
    is(Phase.DRAIN) {
      waits.draining()
    }
    is(Phase.REDUCE_SUM) {
      reduceThen(Phase.LATCH_MEAN)
    }
    is(Phase.REDUCE_VAR) {
      reduceThen(Phase.NORM_START)
    }
    is(Phase.LATCH_MEAN) {
      waits.latchMeanThen(p, Phase.VAR)
    }
    is(Phase.VAR) {
      cmd.op := LaneOp.VAR
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.first := p === 0
      countOn(p, p === cur.regionPixels - 1) {
        drainTo(Phase.NORM_START)
        when(cur.log2Slices =/= 0) {
          waits.afterDrain := Phase.REDUCE_VAR
        }
      }
    }
    is(Phase.NORM_START) {
      waits.startNorm()
    }
    is(Phase.NORM_WAIT) {
      // one norm unit serves `normShare` lanes, one after the other
      when(waits.normStep()) {
        invLatch := True
        normSel := normSel + 1
        phase := Phase.NORM_START
        when(normSel === cfg.normShare - 1) {
          normSel := 0
          phase := Phase.SCALE
        }
      }
    }
    is(Phase.SCALE) {
      cmd.op := LaneOp.SCALE
      drainTo(Phase.APPLY)
    }
    is(Phase.APPLY) {
      cmd.op := LaneOp.APPLY
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      countOn(p, p === cur.regionPixels - 1) {
        when(cur.update) {
          drainTo(Phase.UPDATE)
        } otherwise {
          drainTo(Phase.NEXT_GROUP)
        }
      }
    }
    is(Phase.UPDATE) {
      cmd.op := LaneOp.UPDATE
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := (gBase + p.resize(bufBits)).resized
      countOn(p, p === cur.regionPixels - 1) {
        drainTo(Phase.NEXT_GROUP)
      }
    }
    is(Phase.NEXT_GROUP) {
      g := g + 1
      gl := gl + 1
      gBase := gBase + cur.regionPixels.resize(bufBits)
      gChan := gChan + (cur.groupLaneMask.resize(9) + 1)
      when(g === cur.groups - 1) {
        pc := pc + 1
        phase := Phase.FETCH
      }.elsewhen(gl === cur.groupsPerLoad - 1) {
        gl := 0
        phase := Phase.WAIT_W
      } otherwise {
        phase := Phase.PARAM_A
      }
    }
    is(Phase.COPY) {
      // output channel c of the block from input channel cs = c - offset, at even (y, x); zeros outside; the
      // input pixel and the output pixel each in its map's region (Pass.regions)
      cmd.op := LaneOp.COPY
      val q = copyQ
      copyQ := copyQ + 2
      cmd.rdAddr := (fiBase + (q & (cur.inRegionPixels - 1)).resize(bufBits)).resized
      cmd.banks(0) := fiLane | ((q >> cur.log2InRegionPixels).resize(laneBits) |<< cur.log2InLanes)
      cmd.pads(0) := cs < 0 || cs >= cur.cin.resize(10).asSInt
      cmd.dstLane := dstLane | ((p >> cur.log2RegionPixels).resize(laneBits) |<< cur.log2GroupLanes)
      cmd.wrAddr := (dstBase + (p & (cur.regionPixels - 1)).resize(bufBits)).resized
      p := p + 1
      ox := ox + 1
      oxLast := ox === cur.outSize - 2
      when(oxLast) {
        ox := 0
        oxLast := cur.outSize === 1
        copyQ := copyQ + cur.inSize.resize(12) + 2 // the next even row
      }
      when(p === cur.outPixels - 1) {
        p := 0
        copyQ := 0
        c := c + 1
        cs := cs + 1
        dstLane := wrapLane(dstLane, cur.groupLaneMask)
        when(dstLane === cur.groupLaneMask) {
          dstBase := dstBase + cur.regionPixels.resize(bufBits)
        }
        when(cs >= 0 && cs < cur.cin.resize(10).asSInt) {
          fiLane := wrapLane(fiLane, cur.inLaneMask)
          when(fiLane === cur.inLaneMask) {
            fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
          }
        }
        when(c === cur.cout - 1) {
          pc := pc + 1
          drainTo(Phase.FETCH)
        }
      }
    }
    is(Phase.POOL) {
      cmd.op := LaneOp.POOL
      cmd.rdAddr := (gBase + p.resize(bufBits)).resized
      cmd.wrAddr := g.resized
      cmd.first := p === 0
      cmd.last := p === cur.inPixels - 1
      countOn(p, p === cur.inPixels - 1) {
        g := g + 1
        gBase := gBase + cur.inPixels.resize(bufBits)
        when(g === cur.groups - 1) {
          pc := pc + 1
          drainTo(Phase.FETCH)
        }
      }
    }
  }

  // the logits through a small FIFO; reads are issued only when it has room
  when(phase === Phase.OUTPUT) {
    when(outIssued =/= cur.cout && outStream.room) {
      cmd.op := LaneOp.OUT
      cmd.rdAddr := dstBase
      cmd.banks(0) := dstLane
      cmd.outLast := outIssued === cur.cout - 1
      outIssued := outIssued + 1
      dstLane := wrapLane(dstLane)
      when(dstLane === L - 1) {
        dstBase := dstBase + 1
      }
    }
    when(io.m_axis.fire && io.m_axis.payload.last) {
      phase := Phase.IDLE
      host.finishRun()
      loader.state := loader.State.IDLE
    }
  }
}
