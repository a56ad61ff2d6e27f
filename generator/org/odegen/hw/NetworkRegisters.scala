package org.odegen.hw

/** The AXI4-Lite register map of NETWORK.md: the one source of the offsets that the network engine
  * decodes and that its harness and driver use. */
object NetworkRegisters {
  val CTRL = 0x00
  val STATUS = 0x04
  val CYCLES = 0x14
  val CONFIG = 0x18
  val WIDTH = 0x1C
  val IER = 0x20
  val WEIGHTS_ADDR = 0x24
  val WEIGHTS_WORDS = 0x28

  /** In address order, for the generators of driver and harness code. */
  val all: Seq[(String, Int)] = Seq("CTRL" -> CTRL, "STATUS" -> STATUS, "CYCLES" -> CYCLES, "CONFIG" -> CONFIG,
    "WIDTH" -> WIDTH, "IER" -> IER, "WEIGHTS_ADDR" -> WEIGHTS_ADDR, "WEIGHTS_WORDS" -> WEIGHTS_WORDS)
}
