package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The network engine's sequencer (NetworkEngine): after the image is in, FETCH reads each pass of the layer
  * program from the ROM and sends it to its layer kind's first phase; each kind ([[LayerKind]]) runs its own
  * phases, one command a cycle to all lanes, and ends with `nextPass()`. DRAIN and NORM_WAIT are the top's
  * shared waits (PhaseWait). Its state is the top's. */
class NetworkSequencer(val top: NetworkEngine) extends Area {
  import top._
  import HwUtil._

  /** A clause of the phase switch for the kind's phase `k`. */
  def on(k: PhaseKey)(body: => Unit): Unit = is(Phase(k))(body)
  def go(k: PhaseKey): Unit = phase := Phase(k)
  /** Empties the pipeline, then `k`. */
  def drainTo(k: PhaseKey): Unit = waits.drainTo(Phase(k))
  /** After this drain, `k` instead. */
  def afterDrain(k: PhaseKey): Unit = waits.afterDrain := Phase(k)
  /** The pass is done: FETCH the next. */
  def nextPass(): Unit = {
    phase := Phase.FETCH
  }
  /** The pass is done once its last writes land: DRAIN, then FETCH the next. */
  def drainToNextPass(): Unit = {
    waits.drainTo(Phase.FETCH)
  }

  val kinds = LayerKinds.all.map(k => k -> k.sequencer(this).setName(k.name)).toMap

  // the pass FETCH loads: a register of the ROM's row at pc, which FETCH steps to the pass after it, so that pc
  // is stable from the cycle after a FETCH (a pass issues at least one command) and from START (INPUT takes at
  // least a cycle) to the next. Stepped where a pass ended, pc's next value came from the phases' last-cycle
  // compares, and the ROM after them (Yosys moves pc's register into its read port) was x64's slowest path
  // (7.5 ns). pc reaches `passes`: 2^k rows
  val row = RegNext(if (log2Up(rom.size) < pc.getWidth) rom(pc.resize(log2Up(rom.size))) else rom(pc))
  switch(phase) {
    is(Phase.FETCH) {
      pc := pc + 1
      cur := row
      // the load its first group reads (WeightRing): an earlier pass's where the weights were kept
      loadR := row.firstLoad
      isFc := row.kind === LayerKinds.code(FcKind)
      clear(g, gl, gBase, gChan, p, c, ox)
      oxLast := row.outCols === 1
      cs := -row.chanOffset.resize(10).asSInt
      clear(copyQ, fiLane, fiBase, dstLane, dstBase, outIssued)
      switch(row.kind) {
        for (k <- LayerKinds.of(cfg) if k != OutputKind) is(LayerKinds.code(k)) {
          go(k.entry)
          kinds(k).fetched(row)
        }
        default { go(OutputKind.entry) }
      }
    }
    is(Phase.DRAIN) {
      waits.draining()
    }
    for (k <- LayerKinds.all) kinds(k).phases()
  }
}
