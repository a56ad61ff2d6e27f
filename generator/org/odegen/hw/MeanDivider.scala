package org.odegen.hw

import spinal.core._

/** ARITHMETIC.md's `mean_N(S) = floor(S / N)` of a signed sum `S`, for a map whose `N` pixels are not a
  * power of two (a power of two is the lanes' shift): restoring division, one quotient bit a cycle, of
  * `|S|` (`|S| + N - 1` where `S < 0`, so that the truncated quotient, negated, is the floor) by `N`.
  * One a lane, used three times a group at most (the mean, the variance, a pooling's mean); an adder, a
  * 13-bit subtractor and shift registers, where a multiply-high by `1/N` would take a 60-bit multiplier.
  * `quotient` holds from the cycle after the [[MeanDivider.cycles]] that follow `start`'s until the next `start`. */
case class MeanDivider(width: Int, divisorBits: Int) extends Component {
  val io = new Bundle {
    val start = in Bool()
    val dividend = in SInt (width bits)
    val divisor = in UInt (divisorBits bits)
    val quotient = out SInt (width bits)
  }
  private val steps = width + 1 // |S| + N - 1 takes a bit more than S
  val negative = Reg(Bool()) init False
  val rest = Reg(UInt(steps bits)) init 0 // the dividend's bits not yet brought down, msb first
  val remainder = Reg(UInt(divisorBits + 1 bits)) init 0
  val q = Reg(UInt(steps bits)) init 0
  val left = Reg(UInt(log2Up(steps + 1) bits)) init 0
  // the dividend and the start registered: the sequencer's decode and the lane's operand select stay off
  // the adder below (they were an engine's slowest path)
  val started = RegNext(io.start) init False
  val s = RegNext(io.dividend)
  when(started) {
    negative := s.msb
    // |S| + N - 1 = -S - 1 + N = ~S + N where S < 0: one adder
    rest := (s.resize(steps).asBits ^ B(steps bits, default -> s.msb)).asUInt +
      Mux(s.msb, io.divisor.resize(steps), U(0, steps bits))
    remainder := 0
    q := 0
    left := steps
  }.elsewhen(left =/= 0) {
    val down = (remainder(divisorBits - 1 downto 0) @@ rest.msb)
    val fits = down >= io.divisor.resize(divisorBits + 1)
    remainder := Mux(fits, down - io.divisor.resize(divisorBits + 1), down)
    q := (q(steps - 2 downto 0) ## fits).asUInt
    rest := rest |<< 1
    left := left - 1
  }
  io.quotient := Mux(negative, -q.resize(steps + 1).asSInt, q.resize(steps + 1).asSInt).resize(width)
}

object MeanDivider {
  /** Cycles to wait after the cycle that raises `start`: the cycle after them reads the quotient. */
  def cycles(width: Int): Int = width + 2
}
