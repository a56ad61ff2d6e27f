package org.odegen.hw

import spinal.core._
import spinal.lib._

/** conv3x3 (stride 1 or 2, with or without the time channel) of all output channels, group by group, each
  * group followed by its norm (and ReLU, the residual add, the ODEBlock's update as the pass flags): the
  * engine's main layer kind. Per group (`pixels` a region's): WAIT_W for its weight load, PARAM_A, PARAM_B,
  * CONV `pixels * taps`, then with batch statistics the norm (the all-reduce over the slices REDUCE_SUM,
  * LATCH_MEAN, VAR, REDUCE_VAR, the shared units NORM_START and NORM_WAIT, SCALE), APPLY, [UPDATE],
  * NEXT_GROUP. The classifier and the 1x1 conv ([[FcKind]], [[Conv1x1Kind]]) run on these same phases. */
object ConvKind extends LayerKind("conv") {
  val WAIT_W = PhaseKey("WAIT_W", "a group's weights in the ring")
  val PARAM_A = PhaseKey("PARAM_A", "the norm's A (the classifier: its bias) into the lanes")
  val PARAM_B = PhaseKey("PARAM_B", "the norm's B into the lanes")
  val CONV = PhaseKey("CONV", "the multiply-adds of a conv or the classifier (and a list's padding)")
  val REDUCE_SUM = PhaseKey("REDUCE_SUM", "the slices' channel sums added")
  val LATCH_MEAN = PhaseKey("LATCH_MEAN", "the channel's mean taken")
  val VAR = PhaseKey("VAR", "the variance: each output read again, a pixel a cycle")
  val REDUCE_VAR = PhaseKey("REDUCE_VAR", "the slices' variances added")
  val NORM_START = PhaseKey("NORM_START", "a norm unit started on a lane's variance")
  val SCALE = PhaseKey("SCALE", "A times 1/std")
  val APPLY = PhaseKey("APPLY", "the norm, ReLU and the residual on each output, a pixel a cycle")
  val UPDATE = PhaseKey("UPDATE", "the solver's update of z, a pixel a cycle")
  val NEXT_GROUP = PhaseKey("NEXT_GROUP", "the next group of output channels")
  def phases: Seq[PhaseKey] = Seq(WAIT_W, PARAM_A, PARAM_B, CONV, REDUCE_SUM, LATCH_MEAN, VAR, REDUCE_VAR,
    NORM_START, SCALE, APPLY, UPDATE, NEXT_GROUP)

  override def hasWeights: Boolean = true
  override def taps(p: Pass): Int = p.cinTotal * 9
  override def writes(p: Pass): Option[(Int, Int, Int)] = Some((p.cout, p.outSize, p.outCols))
  override def averagedPixels(p: Pass): Option[Int] = Some(p.outPixels)
  override def slices(p: Pass, lanes: Int): Option[Int] = Some(p.outRegions(lanes))
  override def check(p: Pass, lanes: Int): Unit =
    require(p.inRegions(lanes) % p.outRegions(lanes) == 0,
      s"${p.label}: its input's ${p.inRegions(lanes)} regions are not a multiple of its ${p.outRegions(lanes)} slices")

  /** Per group (`n` a region's pixels): WAIT_W 1, PARAM_A 1, PARAM_B 1, CONV n*convCycles (its taps, fewer with
    * pairs: [[NetworkHwConfig.convCycles]]), DRAIN, [batch stats:
    * REDUCE_SUM log2(slices), [divide], LATCH_MEAN 1, VAR n, DRAIN, REDUCE_VAR log2(slices), [divide],
    * normShare x (NORM_START 1,
    * NORM_WAIT), SCALE 1, DRAIN], APPLY n, DRAIN, [UPDATE n, DRAIN], NEXT_GROUP 1; [divide] is the phase's
    * first cycle and a DRAIN of `divideWait` where `N` is not a power of two. */
  def schedule(p: Pass, cfg: NetworkHwConfig): Seq[Span] = {
    val n = p.regionPixels(cfg.lanes).toLong
    val drain = Span(NetworkPhases.DRAIN, cfg.drain)
    val reduce = log2Up(p.outRegions(cfg.lanes))
    // mean_N over pixels that are not a power of two: the first visit of LATCH_MEAN and of NORM_START starts
    // the lanes' dividers and waits for them (MeanDivider)
    def divide(k: PhaseKey) =
      if (p.kind.divides(p)) Seq(Span(k, 1), Span(NetworkPhases.DRAIN, cfg.divideWait)) else Seq()
    // a norm unit's lanes one after the other (NetworkHwConfig.normWaitAfter)
    val norms = (0 until cfg.normShare).flatMap(j => Seq(Span(NORM_START, 1),
      Span(NetworkPhases.NORM_WAIT, cfg.normWaitAfter(last = j == cfg.normShare - 1))))
    val stats = if (!cfg.batchStats) Seq() else
      Seq(Span(REDUCE_SUM, reduce)) ++ divide(LATCH_MEAN) ++ Seq(Span(LATCH_MEAN, 1), Span(VAR, n), drain,
        Span(REDUCE_VAR, reduce)) ++ divide(NORM_START) ++
        norms ++
        Seq(Span(SCALE, 1), drain)
    val update = if (p.update.isDefined) Seq(Span(UPDATE, n), drain) else Seq()
    val group = Seq(Span(WAIT_W, 1), Span(PARAM_A, 1), Span(PARAM_B, 1), Span(CONV, n * cfg.convCycles(p)),
      drain) ++ stats ++
      Seq(Span(APPLY, n), drain) ++ update :+ Span(NEXT_GROUP, 1)
    Seq.fill(p.groups(cfg.lanes))(group).flatten
  }

  def sequencer(s: NetworkSequencer): KindSequencer = new KindSequencer {
    import s._
    import s.top._
    import HwUtil._

    // conv addressing (ConvTaps): this tap's, registered from the counters' next values
    private val taps = new ConvTaps(top)
    private val tap = new taps.Tap(iyBase.getAheadValue() + ky.getAheadValue().resize(9).asSInt,
      ixBase.getAheadValue() + kx.getAheadValue().resize(9).asSInt)
    private val tapOffset = tap.offset
    val convReadAddr = (fiBase + tapOffset).resize(bufBits)
    val isTimeTap = cur.time && ci === 0
    val sliceRegion = tap.regions
    val slicePad = tap.pads
    private def bankOf(lane: UInt, r: SInt): UInt = lane | (r.asUInt.resize(laneBits) |<< cur.log2InLanes)
    val sliceBank = sliceRegion.map(r => bankOf(fiLane, r))
    // three multiply-adds a lane: the products in triples (ConvTriples)
    private val triple = cfg.triples generate new ConvTriples(top, wBase, taps)
    private val firstTap = Mux(Conv1x1Kind.oneTap(top), U(1, 2 bits), U(0, 2 bits)) // one tap a channel: the centre
    // the norm's A and B words of the group (gl) in its load: registers, set at WAIT_W from the load's base (a ROM of
    // constants) and the pass's offsets, and stepped at NEXT_GROUP, so that PARAM_A's and PARAM_B's reads add nothing
    // to the weight banks' address (the base plus its offset plus gl there, and with pairs the bank's own add after
    // it, was x64's slowest path, 8.02 ns)
    val aAddr, bAddr = Reg(UInt(wBits bits)) init 0
    // two multiply-adds a lane (NetworkHwConfig.paired): `wRd` is the weight of the pair's first channel, `wRd9`
    // its second's, 9 words on, registers stepped each cycle (and over the second channel's 9 words after each
    // pair), so that each bank's address is a choice of the two, not a sum (it was x64's slowest path)
    // (three, NetworkHwConfig.triples: ConvTriples has the third's)
    private val pairs = cfg.multiMac
    val wRd, wRd9 = pairs generate (Reg(UInt(wBits bits)) init 0)
    private def restartPairs(): Unit = if (pairs) {
      wRd := wBase
      wRd9 := (wBase + 9).resized
      if (cfg.triples) triple.restart(firstTap)
    }
    // the pair's second channel exists (the first is ci - time): it is not the time channel's, nor past cin
    private val secondExists = !isTimeTap && Mux(cur.time, ci.resize(9), ci.resize(9) + 1) < cur.cin.resize(9)

    /** mean_N over pixels that are not a power of two: the lanes' dividers start on the channel sum or the
      * variance sum, DRAIN waits for them, and `back` comes again with `divided` set. */
    private def divideThen(back: PhaseKey, variance: Boolean): Unit = {
      divStart := True
      divOfVariance := Bool(variance)
      divided := True
      waits.waitThen(cfg.divideWait, Phase(back))
    }

    /** One step of the all-reduce (the flags reduceSum and reduceVar say which sum); `next` after the last. */
    private def reduceThen(next: PhaseKey): Unit = {
      reduceStep := reduceStep + 1
      when(reduceStep === cur.log2Slices - 1) {
        reduceStep := 0
        go(next)
      }
    }

    def phases(): Unit = {
      on(WAIT_W) {
        wBase := loadBase(loadR)
        aAddr := (loadBase(loadR) + cur.normAOffset).resized
        bAddr := (loadBase(loadR) + cur.normBOffset).resized
        when(loaded > loadR) {
          go(PARAM_A)
        }
      }
      on(PARAM_A) {
        cmd.op := LaneOp.PARAM_A
        cmd.wAddr := aAddr
        go(PARAM_B)
      }
      on(PARAM_B) {
        cmd.op := LaneOp.PARAM_B
        cmd.wAddr := bAddr
        clear(p, ox, ci, inner, fiLane, fiBase)
        restartPairs()
        oxLast := cur.outCols === 1
        iyBase := -1
        ixBase := -1
        ky := firstTap
        kx := firstTap
        innerLast := cur.convCycles === 1
        go(CONV)
      }
      on(CONV) {
        cmd.op := LaneOp.CONV
        cmd.rdAddr := convReadAddr
        if (pairs) {
          cmd.wAddr := wRd
          cmd.wAddr9 := wRd9
          if (cfg.pairs) cmd.pair1 := cur.paired && secondExists
        } else cmd.wAddr := (wBase + inner.resize(wBits)).resized
        for (sl <- 0 until cfg.slices) cmd.pads(sl) := slicePad(sl)
        if (!cfg.triples) {
          for (sl <- 0 until cfg.slices) cmd.banks(sl) := sliceBank(sl)
          cmd.isTime := isTimeTap
        } else when(cur.paired) {
          triple.issue(bankOf, tap.delta, tapOffset)
        } otherwise {
          triple.issueOne(bankOf, sliceRegion, isTimeTap, wRd)
        }
        val lastTap = innerLast
        cmd.first := inner === 0
        cmd.last := lastTap
        cmd.firstPixel := p === 0
        cmd.wrAddr := gp.resized
        inner := inner + 1
        innerLast := inner === cur.convCycles - 2
        if (pairs) {
          wRd := wRd + 1
          wRd9 := wRd9 + 1
        }
        def nextChannel(): Unit = {
          ci := ci + 1
          when(!isTimeTap) {
            fiLane := wrapLane(fiLane, cur.inLaneMask)
            when(fiLane === cur.inLaneMask) {
              fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
            }
          }
          if (cfg.pairs) when(cur.paired && !isTimeTap) {
            // a pair: two channels, the next pair's lane two on (the lanes of a map are a power of two, so the
            // pair's lanes are the block's last two where it wraps), its weights past the second's
            val lastPair = (fiLane | 1) === (cur.inLaneMask | 1)
            ci := ci + 2
            wRd := wRd + 10
            wRd9 := wRd9 + 10
            fiLane := Mux(lastPair, U(0, laneBits bits), fiLane + 2)
            when(lastPair) {
              fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
            }
          }
        }
        def nextProduct(): Unit = when(Conv1x1Kind.oneTap(top)) {
          nextChannel()
        } otherwise {
          nextTap(ky, kx)(nextChannel())
        }
        // triples: a triple a cycle, the tap stepped where the walk runs into the next tap's list
        if (cfg.triples) when(cur.paired) {
          when(triple.step()) {
            nextTap(ky, kx)(())
          }
        } otherwise {
          nextProduct()
        } else nextProduct()
        when(lastTap) {
          clear(inner, ci, fiLane, fiBase)
          restartPairs()
          innerLast := cur.convCycles === 1
          ky := firstTap
          kx := firstTap
          ox := ox + 1
          oxLast := ox === cur.outCols - 2
          ixBase := ixBase + cur.stride.resize(9).asSInt
          when(oxLast) {
            ox := 0
            oxLast := cur.outCols === 1
            ixBase := -1
            iyBase := iyBase + cur.stride.resize(9).asSInt
          }
          countOn(p, p === cur.lastRegionPixel) {
            wBase := wBase + cur.taps.resize(wBits)
            when(gl === cur.lastGroupOfLoad) {
              // the load's last read is this cycle's: the loader may overwrite its words from the next cycle on,
              // where the plan says so (a kept load's words wait for a later pass's reads: WeightRing)
              reads := reads + 1
              loadR := loadR + 1
            }
            when(isFc) {
              drainTo(NEXT_GROUP)
            }.elsewhen(Bool(cfg.batchStats)) {
              drainTo(LATCH_MEAN)
              when(cur.log2Slices =/= 0) {
                afterDrain(REDUCE_SUM)
              }
            } otherwise {
              drainTo(APPLY)
            }
          }
        }
      }
      on(REDUCE_SUM) {
        reduceThen(LATCH_MEAN)
      }
      on(REDUCE_VAR) {
        reduceThen(NORM_START)
      }
      on(LATCH_MEAN) {
        if (cfg.divides) {
          when(cur.divide && !divided) {
            divideThen(LATCH_MEAN, variance = false)
          } otherwise {
            divided := False
            waits.latchMeanThen(p, Phase(VAR))
          }
        } else waits.latchMeanThen(p, Phase(VAR))
      }
      on(VAR) {
        cmd.op := LaneOp.VAR
        cmd.rdAddr := gp.resized
        cmd.first := p === 0
        countOn(p, p === cur.lastRegionPixel) {
          drainTo(NORM_START)
          when(cur.log2Slices =/= 0) {
            afterDrain(REDUCE_VAR)
          }
        }
      }
      on(NORM_START) {
        if (cfg.divides) {
          // the lanes divide their variances at once; the norm units then take them in turn
          when(cur.divide && !divided) {
            divideThen(NORM_START, variance = true)
          } otherwise {
            waits.startNorm()
          }
        } else waits.startNorm()
      }
      is(Phase.NORM_WAIT) {
        // one norm unit serves `normShare` lanes, one after the other, each start NetworkHwConfig.normWaitAfter the
        // last; pipelined, the lanes take their results themselves (NetworkLanes.normUnits)
        val done = waits.normStep()
        val leave = if (!cfg.pipelinedNorm) done
          else Mux(normSel === cfg.normShare - 1, done, waits.count === cfg.normWaitAfter(last = false) - 1)
        when(leave) {
          if (!cfg.pipelinedNorm) invLatch := True
          normSel := normSel + 1
          go(NORM_START)
          when(normSel === cfg.normShare - 1) {
            normSel := 0
            go(SCALE)
          }
        }
      }
      on(SCALE) {
        if (cfg.divides) divided := False
        cmd.op := LaneOp.SCALE
        drainTo(APPLY)
      }
      // APPLY and UPDATE: one pass over the group's pixels each, reading and writing in place
      for ((key, op) <- Seq(APPLY -> LaneOp.APPLY, UPDATE -> LaneOp.UPDATE)) on(key) {
        cmd.op := op
        cmd.rdAddr := gp.resized
        cmd.wrAddr := gp.resized
        countOn(p, p === cur.lastRegionPixel) {
          if (key == APPLY) {
            when(cur.update) {
              drainTo(UPDATE)
            } otherwise {
              drainTo(NEXT_GROUP)
            }
          } else drainTo(NEXT_GROUP)
        }
      }
      on(NEXT_GROUP) {
        g := g + 1
        gl := gl + 1
        gBase := gBase + cur.regionPixels.resize(bufBits)
        gChan := gChan + (cur.groupLaneMask.resize(9) + 1)
        when(g === cur.lastGroup) {
          nextPass()
        }.elsewhen(gl === cur.lastGroupOfLoad) {
          gl := 0
          go(WAIT_W)
        } otherwise {
          aAddr := aAddr + cfg.paramStride
          bAddr := bAddr + cfg.paramStride
          go(PARAM_A)
        }
      }
    }
  }

  /** CONV writes a pixel's sum on its last tap, APPLY the norm's word (the residual add and ReLU follow at
    * stage 6), UPDATE the step's `sat(z + mulq(c, k))` into z, or, a stage before the last, the next stage
    * input over its k. A lane writes only the channels of the group it has (`active`). */
  override def writeBack(ln: NetworkLanes)(lane: ln.Lane): Unit = {
    import ln._
    import lane._
    is(LaneOp.CONV) {
      when(s5.last) {
        wr.valid := active
      }
    }
    is(LaneOp.APPLY) {
      wr.valid := active
      wr.payload.data := normed
    }
    is(LaneOp.UPDATE) {
      wr.valid := active
      wr.payload.data := normed
      wrBuf := top.cur.r
      if (top.cfg.multiStage) {
        when(writesStageInput) {
          wrBuf := top.cur.x
        }
      }
    }
  }
}
