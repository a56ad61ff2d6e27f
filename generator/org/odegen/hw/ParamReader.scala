package org.odegen.hw

import spinal.core._
import spinal.lib._

/** A run of consecutive 32-bit words of the parameter blob: `count` words from word `at`. */
case class ReadJob() extends Bundle {
  val at = UInt(24 bits)
  val count = UInt(24 bits)
}

/** NETWORK.md's AXI4 read master, as plain ports (the contract's names, no AXI ids). */
case class AxiReadPorts() extends Bundle with IMasterSlave {
  val araddr = UInt(32 bits)
  val arlen = UInt(8 bits)
  val arsize = UInt(3 bits)
  val arburst = Bits(2 bits)
  val arcache = Bits(4 bits)
  val arprot = Bits(3 bits)
  val arvalid = Bool()
  val arready = Bool()
  val rdata = Bits(64 bits)
  val rresp = Bits(2 bits)
  val rlast = Bool()
  val rvalid = Bool()
  val rready = Bool()

  override def asMaster(): Unit = {
    out(araddr, arlen, arsize, arburst, arcache, arprot, arvalid, rready)
    in(arready, rdata, rresp, rlast, rvalid)
  }
}

/** The reader's offer: the next word, and the one after it where both are in one beat. */
case class WordPair() extends Bundle {
  val first = Bits(32 bits)
  val second = Bits(32 bits)
  val hasSecond = Bool()
}

/** Reads runs of blob words from DDR over an AXI4 read master and hands them on in order, one word a
  * cycle, or both words of a beat where the taker asks for two (`takeSecond`). INCR bursts of 64-bit
  * beats (two words, the lower first: little-endian), at most 16 beats and never across a 4 KiB boundary (AXI4's rule); as many bursts in flight as the beat FIFO has room for,
  * so that a first-beat latency of tens of cycles costs it once a job, not once a burst. A job that
  * starts or ends in the middle of a beat drops the word it does not want. */
case class ParamReader(fifoBeats: Int = 64) extends Component {
  val io = new Bundle {
    val base = in UInt (32 bits) // WEIGHTS_ADDR: 64-byte aligned, so word parity is address parity
    val job = slave(Stream(ReadJob()))
    val words = master(Stream(WordPair()))
    val takeSecond = in Bool () // a fire takes `second` too, where there is one
    val jobDone = out Bool () // this fire takes the job's last word
    val axi = master(AxiReadPorts())
    val error = out Bool () // a response other than OKAY
    val abort = in Bool () // drop the job and every beat still to come (after a read error)
  }

  val busy = RegInit(False)
  val beatAddr = Reg(UInt(32 bits)) init 0
  val beatsToAsk = Reg(UInt(24 bits)) init 0
  // the words left of the job, as pairs and a last odd one: a take of one or two words decrements the pairs or
  // does not, so that the taker's choice (`takeSecond`, late in the cycle) enables a decrement of a register
  // rather than choosing the subtrahend of a 24-bit subtraction (the taker's part, its choice, the subtraction
  // were x64 x3's slowest path with the norm's adder, 5.86 ns)
  val pairsLeft = Reg(UInt(23 bits)) init 0
  val oddLeft = RegInit(False)
  val wordsLeft = pairsLeft @@ oddLeft.asUInt
  // wordsLeft is 1, is 2: kept beside it, so that the offer of a second word is not a 24-bit comparison
  val oneLeft, twoLeft = RegInit(False)
  val inFlight = Reg(UInt(log2Up(fifoBeats + 1) bits)) init 0 // beats asked for and not yet in the FIFO

  val fifo = StreamFifo(Bits(64 bits), fifoBeats)
  // a job is taken into registers first and started the cycle after, so that its address arithmetic
  // does not follow the requester's multiplexers in one cycle (that chain was the engine's slowest path)
  val pending = RegInit(False)
  val job = Reg(ReadJob())
  // after an abort, the beats of the bursts already asked for still arrive (AXI4: every beat of a burst is
  // sent) and are dropped; a new job waits for the last of them
  val discarding = RegInit(False)
  io.job.ready := !busy && !pending && !discarding
  when(io.job.fire) {
    pending := True
    job := io.job.payload
  }
  when(pending) {
    pending := False
    when(job.count =/= 0) {
      val first = job.at
      def beat(word: UInt): UInt = word(word.getWidth - 1 downto 1) // the 64-bit beat that holds a word
      busy := True
      beatAddr := io.base + (beat(first).resize(29) @@ U"000")
      // the beats that hold words at .. at + count - 1: (at mod 2 + count + 1) / 2, one add (the last word's beat
      // less the first's, two adds in a row, was x64 x3's slowest path with the norm's adder, 6.58 ns)
      val wordsToBeats = job.count.resize(25) + Mux(first(0), U(2, 2 bits), U(1, 2 bits)).resize(25)
      beatsToAsk := wordsToBeats(24 downto 1)
      pairsLeft := job.count(23 downto 1)
      oddLeft := job.count(0)
      oneLeft := job.count === 1
      twoLeft := job.count === 2
    }
  }

  // AR: the longest legal burst that fits the FIFO's free room
  // the next burst's length, registered: computed from the registers of the cycle before, so it is
  // stale for the cycle after a request (no request then: a burst's data takes 16 cycles anyway)
  val toBoundary = (U(512, 10 bits) - beatAddr(11 downto 3).resize(10)) // beats to the next 4 KiB boundary
  val want = Mux(beatsToAsk < 16, beatsToAsk.resize(5), U(16, 5 bits))
  val len = RegNext(Mux(toBoundary < want, toBoundary.resize(5), want)) init 0
  val lenFresh = RegInit(False)
  // the FIFO's free room less the beats in flight, registered: the FIFO's occupancy, this subtraction, the
  // comparison with `len` and the in-flight update after it were x16's second slowest path in one cycle (8.6 ns).
  // A cycle stale, it is never more than the room of now: since then beats have only left the FIFO, or arrived
  // for bursts already counted in flight, and a request (the one thing that takes room) leaves `lenFresh` off
  // for the cycle after it, so the next request sees a room that counts it.
  val room = RegNext(U(fifoBeats, log2Up(fifoBeats + 1) + 1 bits) - fifo.io.occupancy.resize(log2Up(fifoBeats + 1) + 1) -
    inFlight.resize(log2Up(fifoBeats + 1) + 1)) init 0
  // AXI4: a request, once offered, stays until its handshake, even when the job was aborted meanwhile
  val arHold = RegInit(False)
  io.axi.arvalid := (busy && lenFresh && len =/= 0 && room >= len.resize(room.getWidth)) || arHold
  arHold := io.axi.arvalid && !io.axi.arready
  io.axi.araddr := beatAddr
  io.axi.arlen := (len - 1).resize(8)
  io.axi.arsize := 3
  io.axi.arburst := B"01"
  io.axi.arcache := B"0011"
  io.axi.arprot := B"000"
  val arFire = io.axi.arvalid && io.axi.arready
  lenFresh := !arFire && !pending
  when(arFire) {
    beatAddr := beatAddr + (len.resize(32) |<< 3)
    beatsToAsk := beatsToAsk - len.resize(24)
  }

  // R: every beat asked for has room in the FIFO
  io.axi.rready := True
  fifo.io.push.valid := io.axi.rvalid && !discarding && !io.abort
  fifo.io.push.payload := io.axi.rdata
  io.error := io.axi.rvalid && io.axi.rresp =/= 0 && !discarding
  inFlight := inFlight + Mux(arFire, len.resize(inFlight.getWidth), U(0, inFlight.getWidth bits)) -
    Mux(io.axi.rvalid, U(1, inFlight.getWidth bits), U(0, inFlight.getWidth bits))

  // beats to words
  val high = RegInit(False) // the next word is the beat's upper one (a job at an odd word starts there)
  when(io.job.fire) {
    high := io.job.payload.at(0)
  }
  io.words.valid := busy && fifo.io.pop.valid
  io.words.payload.first := Mux(high, fifo.io.pop.payload(63 downto 32), fifo.io.pop.payload(31 downto 0))
  io.words.payload.second := fifo.io.pop.payload(63 downto 32)
  io.words.payload.hasSecond := !high && !oneLeft
  val two = io.takeSecond && io.words.payload.hasSecond
  val threeLeft = wordsLeft === 3
  val fourLeft = wordsLeft === 4
  val lastWord = oneLeft || (two && twoLeft)
  io.jobDone := io.words.fire && lastWord
  fifo.io.pop.ready := busy && (high || lastWord || two) && io.words.ready && io.words.valid
  when(io.words.fire) {
    high := !high && !two
    // less two: a pair; less one: the odd word, or a pair's first (the second then odd)
    when(two || !oddLeft) {
      pairsLeft := pairsLeft - 1
    }
    when(!two) {
      oddLeft := !oddLeft
    }
    // the flags of the words left after this take, chosen by `two` among flags of wordsLeft itself (compared
    // after the subtraction, the taker's choice, the 24-bit subtraction and the compare were one 7.5 ns path)
    oneLeft := Mux(two, threeLeft, twoLeft)
    twoLeft := Mux(two, fourLeft, threeLeft)
    when(lastWord) {
      busy := False
    }
  }

  fifo.io.flush := io.abort
  when(io.abort) {
    busy := False
    pending := False
    discarding := True
  }
  when(discarding && !io.abort && !io.axi.arvalid && inFlight === 0) {
    discarding := False
  }
}
