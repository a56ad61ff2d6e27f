package org.odegen.hw

/** The AXI4-Lite register map of NETWORK.md (the network engine): the one source of the offsets, bits
  * and fields that the engine's RTL decodes and that its C++ harness (and drivers) use. */
object NetworkRegisters {
  val CTRL = 0x00
  val STATUS = 0x04
  val CYCLES = 0x14
  val CONFIG = 0x18
  val WIDTH = 0x1C
  val IER = 0x20
  val WEIGHTS_ADDR = 0x24
  val WEIGHTS_WORDS = 0x28

  /** In address order, for the generators of harness and driver code. */
  val all: Seq[(String, Int)] = Seq("CTRL" -> CTRL, "STATUS" -> STATUS, "CYCLES" -> CYCLES, "CONFIG" -> CONFIG,
    "WIDTH" -> WIDTH, "IER" -> IER, "WEIGHTS_ADDR" -> WEIGHTS_ADDR, "WEIGHTS_WORDS" -> WEIGHTS_WORDS)

  /** Access from the bus, as NETWORK.md gives it ("R", "W", "R/W"): for the IP's memory map. */
  val access: Map[String, String] = Map("CTRL" -> "W", "STATUS" -> "R", "CYCLES" -> "R", "CONFIG" -> "R",
    "WIDTH" -> "R", "IER" -> "R/W", "WEIGHTS_ADDR" -> "R/W", "WEIGHTS_WORDS" -> "R")

  /** One line each, NETWORK.md's meaning: for the IP's memory map. */
  val description: Map[String, String] = Map(
    "CTRL" -> "bit 0 START: run one image; bit 1 LOAD: take the parameter blob at WEIGHTS_ADDR",
    "STATUS" -> "bit 0 BUSY, bit 1 DONE, bit 2 LOADED, bit 3 ERROR",
    "CYCLES" -> "clock cycles of the last image",
    "CONFIG" -> "lanes, variant, depth N, F, norm mode",
    "WIDTH" -> "W and the solver",
    "IER" -> "bit 0: raise interrupt on DONE",
    "WEIGHTS_ADDR" -> "byte address of the parameter blob in DDR, 64-byte aligned",
    "WEIGHTS_WORDS" -> "the blob's length in 32-bit words")

  /** Bits of CTRL (write) and STATUS (read), as masks. */
  val START = 1 << 0
  val LOAD = 1 << 1
  val BUSY = 1 << 0
  val DONE = 1 << 1
  val LOADED = 1 << 2
  val ERROR = 1 << 3

  val bits: Seq[(String, Int)] = Seq("START" -> START, "LOAD" -> LOAD, "BUSY" -> BUSY, "DONE" -> DONE,
    "LOADED" -> LOADED, "ERROR" -> ERROR)

  /** A field of a read-only build register: its register, lowest bit and width. */
  case class Field(name: String, register: String, lsb: Int, width: Int) {
    def get(word: Int): Int = (word >>> lsb) & ((1 << width) - 1)
    def put(value: Int): Int = {
      require(value >= 0 && value < (1 << width), s"$register.$name = $value does not fit $width bits")
      value << lsb
    }
  }

  /** CONFIG's and WIDTH's fields. variant: 0 resnet, 1 odenet, 2 rodenet-1, 3 rodenet-2, 4 rodenet-1+2,
    * 5 rodenet-3, 6 hybrid-3; norm: 1 = batch-stats; solver: 0 euler, 1 heun, 2 rk4. */
  val fields: Seq[Field] = Seq(
    Field("lanes", "CONFIG", 0, 8),
    Field("variant", "CONFIG", 8, 4),
    Field("depth", "CONFIG", 16, 8),
    Field("frac", "CONFIG", 24, 5),
    Field("norm", "CONFIG", 30, 1),
    Field("width", "WIDTH", 0, 6),
    Field("solver", "WIDTH", 8, 2))

  private def field(name: String): Field = fields.find(_.name == name).get

  /** The CONFIG word of an engine. */
  def configWord(lanes: Int, variant: Int, depth: Int, frac: Int, batchStats: Boolean): Int =
    field("lanes").put(lanes) | field("variant").put(variant) | field("depth").put(depth) |
      field("frac").put(frac) | field("norm").put(if (batchStats) 1 else 0)

  /** The WIDTH word of an engine. */
  def widthWord(width: Int, solver: Int): Int = field("width").put(width) | field("solver").put(solver)

  private def javaMap(s: Seq[(String, Int)]): java.util.Map[String, Integer] = {
    val m = new java.util.LinkedHashMap[String, Integer]()
    s.foreach { case (n, a) => m.put(n, Integer.valueOf(a)) }
    java.util.Collections.unmodifiableMap(m)
  }

  /** For Java and the Velocity templates: name to byte offset, in address order. */
  def registers(): java.util.Map[String, Integer] = javaMap(all)

  /** For Java and the Velocity templates: bit name to mask. */
  def bitMasks(): java.util.Map[String, Integer] = javaMap(bits)

  /** For Java and the Velocity templates: each field as a map of name, register, lsb, width. */
  def fieldList(): java.util.List[java.util.Map[String, Any]] = {
    val l = new java.util.ArrayList[java.util.Map[String, Any]]()
    fields.foreach { f =>
      val m = new java.util.LinkedHashMap[String, Any]()
      m.put("name", f.name)
      m.put("register", f.register)
      m.put("lsb", Integer.valueOf(f.lsb))
      m.put("width", Integer.valueOf(f.width))
      l.add(java.util.Collections.unmodifiableMap(m))
    }
    java.util.Collections.unmodifiableList(l)
  }
}
