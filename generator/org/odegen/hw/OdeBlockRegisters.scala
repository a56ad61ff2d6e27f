package org.odegen.hw

/** The AXI4-Lite register map of INTERFACE.md: the one source of the offsets that the RTL decodes
  * and that the generated PYNQ driver and C++ harness use. */
object OdeBlockRegisters {
  val CTRL = 0x00
  val STATUS = 0x04
  val STEPS = 0x08
  val STEP_SIZE = 0x0C
  val T0 = 0x10
  val CYCLES = 0x14
  val CONFIG = 0x18
  val WIDTH = 0x1C
  val IER = 0x20

  /** Access from the bus, as INTERFACE.md gives it ("R", "W", "R/W"): for the IP's memory map. */
  val access: Map[String, String] = Map("CTRL" -> "W", "STATUS" -> "R", "STEPS" -> "R/W", "STEP_SIZE" -> "R/W",
    "T0" -> "R/W", "CYCLES" -> "R", "CONFIG" -> "R", "WIDTH" -> "R", "IER" -> "R/W")

  /** One line each, INTERFACE.md's meaning: for the IP's memory map. */
  val description: Map[String, String] = Map(
    "CTRL" -> "bit 0 START: run the block; bit 1 LOAD: load parameters",
    "STATUS" -> "bit 0 BUSY, bit 1 DONE, bit 2 LOADED, bit 3 ERROR",
    "STEPS" -> "Euler steps M, at least 1",
    "STEP_SIZE" -> "h, raw Q value",
    "T0" -> "t0, raw Q value",
    "CYCLES" -> "clock cycles of the last run",
    "CONFIG" -> "lanes, channels, height, F, time channel, norm mode",
    "WIDTH" -> "W and the solver",
    "IER" -> "bit 0: raise interrupt on DONE")

  /** In address order, for the generators of driver code. */
  val all: Seq[(String, Int)] = Seq("CTRL" -> CTRL, "STATUS" -> STATUS, "STEPS" -> STEPS, "STEP_SIZE" -> STEP_SIZE,
    "T0" -> T0, "CYCLES" -> CYCLES, "CONFIG" -> CONFIG, "WIDTH" -> WIDTH, "IER" -> IER)
}
