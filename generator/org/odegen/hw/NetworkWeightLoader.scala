package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The network engine's weight loader (NetworkEngine): it walks the layer program ahead of the compute and writes
  * each load from DDR through the parameter reader where the weight ring puts it ([[WeightRing]]), once the compute
  * has read the words it overwrites; a group's rows to every lane of the group (every slice's lane of a channel),
  * weights two words a cycle where the weights are two banks. */
class NetworkWeightLoader(top: NetworkEngine) extends Area {
  import top._
  import HwUtil._

  object State extends SpinalEnum(binarySequential) {
    val IDLE, SCAN, WAIT_ROOM, ISSUE, RECEIVE, FINISH, DONE = newElement()
  }
  val state = RegInit(State.IDLE)
  val pc = Reg(UInt(pcBits bits)) init 0
  val pass = Reg(PassDesc(cfg))
  val load = Reg(UInt(8 bits)) init 0
  val base = Reg(UInt(wBits bits)) init 0 // the load's first word (`loaded` is its index)
  val part = Reg(UInt(2 bits)) init 0 // 0 weights, 1 norm A, 2 norm B (or the bias)
  val wPtr, aPtr, bPtr = Reg(UInt(24 bits)) init 0
  val lane = Reg(UInt(laneBits bits)) init 0
  val rowBase = Reg(UInt(wBits bits)) init 0
  val tap = Reg(UInt(12 bits)) init 0
  val param = Reg(UInt(wBits bits)) init 0
  // the pass's last load: a flag set with `load` (compared where it was read, it came before the job's count and the
  // next part: 5.93 ns at x64 x3, the slowest path but one at 166.7 MHz)
  val lastLoad = RegInit(False)
  val rows = Mux(lastLoad, pass.lastLoadRows, pass.rowsPerLoad)

  reader.io.job.valid := state === State.ISSUE
  reader.io.job.payload.at := wPtr
  reader.io.job.payload.count := Mux(lastLoad, pass.lastLoadWords, pass.wordsPerLoad)
  switch(part) {
    is(1) {
      reader.io.job.payload.at := aPtr
      // a kind without norm A (the classifier) leaves its load's A words unused
      val noNormA = LayerKinds.isOneOf(pass.kind, LayerKinds.of(cfg).filter(k => k.hasWeights && !k.loadsNormA))
      reader.io.job.payload.count := Mux(noNormA, U(0, 8 bits), rows).resized
    }
    is(2) {
      reader.io.job.payload.at := bPtr
      reader.io.job.payload.count := rows.resized
    }
  }
  reader.io.words.ready := state === State.RECEIVE
  // tap is the row's last, its second last: flags beside it, off the path from the reader's offer
  val tapLast, tapSecondLast = RegInit(False)
  // two taps of one row a cycle where the weights are two banks (even and odd addresses): the load of a
  // group then takes half its compute even at 64 lanes and 8 x 8 maps (rows = pixels)
  reader.io.takeSecond := Bool(cfg.weightBanks >= 2) && part === 0 && !tapLast
  val tapThirdLast = tap === pass.taps - 3
  val tapFourthLast = tap === pass.taps - 4
  val took2 = reader.io.words.fire && reader.io.takeSecond && reader.io.words.payload.hasSecond
  val taken = Mux(took2, U(2, 12 bits), U(1, 12 bits))
  def setTap(v: UInt): Unit = {
    tap := v
    tapLast := v === pass.taps - 1
    tapSecondLast := v === pass.taps - 2
  }
  val writeAddr = UInt(wBits bits)
  writeAddr := (base + rowBase + tap.resize(wBits)).resized
  switch(part) {
    // A and B words `paramStride` apart (with triples all in weight bank 0)
    is(1) { writeAddr := (base + pass.normAOffset + (param |<< log2Up(cfg.paramStride))).resized }
    is(2) { writeAddr := (base + pass.normBOffset + (param |<< log2Up(cfg.paramStride))).resized }
  }
  val writeLane = lane // the group's row: every slice's lane of that channel takes it
  val write = reader.io.words.fire
  // the weight write, registered (a cycle before the load can be read: `loaded` is a register too), since
  // its address arithmetic fans out to every lane: bank 0 the even addresses, bank 1 the odd (one bank:
  // bank 0 all); the first word at its address, the second (a pair) at the next, one in each bank
  // (four banks, with triples: bank j the addresses j mod 4, at address / 4; the two words in banks a mod 4 and
  // a + 1 mod 4, the second at (a + 1) / 4, which is a / 4 + 1 only in bank 0 where a mod 4 is 3)
  val wr = new Area {
    private val a0 = writeAddr
    private val odd = if (cfg.weightBanks == 2) a0(0) else False
    private val d0 = reader.io.words.payload.first.asSInt.resize(W)
    private val d1 = reader.io.words.payload.second.asSInt.resize(W)
    private val bankBits = addrWidth(cfg.weightDepth / cfg.weightBanks)
    val lane = RegNext(writeLane)
    val mask = RegNext(pass.groupLaneMask)
    val (en, addr, data) = if (cfg.weightBanks <= 2) (
      Vec(RegNext(write && (!odd || took2)) init False, RegNext(write && (odd || took2)) init False),
      Vec(RegNext((if (cfg.weightBanks == 2) (a0 + 1) |>> 1 else a0).resize(bankBits)),
        RegNext((a0 |>> 1).resize(bankBits))),
      Vec(RegNext(Mux(odd, d1, d0)), RegNext(Mux(odd, d0, d1))))
    else {
      val nb = cfg.weightBanks
      val first = a0(log2Up(nb) - 1 downto 0)
      (Vec((0 until nb).map(j => RegNext(write && (first === j || (took2 && first + 1 === j))) init False)),
        Vec((0 until nb).map(j => RegNext(((a0 + (nb - 1 - j)) |>> log2Up(nb)).resize(bankBits)))),
        Vec((0 until nb).map(j => RegNext(Mux(first === j, d0, d1)))))
    }
  }
  def nextLane(): Unit = {
    lane := Mux(lane === L - 1, U(0, laneBits bits), lane + 1)
  }

  // the ROM's row at pc, a register a cycle behind pc (SCAN waits while `stale`): read straight from pc, pc's
  // next value (the reader's jobDone, START's reset) came before the ROM, since Yosys moves pc's register into
  // its read port (x64's slowest path but one, 7.35 ns). pc reaches `passes`: 2^k rows
  val row = RegNext(if (log2Up(rom.size) < pc.getWidth) rom(pc.resize(log2Up(rom.size))) else rom(pc))
  val stale = RegInit(False)
  stale := False
  // the ring's base and wait of load `loaded`, registered: read straight from `loaded`, whose next value (the
  // reader's jobDone) came before the ROM, they were x64 x3's slowest path (7.12 ns); WAIT_ROOM right after a
  // load's end waits a cycle for them (`ringStale`), SCAN's first cycle is one already
  val ringBase = RegNext(loadBase(loaded))
  val ringWait = RegNext(loadWait(loaded))
  val ringStale = RegInit(False)
  ringStale := False
  switch(state) {
    is(State.SCAN) {
      when(stale) {
        // the row is pc's from the next cycle on
      }.elsewhen(pc === passes) {
        state := State.DONE
      }.elsewhen(LayerKinds.isOneOf(row.kind, LayerKinds.of(cfg).filter(_.hasWeights)) &&
        (if (cfg.keepsWeights) !row.reuse else True)) {
        // a pass whose weights were kept (WeightRing) loads nothing: the scan goes on past it
        pass := row
        load := 0
        lastLoad := row.loads === 1
        wPtr := row.weightsAt
        aPtr := row.normAAt
        bPtr := row.normBAt
        state := State.WAIT_ROOM
      } otherwise {
        pc := pc + 1
        stale := True
      }
    }
    is(State.WAIT_ROOM) {
      // the compute has read every word this load overwrites
      base := ringBase
      when(ringStale) {
        // the ring's words are `loaded`'s from the next cycle on
      }.elsewhen(reads >= ringWait) {
        part := 0
        state := State.ISSUE
      }
    }
    is(State.ISSUE) {
      lane := 0
      rowBase := 0
      setTap(U(0, 12 bits))
      param := 0
      when(reader.io.job.ready) {
        state := State.RECEIVE
        when(reader.io.job.payload.count === 0) {
          part := part + 1
          state := State.ISSUE
        }
      }
    }
    is(State.RECEIVE) {
      when(reader.io.words.fire) {
        when(part === 0) {
          // the flags of tap + taken, selected from flags of tap itself: the reader's offer decides only which
          // (computed from tap + taken, the offer, the add and the compare were x16's slowest path, 8.73 ns)
          tap := tap + taken
          tapLast := Mux(took2, tapThirdLast, tapSecondLast)
          tapSecondLast := Mux(took2, tapFourthLast, tapThirdLast)
          when(Mux(took2, tapSecondLast, tapLast)) {
            setTap(U(0, 12 bits))
            nextLane()
            when(lane === L - 1) {
              rowBase := rowBase + pass.taps.resize(wBits)
            }
          }
        } otherwise {
          nextLane()
          when(lane === L - 1) {
            param := param + 1
          }
        }
        when(reader.io.jobDone) {
          state := State.FINISH
        }
      }
    }
    is(State.FINISH) {
      // the job's last word came a cycle before: what follows is decided here, off the reader's jobDone (after
      // it, the next state's choice was x64 x3's slowest path, 7.05 ns); a cycle a job, while loads run ahead
      when(part =/= 2) {
        part := part + 1
        state := State.ISSUE
      } otherwise {
        loaded := loaded + 1
        ringStale := True
        load := load + 1
        lastLoad := load + 2 === pass.loads
        wPtr := wPtr + pass.wordsPerLoad
        aPtr := aPtr + pass.rowsPerLoad.resize(24)
        bPtr := bPtr + pass.rowsPerLoad.resize(24)
        state := State.WAIT_ROOM
        when(lastLoad) {
          pc := pc + 1
          stale := True
          state := State.SCAN
        }
      }
    }
  }
}
