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

  /** In address order, for the generators of driver code. */
  val all: Seq[(String, Int)] = Seq("CTRL" -> CTRL, "STATUS" -> STATUS, "STEPS" -> STEPS, "STEP_SIZE" -> STEP_SIZE,
    "T0" -> T0, "CYCLES" -> CYCLES, "CONFIG" -> CONFIG, "WIDTH" -> WIDTH, "IER" -> IER)
}
