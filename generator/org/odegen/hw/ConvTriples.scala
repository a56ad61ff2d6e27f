package org.odegen.hw

import spinal.core._

/** Three multiply-adds a lane ([[NetworkHwConfig.triples]]): the conv sequencer's walk over a pixel's products in
  * triples. Tap by tap, the pixel's members (the time channel, then the input channels; with padding, members
  * past them that carry nothing: [[NetworkHwConfig.tripleList]]) are taken three a cycle, and a triple runs on
  * into the next block of channels (their lanes 0 and 1 read `rdAddrAlt`, the block's next address) or, where
  * the list allows it, into the next tap's first members (read at the next tap's address, with its padding). So a
  * pixel takes a third of its products' cycles, where triples of each block and tap took up to a third more
  * (16 channels: 6 triples a tap for 16 channels).
  *
  * The walk's state is the triple being issued: the members left in this tap's list (`left`, and `leftReal`
  * those that are channels), the first member's lane, whether it is the time channel, and the weight addresses
  * of its members (each 9 words after the last, or, in the next tap, `9 x list - 1` back). What the command needs
  * of it (each bus's lane, whether it carries a channel, the time channel, the next tap; the weight addresses in
  * the order of their banks) is registered from the state's next value, so that the cycle that issues a triple
  * only picks a slice's region and pads. */
class ConvTriples(top: NetworkEngine, wBase: UInt) extends Area {
  import top._

  private val listLen = cur.tripleList.resize(10)
  private val time = cur.time
  // the state of the triple issued this cycle (set by restart and step)
  val left = Reg(UInt(10 bits)) init 0 // members of this tap's list from the first member on
  val leftReal = Reg(SInt(11 bits)) init 0 // the same, counting channels only (the list's padding is past them)
  val firstLane = Reg(UInt(laneBits bits)) init 0 // the first member's lane, where it is a channel
  val firstIsTime = Reg(Bool()) init False
  // the members' weight addresses in the walk's order: a, a + 9, a + 18 in this tap, and the second and the third
  // in the next (9 x list - 1 back: `cur.tripleBack`)
  private val a, a9, a18, a9w, a18w = Reg(UInt(wBits bits)) init 0
  private val fiBaseNext = Reg(UInt(bufBits bits)) init 0 // the next block's address (fiBase + its pixels)

  /** The triple's members, as the state (`s` its values, this cycle's or the next's) gives them. */
  private case class Members(left: UInt, leftReal: SInt, firstLane: UInt, firstIsTime: Bool) {
    val wraps = Seq(False, left === 1, left <= 2) // in the next tap's list
    val on = (0 until 3).map(k => if (k == 0) True else Mux(wraps(k), True, leftReal > k))
    // a member of the next tap is its list's member k - left: the time channel (0, with time), else a channel of
    // lane k - left - time
    val isTime = (0 until 3).map(k => if (k == 0) firstIsTime else wraps(k) && time && left === k)
    private val mask = cur.inLaneMask
    val lanes = (0 until 3).map { k =>
      if (k == 0) firstLane else {
        val inTap = Mux(firstIsTime, U(k - 1, laneBits bits), (firstLane + k).resize(laneBits) & mask)
        val nextTap = (U(k, laneBits + 2 bits) - left.resize(laneBits + 2) - U(time).resize(laneBits + 2)).resize(laneBits)
        Mux(wraps(k), nextTap, inTap)
      }
    }
    // read at the second address: a member of the next tap, or one past the block's last lane
    val alt = (0 until 3).map { k =>
      if (k == 0) False
      else wraps(k) || (!firstIsTime && (firstLane.resize(laneBits + 2) + k > mask.resize(laneBits + 2)))
    }
    /** The bank order's first member: 0, or where a triple crosses a tap of a list of 0 mod 4 members, the member
      * after the bank no member takes (the one of the next tap's second, 1, or the next tap's first, 2). */
    val rotation = Mux(cur.tripleRotate && left < 3, left.resize(2), U(0, 2 bits))
  }

  private def rotate[T <: Data](r: UInt, of: Seq[T], i: Int): T = {
    val v = cloneOf(of.head)
    v := of(i)
    when(r === 1) { v := of((i + 1) % 3) }
    when(r === 2) { v := of((i + 2) % 3) }
    v
  }

  // the next state's members, registered
  private val ahead = Members(left.getAheadValue(), leftReal.getAheadValue(), firstLane.getAheadValue(),
    firstIsTime.getAheadValue())
  private val addrAhead = {
    val w = ahead.wraps
    Seq(a.getAheadValue(), Mux(w(1), a9w.getAheadValue(), a9.getAheadValue()),
      Mux(w(2), a18w.getAheadValue(), a18.getAheadValue()))
  }
  /** The weight addresses in bank order: the first's bank is `s`, the second's s + 1, the third's s + 2 (mod 4). */
  val bankAddr = (0 until 3).map(i => RegNext(rotate(ahead.rotation, addrAhead, i)) init 0)
  private val rotationNow = RegNext(ahead.rotation) init 0
  // the bus each member goes to, by the first bank-order member's bank (s): that member's bank is s, the next's
  // s + 1, the third's s + 2, and bus 0's multiplier reads bank 0 or 3, bus 1's bank 1 or 2, bus 2's bank 2 or 0
  // (NetworkLanes): for s = 0, 1, 2, 3 bus 0 takes bank-order member 0, 2, 1, 0; bus 1 1, 0, 0, 2; bus 2 2, 1, 2, 1
  private val table = Seq(Seq(0, 2, 1, 0), Seq(1, 0, 0, 2), Seq(2, 1, 2, 1))
  private val sAhead = rotate(ahead.rotation, addrAhead, 0)(1 downto 0)
  private def forBus[T <: Data](bus: Int, of: Seq[T]): T = {
    val r = cloneOf(of.head)
    r := rotate(ahead.rotation, of, table(bus)(0))
    for (v <- 1 until 4) when(sAhead === v) { r := rotate(ahead.rotation, of, table(bus)(v)) }
    r
  }
  val busLane = (0 until 3).map(b => RegNext(forBus(b, ahead.lanes)) init 0)
  val busOn = (0 until 3).map(b => RegNext(forBus(b, ahead.on)) init False)
  val busTime = (0 until 3).map(b => RegNext(forBus(b, ahead.isTime)) init False)
  val busNextTap = (0 until 3).map(b => RegNext(forBus(b, ahead.wraps)) init False)
  /** Some member is read at the second address; a member of the next tap (else of the next block). */
  val altUsed = RegNext((0 until 3).map(k => ahead.on(k) && ahead.alt(k)).reduce(_ || _)) init False
  val altNextTap = RegNext(ahead.wraps(2)) init False

  private def wrapsNow: Bool = left <= 3

  /** A pixel's first triple is next (PARAM_B, and a pixel's last cycle): its weights at `wBase`. */
  def restart(): Unit = {
    left := listLen
    leftReal := (cur.cin.resize(11) + U(time).resize(11)).asSInt
    firstLane := 0
    firstIsTime := time
    a := wBase
    a9 := (wBase + 9).resized
    a18 := (wBase + 18).resized
    a9w := (wBase + 9 + cur.tripleBack).resized
    a18w := (wBase + 18 + cur.tripleBack).resized
    fiBaseNext := cur.inRegionPixels.resized
  }

  /** CONV's command: the weights in bank order, each bus's lane in each slice (`bankOf` the lane and the slice's
    * region, this tap's or the next's), whether it carries a channel, the time channel, the next tap's padding;
    * the second address (the next block's at this tap's `tapOffset`, or `nextTapAddr`). */
  def issue(bankOf: (UInt, SInt) => UInt, sliceRegion: Seq[SInt], nextRegion: Seq[SInt], nextPads: Seq[Bool],
      tapOffset: UInt, nextTapAddr: UInt): Unit = {
    cmd.wAddr := bankAddr(0)
    cmd.wAddr9 := bankAddr(1)
    cmd.wAddr18 := bankAddr(2)
    val banks = Seq(cmd.banks, cmd.banks1, cmd.banks2)
    for (sl <- 0 until cfg.slices; b <- 0 until 3)
      banks(b)(sl) := bankOf(busLane(b), Mux(busNextTap(b), nextRegion(sl), sliceRegion(sl)))
    for (sl <- 0 until cfg.slices) cmd.padsNext(sl) := nextPads(sl)
    cmd.off0 := !busOn(0)
    cmd.on1 := busOn(1)
    cmd.on2 := busOn(2)
    cmd.isTime := busTime(0)
    cmd.time1 := busTime(1)
    cmd.time2 := busTime(2)
    cmd.next0 := busNextTap(0)
    cmd.next1 := busNextTap(1)
    cmd.next2 := busNextTap(2)
    cmd.alt := altUsed
    cmd.rdAddrAlt := Mux(altNextTap, nextTapAddr, (fiBaseNext + tapOffset).resize(bufBits))
  }

  /** CONV's command of a pass of one multiply-add a lane (the classifier, the 1x1 conv): one channel (lane
    * `fiLane`, the time channel where `isTimeTap`), to the bus whose multiplier reads its weight's bank, `wRd`
    * mod 4 (bus 0 where it is 0 or 3, bus 1 where 1, bus 2 where 2, as bank-order member 0 goes). */
  def issueOne(bankOf: (UInt, SInt) => UInt, sliceRegion: Seq[SInt], isTimeTap: Bool, wRd: UInt): Unit = {
    val s = wRd(1 downto 0)
    val first = (0 until 3).map(b => (0 until 4).filter(v => table(b)(v) == 0).map(v => s === v).foldLeft(False)(_ || _))
    val banks = Seq(cmd.banks, cmd.banks1, cmd.banks2)
    for (sl <- 0 until cfg.slices; b <- 0 until 3) banks(b)(sl) := bankOf(fiLane, sliceRegion(sl))
    cmd.off0 := !first(0)
    cmd.on1 := first(1)
    cmd.on2 := first(2)
    cmd.isTime := isTimeTap && first(0)
    cmd.time1 := isTimeTap && first(1)
    cmd.time2 := isTimeTap && first(2)
  }

  /** Every CONV cycle of a paired pass: the next triple, three members on, into the next tap's list (`wrapsNow`,
    * where the caller steps the tap) or the next block. */
  def step(): Bool = {
    val wrap = wrapsNow
    val stepBy = Mux(wrap, cur.tripleWrapStep, U(27, wBits bits))
    for (r <- Seq(a, a9, a18, a9w, a18w)) r := r + stepBy
    left := Mux(wrap, left - 3 + listLen, left - 3)
    leftReal := Mux(wrap, leftReal - 3 + listLen.asSInt.resize(11), leftReal - 3)
    // the next first member: past the wrap, member 3 - left of the next tap's list; else three on
    val nextIdx = (U(3, 2 bits) - left.resize(2)).resize(2) // 0, 1, 2 where left is 3, 2, 1
    val laneNext = Mux(firstIsTime, U(2, laneBits + 2 bits), firstLane.resize(laneBits + 2) + 3)
    val crosses = laneNext > cur.inLaneMask.resize(laneBits + 2)
    when(wrap) {
      firstIsTime := time && nextIdx === 0
      firstLane := (nextIdx - U(time).resize(2)).resize(laneBits)
      fiBase := 0
      fiBaseNext := cur.inRegionPixels.resized
    } otherwise {
      firstIsTime := False
      firstLane := laneNext.resize(laneBits) & cur.inLaneMask
      when(crosses) {
        fiBase := fiBaseNext
        fiBaseNext := fiBaseNext + cur.inRegionPixels.resize(bufBits)
      }
    }
    wrap
  }
}
