package org.odegen.hw

/** How the host may reach a register over AXI4-Lite, in the contracts' words ("R", "W", "R/W"). */
sealed abstract class Access(val text: String) {
  def readable: Boolean = this != Access.W
  def writable: Boolean = this != Access.R
}

object Access {
  case object R extends Access("R")
  case object W extends Access("W")
  case object RW extends Access("R/W")
}

/** A field of a register: `width` bits from bit `lsb`, as the contracts write `[msb:lsb]`. */
case class RegField(name: String, lsb: Int, width: Int, doc: String) {
  require(name.matches("[A-Za-z][A-Za-z0-9_]*"), s"field name '$name' is not an identifier")
  require(lsb >= 0 && width >= 1 && lsb + width <= 32, s"field $name [$lsb +: $width] is not inside 32 bits")

  def msb: Int = lsb + width - 1

  /** The field's bits in place. */
  def mask: Long = ((1L << width) - 1) << lsb

  /** The field's value in `word`. */
  def get(word: Long): Long = (word & mask) >>> lsb

  /** `value` in place; it must fit the field. */
  def put(value: Long): Long = {
    require(value >= 0 && value < (1L << width), s"$name = $value does not fit $width bits")
    value << lsb
  }
}

/** One 32-bit register at byte `offset`. A register without fields is one value of 32 bits; a write to a
  * writable register below `floor` is taken as `floor` (INTERFACE.md: "a write of 0 is taken as 1"); a
  * stored register starts at `reset` unless its top gives another (STEP_SIZE's quantize(1) depends on F). */
case class Register(name: String, offset: Int, access: Access, doc: String, fields: Seq[RegField] = Nil,
                    floor: Long = 0, reset: Long = 0) {
  require(name.matches("[A-Z][A-Z0-9_]*"), s"register name '$name' is not an upper-case identifier")
  require(offset >= 0 && offset < 256 && offset % 4 == 0, s"$name at 0x${offset.toHexString}: not a word of the 8-bit address space")
  require(fields.map(_.name).distinct.size == fields.size, s"$name has two fields of one name")
  require(fields.combinations(2).forall { case Seq(a, b) => (a.mask & b.mask) == 0 }, s"$name has overlapping fields")
  require(floor == 0 || access.writable, s"$name: a floor only for a writable register")
  require(reset >= floor && reset <= 0xffffffffL, s"$name resets to $reset, under its floor or over 32 bits")

  def field(n: String): RegField =
    fields.find(_.name == n).getOrElse(throw new NoSuchElementException(s"$name has no field $n"))

  /** The word of these field values; every field must be given. */
  def word(values: (String, Long)*): Long = {
    val given = values.map(_._1)
    require(given.sorted == fields.map(_.name).sorted, s"$name's word takes ${fields.map(_.name).mkString(", ")}, got ${given.mkString(", ")}")
    values.map { case (n, v) => field(n).put(v) }.foldLeft(0L)(_ | _)
  }

  /** The bits a register with fields keeps: its fields' bits (IER keeps one). */
  def bits: Int = if (fields.isEmpty) 32 else fields.map(_.msb).max + 1
}

/** A register map: the one source of a top's AXI4-Lite interface, which the RTL's host controller decodes and
  * every harness, bench and driver reads (through odegen_regs.h and odegen_regs.py, written from it). */
case class RegisterMap(name: String, doc: String, registers: Seq[Register]) {
  require(registers.map(_.name).distinct.size == registers.size, s"$name: two registers of one name")
  require(registers.map(_.offset).distinct.size == registers.size, s"$name: two registers at one offset")
  require(registers.map(_.offset) == registers.map(_.offset).sorted, s"$name: registers not in address order")

  def apply(n: String): Register =
    registers.find(_.name == n).getOrElse(throw new NoSuchElementException(s"$name has no register $n"))

  def contains(n: String): Boolean = registers.exists(_.name == n)

  def offset(n: String): Int = apply(n).offset

  /** The mask of the one-bit field `f` of register `r` (CTRL's START, STATUS's DONE...). */
  def bit(r: String, f: String): Long = {
    val fd = apply(r).field(f)
    require(fd.width == 1, s"$r.$f is not one bit")
    fd.mask
  }

  // ------------------------------------------------ for Java and the Velocity templates

  /** Name to byte offset, in address order. */
  def offsets(): java.util.Map[String, Integer] = {
    val m = new java.util.LinkedHashMap[String, Integer]()
    registers.foreach(r => m.put(r.name, Integer.valueOf(r.offset)))
    java.util.Collections.unmodifiableMap(m)
  }

  /** For the IP's memory map, in address order: name, offset, access (R, W, R/W), description. */
  def memoryMap(): java.util.List[java.util.Map[String, Object]] = {
    val l = new java.util.ArrayList[java.util.Map[String, Object]]()
    registers.foreach { r =>
      val m = new java.util.LinkedHashMap[String, Object]()
      m.put("name", r.name)
      m.put("offset", Integer.valueOf(r.offset))
      m.put("access", r.access.text)
      m.put("description", r.doc)
      l.add(java.util.Collections.unmodifiableMap(m))
    }
    java.util.Collections.unmodifiableList(l)
  }
}

object RegisterMap {
  private def bit(n: String, at: Int, doc: String) = RegField(n, at, 1, doc)

  // CTRL, STATUS, CYCLES and IER are the host protocol both tops share (HostController decodes them)
  private val ctrl = Register("CTRL", 0x00, Access.W, "bit 0 START: run; bit 1 LOAD: load the parameters; other bits 0",
    Seq(bit("START", 0, "run"), bit("LOAD", 1, "load the parameters")))
  private val status = Register("STATUS", 0x04, Access.R, "bit 0 BUSY, bit 1 DONE, bit 2 LOADED, bit 3 ERROR",
    Seq(bit("BUSY", 0, "a load or a run is going on"),
      bit("DONE", 1, "set at the end of a run, cleared by the next START"),
      bit("LOADED", 2, "parameters present"),
      bit("ERROR", 3, "a START before any LOAD, a command while BUSY, a bad stream, a DDR read error (the engine's run then ends with DONE); cleared by the next accepted command")))
  private def cycles(what: String) = Register("CYCLES", 0x14, Access.R, s"clock cycles of the last $what, from the START write")
  private val ier = Register("IER", 0x20, Access.RW, "bit 0: raise interrupt on DONE", Seq(bit("DONE", 0, "interrupt on DONE")))
  private def width(solverDoc: String) = Register("WIDTH", 0x1C, Access.R, "W and the solver",
    Seq(RegField("width", 0, 6, "W, the word's bits"), RegField("solver", 8, 2, solverDoc)))

  /** INTERFACE.md: the ODEBlock's registers. STEP_SIZE resets to quantize(1), which depends on the format:
    * the block's top gives it. */
  val block: RegisterMap = RegisterMap("block", "the ODEBlock (INTERFACE.md)", Seq(
    ctrl, status,
    Register("STEPS", 0x08, Access.RW, "Euler steps M, at least 1 (a write of 0 is taken as 1)", floor = 1, reset = 1),
    Register("STEP_SIZE", 0x0C, Access.RW, "h, raw Q value"),
    Register("T0", 0x10, Access.RW, "t0, raw Q value"),
    cycles("run"),
    Register("CONFIG", 0x18, Access.R, "lanes, channels, height, F, time channel, norm mode", Seq(
      RegField("lanes", 0, 8, "lanes"),
      RegField("channels", 8, 8, "channels C"),
      RegField("height", 16, 8, "height (= width)"),
      RegField("frac", 24, 5, "F, the fraction bits"),
      RegField("time", 29, 1, "1: the time channel"),
      RegField("norm", 30, 1, "norm mode, 1 = batch-stats"))),
    width("0 euler, 1 heun, 2 rk4"),
    ier))

  /** NETWORK.md: the network engine's registers. */
  val engine: RegisterMap = RegisterMap("engine", "the network engine (NETWORK.md)", Seq(
    ctrl, status, cycles("image"),
    Register("CONFIG", 0x18, Access.R, "lanes, variant, depth N, F, norm mode", Seq(
      RegField("lanes", 0, 8, "lanes"),
      RegField("variant", 8, 4, "0 resnet, 1 odenet, 2 rodenet-1, 3 rodenet-2, 4 rodenet-1+2, 5 rodenet-3, 6 hybrid-3, 15 any other network.json"),
      RegField("depth", 16, 8, "depth N (0 for another network.json)"),
      RegField("frac", 24, 5, "F, the fraction bits"),
      RegField("norm", 30, 1, "norm mode, 1 = batch-stats"))),
    width("0 euler, 1 heun, 2 rk4, 3 more than one"),
    ier,
    Register("WEIGHTS_ADDR", 0x24, Access.RW, "byte address of the parameter blob in DDR, 64-byte aligned"),
    Register("WEIGHTS_WORDS", 0x28, Access.R, "the blob's length in 32-bit words"),
    Register("NETWORK_ID", 0x2C, Access.R,
      "CRC-32 (IEEE 802.3) of the folder's network.json: the driver checks it against the file that came with the overlay")))

  private def flag(b: Boolean): Long = if (b) 1 else 0

  /** The block's CONFIG word. */
  def blockConfig(cfg: OdeBlockHwConfig): Long = block("CONFIG").word("lanes" -> cfg.lanes.toLong,
    "channels" -> cfg.channels.toLong, "height" -> cfg.height.toLong, "frac" -> cfg.frac.toLong,
    "time" -> flag(cfg.timeChannel), "norm" -> flag(cfg.batchStats))

  /** The block's WIDTH word. */
  def blockWidth(cfg: OdeBlockHwConfig): Long =
    block("WIDTH").word("width" -> cfg.dataWidth.toLong, "solver" -> cfg.solver.code.toLong)

  /** The engine's CONFIG word. */
  def engineConfig(lanes: Int, variant: Int, depth: Int, frac: Int, batchStats: Boolean): Long =
    engine("CONFIG").word("lanes" -> lanes.toLong, "variant" -> variant.toLong, "depth" -> depth.toLong,
      "frac" -> frac.toLong, "norm" -> flag(batchStats))

  /** The engine's WIDTH word. */
  def engineWidth(width: Int, solver: Int): Long = engine("WIDTH").word("width" -> width.toLong, "solver" -> solver.toLong)
}
