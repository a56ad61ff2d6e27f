package org.odegen.hw

import spinal.core._

/** Three multiply-adds a lane ([[NetworkHwConfig.triples]]): the conv sequencer's walk over a pixel's input channels
  * in triples, the time channel (a pixel's first) with the first two channels, then three channels of a block (the
  * map's `inLanes` lanes, one address) at a time from lane `fiLane` on; a triple's second and third members exist
  * unless past cin or past the block's last lane. `wRd` and `wRd9` are [[ConvKind]]'s weight addresses of the first
  * and second members; the third's, 18 words on, is here. Each cycle of CONV [[issue]] sends the buses their
  * members; after a triple's last tap [[step]] moves to the next. */
class ConvTriples(top: NetworkEngine, isTimeTap: Bool, wRd: UInt, wRd9: UInt) extends Area {
  import top._

  val wRd18 = Reg(UInt(wBits bits)) init 0
  val withTime = isTimeTap
  // registers beside ci and fiLane: the pixel's channels not yet taken and the block's lanes after fiLane, so that
  // whether the second and third members exist is a compare with a constant (from ci and fiLane, an add and a
  // compare before the steps of ci and the weights' addresses were x64's slowest path, 8.76 ns)
  val left = Reg(UInt(9 bits)) init 0
  val room = Reg(UInt(laneBits bits)) init 0
  val on1 = cur.paired && Mux(withTime, left =/= 0, left >= 2) && (withTime || room =/= 0)
  val on2 = cur.paired && Mux(withTime, left >= 2, left >= 3) && Mux(withTime, room =/= 0, room >= 2)
  /** The channels this triple takes (its members but the time channel); the block ends with it where they reach
    * its last lane. */
  val used = Mux(withTime, U(0, 2 bits), U(1, 2 bits)) + U(on1) + U(on2)
  val lastOfBlock = used > room.resize(laneBits max 2)
  private val memberLanes = Seq(fiLane, Mux(withTime, fiLane, fiLane + 1), Mux(withTime, fiLane + 1, fiLane + 2))
  private val on = Seq(True, on1, on2)
  // the bus each member goes to, by the first's weight address mod 4 (s): member k's weight is in bank s + k mod 4,
  // and bus 0's multiplier reads bank 0 or 3, bus 1's bank 1 or 2, bus 2's bank 2 or 0 (NetworkLanes): for s = 0,
  // 1, 2, 3 bus 0 takes member 0, 2, 1, 0; bus 1 1, 0, 0, 2; bus 2 2, 1, 2, 1
  private val s = wRd(1 downto 0)
  private val table = Seq(Seq(0, 2, 1, 0), Seq(1, 0, 0, 2), Seq(2, 1, 2, 1))
  private def member[T <: Data](bus: Int, of: Seq[T]): T = {
    val r = cloneOf(of.head)
    r := of(table(bus)(0))
    for (v <- 1 until 4) when(s === v) { r := of(table(bus)(v)) }
    r
  }
  private val busLane = (0 until 3).map(b => member(b, memberLanes))
  private val busOn = (0 until 3).map(b => member(b, on))
  private val busFirst = (0 until 3).map(b => (0 until 4).filter(v => table(b)(v) == 0).map(v => s === v)
    .foldLeft(False)(_ || _))

  /** A pixel's first triple is next (PARAM_B, and a pixel's last tap): its weights at `wBase`. */
  def restart(): Unit = {
    wRd18 := (wBase + 18).resized
    left := cur.cin.resized
    room := cur.inLaneMask
  }

  /** CONV's command: each bus's lane in each slice (`bankOf` the lane and the slice's input region), whether it
    * carries a channel, which carries the time channel; the third weight's address. */
  def issue(bankOf: (UInt, SInt) => UInt, sliceRegion: Seq[SInt]): Unit = {
    cmd.wAddr18 := wRd18
    for (sl <- 0 until cfg.slices) {
      cmd.banks(sl) := bankOf(busLane(0), sliceRegion(sl))
      cmd.banks1(sl) := bankOf(busLane(1), sliceRegion(sl))
      cmd.banks2(sl) := bankOf(busLane(2), sliceRegion(sl))
    }
    cmd.off0 := !busOn(0)
    cmd.on1 := busOn(1)
    cmd.on2 := busOn(2)
    cmd.isTime := isTimeTap && busFirst(0)
    cmd.time1 := isTimeTap && busFirst(1)
    wRd18 := wRd18 + 1
  }

  /** After a triple's last tap: one, two or three channels taken (those that exist), the next triple's lane after
    * its last, or the next block's first where this one reached the block's last lane; its weights past the last's
    * (after `issue`'s step of one, SpinalHDL's last assignment wins). */
  def step(): Unit = {
    val n = U(1, 2 bits) + U(on1) + U(on2)
    ci := ci + n.resize(8)
    left := left - used
    room := Mux(lastOfBlock, cur.inLaneMask, (room.resize(laneBits max 2) - used).resize(laneBits))
    val skip = Mux(on2, U(19, 5 bits), Mux(on1, U(10, 5 bits), U(1, 5 bits))).resize(wBits)
    wRd := wRd + skip
    wRd9 := wRd9 + skip
    wRd18 := wRd18 + skip
    fiLane := Mux(lastOfBlock, U(0, laneBits bits), (fiLane.resize(laneBits max 2) + used).resize(laneBits))
    when(lastOfBlock) {
      fiBase := fiBase + cur.inRegionPixels.resize(bufBits)
    }
  }
}
