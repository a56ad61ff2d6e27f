package org.odegen.hw

import spinal.core._
import spinal.lib._
import spinal.lib.bus.amba4.axilite._

/** The host's side of a top, elaborated from its register map: the AXI4-Lite slave, STATUS, the CYCLES
  * counter, IER and the interrupt, the build words, the R/W registers, and the decode of CTRL that both
  * tops share (INTERFACE.md, NETWORK.md):
  *   - START and LOAD together or neither, or any command while BUSY: ERROR;
  *   - START before LOADED: ERROR;
  *   - an accepted LOAD clears ERROR and LOADED and sets BUSY (`load` is high that cycle);
  *   - an accepted START clears ERROR and DONE, sets BUSY, and CYCLES counts from 0 while running
  *     (`start` is high that cycle).
  * The top adds only what is its own: what a load and a run do, and when they end. It ends them by writing
  * `busy`, `done`, `loaded`, `error` and `running` itself, which is why this is an Area of the top and not a
  * component: its assignments after this one's take over, as the contracts' "the run ends, then DONE" wants.
  *
  * `constants` gives every readable register the map does not store (CONFIG, WIDTH, WEIGHTS_WORDS...);
  * `resets` the R/W registers' reset values where not the map's. */
class HostController(map: RegisterMap, axi: AxiLite4, constants: Map[String, BigInt],
                     resets: Map[String, BigInt] = Map.empty) extends Area {
  import HostController._
  for (n <- Protocol) require(map.contains(n), s"${map.name}'s map lacks $n, which the host controller decodes")
  private val stored = map.registers.filter(r => r.access == Access.RW && !Protocol.contains(r.name))
  private val fixed = map.registers.filter(r => r.access == Access.R && !Protocol.contains(r.name))
  require(fixed.map(_.name).toSet == constants.keySet,
    s"${map.name}: constants for ${fixed.map(_.name).mkString(", ")} expected, got ${constants.keys.mkString(", ")}")
  require(resets.keySet.subsetOf(stored.map(_.name).toSet), s"${map.name}: reset values only for R/W registers")

  val bus = AxiLite4SlaveFactory(axi)
  val busy = RegInit(False)
  val done = RegInit(False)
  val loaded = RegInit(False)
  val error = RegInit(False)
  val running = RegInit(False)
  val cycles = Reg(UInt(32 bits)) init 0
  val ier = Reg(Bits(map("IER").bits bits)) init 0

  private val status = map("STATUS")
  private val statusWord = Bits(32 bits)
  statusWord := 0
  for ((f, v) <- Seq("BUSY" -> busy, "DONE" -> done, "LOADED" -> loaded, "ERROR" -> error))
    statusWord(status.field(f).lsb) := v
  bus.read(statusWord, status.offset)
  bus.read(cycles, map.offset("CYCLES"))
  bus.readAndWrite(ier, map.offset("IER"))
  for (r <- fixed) bus.read(B(constants(r.name), 32 bits), r.offset)

  /** The R/W registers' values, by name. */
  val values: Map[String, Bits] = stored.map { r =>
    val v = Reg(Bits(r.bits bits)) init B(resets.getOrElse(r.name, BigInt(r.reset)), r.bits bits)
    v.setPartialName(this, r.name.toLowerCase)
    if (r.floor == 0) bus.write(v, r.offset)
    else {
      val w = bus.createAndDriveFlow(UInt(r.bits bits), r.offset)
      // below the floor: the high bits zero and the low ones under it, so that no 32-bit comparator is built
      val lo = log2Up(r.floor + 1)
      val below = w.payload(r.bits - 1 downto lo) === 0 && w.payload(lo - 1 downto 0) < r.floor
      when(w.valid) {
        v := Mux(below, U(r.floor, r.bits bits), w.payload).asBits
      }
    }
    bus.read(v, r.offset)
    r.name -> v
  }.toMap

  /** DONE and IER's bit: INTERFACE.md's `interrupt`. */
  val interrupt: Bool = done && ier(map("IER").field("DONE").lsb)

  when(running) {
    cycles := cycles + 1
  }

  /** The top ends a load: LOADED if `ok`, else ERROR; BUSY falls. */
  def endLoad(ok: Bool): Unit = {
    error := !ok
    loaded := ok
    busy := False
  }

  /** The top's run is over: BUSY falls, CYCLES stops, DONE rises. */
  def finishRun(): Unit = {
    busy := False
    running := False
    done := True
  }

  /** The top's run ends without a result (a DDR read error): ERROR and DONE (so that a driver waiting for the
    * interrupt wakes), BUSY falls, CYCLES stops. */
  def failRun(): Unit = {
    busy := False
    running := False
    done := True
    error := True
  }

  /** The top's run stops without a result (a stream that ended early); ERROR is the top's to set. */
  def abortRun(): Unit = {
    busy := False
    running := False
  }

  // CTRL: the commands
  private val ctrl = map("CTRL")
  val ctrlWrite = bus.createAndDriveFlow(Bits(32 bits), ctrl.offset)
  private val startBit = ctrlWrite.payload(ctrl.field("START").lsb)
  private val loadBit = ctrlWrite.payload(ctrl.field("LOAD").lsb)
  /** High the cycle an accepted LOAD is taken. */
  val load = ctrlWrite.valid && !busy && loadBit && !startBit
  /** High the cycle an accepted START is taken. */
  val start = ctrlWrite.valid && !busy && startBit && !loadBit && loaded
  when(ctrlWrite.valid) {
    when(busy || startBit === loadBit) {
      error := True
    }.elsewhen(loadBit) {
      error := False
      loaded := False
      busy := True
    }.otherwise {
      when(!loaded) {
        error := True
      } otherwise {
        error := False
        done := False
        busy := True
        running := True
        cycles := 0
      }
    }
  }
}

object HostController {
  /** The registers the controller decodes itself, in every map. */
  val Protocol: Seq[String] = Seq("CTRL", "STATUS", "CYCLES", "IER")
}
