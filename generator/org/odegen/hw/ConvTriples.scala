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
  * A triple's state ([[Walk]]) is the members left in this tap's list (`left`, and `leftReal` those that are
  * channels), the first member's lane, whether it is the time channel, the weight addresses of its members (each
  * 9 words after the last, or, in the next tap, `9 x list - 1` back) and its blocks' addresses. The registers hold
  * the state of the triple after the one issued, and what the command needs of the issued one (each bus's lane,
  * whether it carries a channel, the time channel, the next tap; the weight addresses in the order of their
  * banks) is registered from it as it steps, so that the cycle that issues a triple only picks a slice's region
  * and pads. (Registered from the issued triple's next state instead, the step's adds came before the members'
  * compares and the buses' muxes: 8.47 ns at x64, the engine's slowest path.) */
class ConvTriples(top: NetworkEngine, wBase: UInt, taps: ConvTaps) extends Area {
  import top._

  private val listLen = cur.tripleList.resize(10)
  private val time = cur.time

  /** A triple's state; `next` the state of the triple after it. */
  private case class Walk(left: UInt, leftReal: SInt, firstLane: UInt, firstIsTime: Bool, a: UInt, a9: UInt,
      a18: UInt, a9w: UInt, a18w: UInt, fiBase: UInt, fiBaseNext: UInt) {
    /** The triple reaches the tap's last member: the next triple is in the next tap's list. */
    def wraps: Bool = left <= 3
    def next: Walk = {
      val wrap = wraps
      val stepBy = Mux(wrap, cur.tripleWrapStep, U(27, wBits bits))
      def on(r: UInt) = (r + stepBy).resize(wBits)
      // the next first member: past the wrap, member 3 - left of the next tap's list; else three on
      val nextIdx = (U(3, 2 bits) - left.resize(2)).resize(2) // 0, 1, 2 where left is 3, 2, 1
      val laneNext = Mux(firstIsTime, U(2, laneBits + 2 bits), firstLane.resize(laneBits + 2) + 3)
      val crosses = !wrap && laneNext > cur.inLaneMask.resize(laneBits + 2)
      Walk(
        left = Mux(wrap, left - 3 + listLen, left - 3),
        leftReal = Mux(wrap, leftReal - 3 + listLen.asSInt.resize(11), leftReal - 3),
        firstLane = Mux(wrap, (nextIdx - U(time).resize(2)).resize(laneBits), laneNext.resize(laneBits) & cur.inLaneMask),
        firstIsTime = wrap && time && nextIdx === 0,
        a = on(a), a9 = on(a9), a18 = on(a18), a9w = on(a9w), a18w = on(a18w),
        fiBase = Mux(wrap, U(0, bufBits bits), Mux(crosses, fiBaseNext, fiBase)),
        fiBaseNext = Mux(wrap, cur.inRegionPixels.resize(bufBits),
          Mux(crosses, (fiBaseNext + cur.inRegionPixels.resize(bufBits)).resize(bufBits), fiBaseNext)))
    }
  }

  // the list's channels, a register of the pass's (valid a cycle after FETCH, a cycle before wBase): the add before
  // the first's next state's two, into `registered`, was x64 x3's slowest path at 166.7 MHz, 5.97 ns
  private val listChannels = RegNext((cur.cin.resize(11) + U(time).resize(11)).asSInt) init 0
  /** A pixel's first triple: the list's first member, its weights at `wBase`. */
  private def first: Walk = Walk(listLen, listChannels, U(0, laneBits bits), time,
    wBase, (wBase + 9).resize(wBits), (wBase + 18).resize(wBits), (wBase + 9 + cur.tripleBack).resize(wBits),
    (wBase + 18 + cur.tripleBack).resize(wBits), U(0, bufBits bits), cur.inRegionPixels.resize(bufBits))

  // the state of the triple after the one issued (set by restart and step)
  private val s = Walk(Reg(UInt(10 bits)) init 0, Reg(SInt(11 bits)) init 0, Reg(UInt(laneBits bits)) init 0,
    Reg(Bool()) init False, Reg(UInt(wBits bits)) init 0, Reg(UInt(wBits bits)) init 0, Reg(UInt(wBits bits)) init 0,
    Reg(UInt(wBits bits)) init 0, Reg(UInt(wBits bits)) init 0, Reg(UInt(bufBits bits)) init 0,
    Reg(UInt(bufBits bits)) init 0)
  private def load(v: Walk): Unit = {
    s.left := v.left.resized
    s.leftReal := v.leftReal.resized
    s.firstLane := v.firstLane
    s.firstIsTime := v.firstIsTime
    for ((r, x) <- Seq(s.a, s.a9, s.a18, s.a9w, s.a18w).zip(Seq(v.a, v.a9, v.a18, v.a9w, v.a18w))) r := x.resized
    s.fiBase := v.fiBase
    s.fiBaseNext := v.fiBaseNext
  }

  /** The triple's members, as a state gives them. */
  private case class Members(w: Walk) {
    import w._
    val wraps = Seq(False, left === 1, left <= 2) // in the next tap's list
    val on = (0 until 3).map(k => if (k == 0) True else Mux(wraps(k), True, leftReal > k))
    // a member of the next tap is its list's member k - left: the time channel (0, with time), else a channel of
    // lane k - left - time, 0 to 2 wherever `wraps(k)` holds (left <= k there): two bits, a LUT each (an add of the lane's
    // width was on x64 x3's slowest path into busLane, 5.84 ns, in one mapping of ABC's); where the member is the
    // time channel the lane is not read
    val isTime = (0 until 3).map(k => if (k == 0) firstIsTime else wraps(k) && time && left === k)
    private val mask = cur.inLaneMask
    val lanes = (0 until 3).map { k =>
      if (k == 0) firstLane else {
        val inTap = Mux(firstIsTime, U(k - 1, laneBits bits), (firstLane + k).resize(laneBits) & mask)
        val nextTap = (U(k, 2 bits) - left(1 downto 0) - U(time).resize(2)).resize(laneBits)
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
    val addrs = Seq(a, Mux(wraps(1), a9w, a9), Mux(wraps(2), a18w, a18))
  }

  private def rotate[T <: Data](r: UInt, of: Seq[T], i: Int): T = {
    val v = cloneOf(of.head)
    v := of(i)
    when(r === 1) { v := of((i + 1) % 3) }
    when(r === 2) { v := of((i + 2) % 3) }
    v
  }

  // the issued triple's command, registered as it is stepped to
  /** The weight addresses in bank order: the first's bank is `s`, the second's s + 1, the third's s + 2 (mod 4). */
  val bankAddr = Seq.fill(3)(Reg(UInt(wBits bits)) init 0)
  val busLane = Seq.fill(3)(Reg(UInt(laneBits bits)) init 0)
  val busOn, busTime, busNextTap = Seq.fill(3)(Reg(Bool()) init False)
  /** Some member is read at the second address; a member of the next tap (else of the next block). */
  val altUsed, altNextTap = Reg(Bool()) init False
  val wrapsNow = Reg(Bool()) init False // the issued triple reaches its tap's last member
  private val fiBaseNext = Reg(UInt(bufBits bits)) init 0 // the issued triple's next block (fiBase + its pixels)

  // the bus each member goes to, by the first bank-order member's bank (s): that member's bank is s, the next's
  // s + 1, the third's s + 2, and bus 0's multiplier reads bank 0 or 3, bus 1's bank 1 or 2, bus 2's bank 2 or 0
  // (NetworkLanes): for s = 0, 1, 2, 3 bus 0 takes bank-order member 0, 2, 1, 0; bus 1 1, 0, 0, 2; bus 2 2, 1, 2, 1
  private val table = Seq(Seq(0, 2, 1, 0), Seq(1, 0, 0, 2), Seq(2, 1, 2, 1))

  /** What the command needs of the triple `w`, to be registered the cycle before it is issued. */
  private case class Command(w: Walk) {
    private val m = Members(w)
    private val sBank = rotate(m.rotation, m.addrs, 0)(1 downto 0)
    private def forBus[T <: Data](bus: Int, of: Seq[T]): T = {
      val r = cloneOf(of.head)
      r := rotate(m.rotation, of, table(bus)(0))
      for (v <- 1 until 4) when(sBank === v) { r := rotate(m.rotation, of, table(bus)(v)) }
      r
    }
    val addrs = (0 until 3).map(i => rotate(m.rotation, m.addrs, i))
    val lanes = (0 until 3).map(b => forBus(b, m.lanes))
    val on = (0 until 3).map(b => forBus(b, m.on))
    val isTime = (0 until 3).map(b => forBus(b, m.isTime))
    val nextTap = (0 until 3).map(b => forBus(b, m.wraps))
    val alt = (0 until 3).map(k => m.on(k) && m.alt(k)).reduce(_ || _)
    /** (The caller clears `fiBase` for a pixel's first triple.) */
    def latch(setFiBase: Boolean): Unit = {
      for (i <- 0 until 3) {
        bankAddr(i) := addrs(i)
        busLane(i) := lanes(i)
        busOn(i) := on(i)
        busTime(i) := isTime(i)
        busNextTap(i) := nextTap(i)
      }
      altUsed := alt
      altNextTap := m.wraps(2)
      wrapsNow := w.wraps
      if (setFiBase) fiBase := w.fiBase
      fiBaseNext := w.fiBaseNext
    }
  }
  // a pixel's first triple and the one after it, registers of the pass's constants and wBase (set from WAIT_W on,
  // where a restart comes at PARAM_B, two cycles later: from the pass's channels the first's next state was
  // three adds before a member's compares, 6.70 ns at x64); the triple after the issued one and the one after that
  private def registered(w: Walk): Walk = Walk(RegNext(w.left.resize(10)), RegNext(w.leftReal.resize(11)),
    RegNext(w.firstLane), RegNext(w.firstIsTime), RegNext(w.a.resize(wBits)), RegNext(w.a9.resize(wBits)),
    RegNext(w.a18.resize(wBits)), RegNext(w.a9w.resize(wBits)), RegNext(w.a18w.resize(wBits)), RegNext(w.fiBase),
    RegNext(w.fiBaseNext))
  private val firstOfPass = first
  private val firstWalk = registered(firstOfPass)
  private val firstCommand = Command(firstWalk)
  private val firstNext = registered(firstOfPass.next)
  private val sCommand = Command(s)
  private val sNext = s.next

  /** A pixel's first triple is next (PARAM_B, and a pixel's last cycle), at the tap `firstTap` (ConvKind's). */
  def restart(firstTap: UInt): Unit = {
    firstCommand.latch(setFiBase = false)
    load(firstNext)
    nextTap.restart(firstTap)
  }

  /** CONV's command: the weights in bank order, each bus's lane in each slice (`bankOf` the lane and the slice's
    * region, this tap's, `tapDelta` regions from the slice's first, or the next's), whether it carries a channel, the
    * time channel, the next tap's padding; the second address (the next block's at this tap's `tapOffset`, or the
    * next tap's). */
  def issue(bankOf: (UInt, SInt) => UInt, tapDelta: SInt, tapOffset: UInt): Unit = {
    val nextPads = nextTap.pads
    val nextTapAddr = nextTap.addr
    cmd.wAddr := bankAddr(0)
    cmd.wAddr9 := bankAddr(1)
    cmd.wAddr18 := bankAddr(2)
    val banks = Seq(cmd.banks, cmd.banks1, cmd.banks2)
    for (sl <- 0 until cfg.slices; b <- 0 until 3)
      // the tap's region chosen by its delta, before the slice's add (after it, a LUT level more on the way to the
      // bus's bank: x64 x3's slowest path, 5.72 ns, in one mapping of ABC's)
      banks(b)(sl) := bankOf(busLane(b), taps.region(sl, Mux(busNextTap(b), nextTap.delta, tapDelta)))
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
    val sb = wRd(1 downto 0)
    val firstBus = (0 until 3).map(b => (0 until 4).filter(v => table(b)(v) == 0).map(v => sb === v).foldLeft(False)(_ || _))
    val banks = Seq(cmd.banks, cmd.banks1, cmd.banks2)
    for (sl <- 0 until cfg.slices; b <- 0 until 3) banks(b)(sl) := bankOf(fiLane, sliceRegion(sl))
    cmd.off0 := !firstBus(0)
    cmd.on1 := firstBus(1)
    cmd.on2 := firstBus(2)
    cmd.isTime := isTimeTap && firstBus(0)
    cmd.time1 := isTimeTap && firstBus(1)
    cmd.time2 := isTimeTap && firstBus(2)
  }

  /** Every CONV cycle of a paired pass: the next triple is issued; true where the issued one reaches its tap's
    * last member (the caller steps the tap). */
  def step(): Bool = {
    sCommand.latch(setFiBase = true)
    load(sNext)
    when(wrapsNow) { nextTap.step() }
    wrapsNow
  }

  /** The next tap's row, column, regions and padding (a ConvTaps.Tap, as ConvKind's of this tap), for a triple's members in
    * the next tap; its address is block 0's. Its counters are registers stepped with ky and kx, and its row, column
    * and regions are registered from them and the issued triple's wrap alone, not from the phase's choice of the
    * counters' next values (that came before the row's add and shift: 8.00 ns at x64, then 7.04 ns). So in the
    * cycle after a pixel's restart they are a cycle late, where the pixel's first triple takes no member of the
    * next tap (a list has at least three members, ConvTriplesTest). */
  private class NextTap extends Area {
    private val kyN, kxN = Reg(UInt(ky.getWidth bits)) init 0
    def restart(firstTap: UInt): Unit = {
      kyN := firstTap
      kxN := firstTap + 1
    }
    def step(): Unit = HwUtil.nextTap(kyN, kxN)(())
    private val steps = wrapsNow // (in CONV of a paired pass; elsewhere the next tap is not read)
    private val kyNextN = Mux(steps && kxN === 2, (kyN + 1).resize(kyN.getWidth), kyN)
    private val kxNextN = Mux(steps, Mux(kxN === 2, U(0, kxN.getWidth bits), kxN + 1), kxN)
    private val tap = new taps.Tap(iyBase + kyNextN.resize(9).asSInt, ixBase + kxNextN.resize(9).asSInt)
    val addr = tap.offset
    val delta = tap.delta
    val pads = tap.pads
  }
  // (a class, built here, after wrapsNow: an object's hardware would be built where it is first used, in a phase)
  private val nextTap = new NextTap
}
