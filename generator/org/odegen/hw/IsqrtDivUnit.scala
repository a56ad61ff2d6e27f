package org.odegen.hw

import spinal.core._
import spinal.lib._

/** The batch-stats norm's per-channel arithmetic after the variance (ARITHMETIC.md):
  * `std = isqrt((var + eps) << F)`, then `inv = sat((1 << 2F) / std)`, bit-serial: one result bit a
  * cycle, a fixed `latency` from `start`. One per lane, so all lanes finish together; or one for several lanes
  * (the network engine's `normShare`), started on each in turn. `pipelined`: the root and the divider step apart,
  * so that a unit may start on the next lane's root while it divides for the last one (a start no sooner than
  * the last root is done, and a root done no sooner than the last division: [[IsqrtDivUnit.spacing]]); without
  * it a start stops a division, and the divider waits while a root is found (the ODEBlock's unit, as built). */
case class IsqrtDivUnit(dataWidth: Int, frac: Int, eps: Long, pipelined: Boolean = false) extends Component {
  private val w = dataWidth
  private val f = frac
  private val radicandWidth = 2 * w // (var + eps) << F < 2^(2W)
  private val rootWidth = w
  private val quotientBits = 2 * f + 1

  val io = new Bundle {
    val start = in Bool()
    val variance = in UInt (2 * w - f bits) // (SUM rnd(d*d, F)) >> k, non-negative
    val inv = out SInt (w bits)
  }

  def latency: Int = IsqrtDivUnit.latency(dataWidth, frac)

  // isqrt, digit by digit: 2 radicand bits per cycle.
  val rem = Reg(UInt(radicandWidth + 2 bits)) init 0
  val root = Reg(UInt(rootWidth + 1 bits)) init 0
  val radicand = Reg(UInt(radicandWidth bits)) init 0
  val sqrtCount = Reg(UInt(log2Up(rootWidth + 1) bits)) init 0
  val sqrtBusy = RegInit(False)
  // division (1 << 2F) / std, restoring: one quotient bit per cycle.
  val divisor = Reg(UInt(rootWidth + 1 bits)) init 1
  val divRem = Reg(UInt(rootWidth + 2 bits)) init 0
  val quotient = Reg(UInt(quotientBits bits)) init 0
  val divCount = Reg(UInt(log2Up(quotientBits + 1) bits)) init 0
  val divBusy = RegInit(False)

  // one digit of the root: bring down two radicand bits, try (root << 2) | 1
  val shifted = UInt(radicandWidth + 2 bits)
  shifted := ((rem |<< 2) | radicand(radicandWidth - 1 downto radicandWidth - 2).resize(radicandWidth + 2))
  val trial = UInt(radicandWidth + 2 bits)
  trial := (root.resize(radicandWidth + 2) |<< 2) | 1
  val digit = shifted >= trial
  val rootNext = Mux(digit, (root |<< 1) | U(1, rootWidth + 1 bits), root |<< 1)
  // one quotient bit: the numerator 1 << 2F has its one bit first, zeros after
  val divShifted = UInt(rootWidth + 2 bits)
  divShifted := (divRem |<< 1) | (divCount === quotientBits).asUInt.resize(rootWidth + 2)
  val divDigit = divShifted >= divisor.resize(rootWidth + 2)

  private def divStep(): Unit = {
    divRem := Mux(divDigit, divShifted - divisor.resize(rootWidth + 2), divShifted)
    quotient := (quotient |<< 1) | divDigit.asUInt.resize(quotientBits)
    divCount := divCount - 1
    when(divCount === 1) {
      divBusy := False
    }
  }
  // pipelined: the divider steps on its own (a root's hand-over below, after it, wins; the spacing of starts
  // keeps the two apart)
  if (pipelined) when(divBusy) { divStep() }

  val steps = when(io.start) {
    radicand := ((io.variance.resize(radicandWidth) + U(eps, radicandWidth bits)) |<< f).resized
    rem := 0
    root := 0
    sqrtCount := rootWidth
    sqrtBusy := True
    if (!pipelined) divBusy := False
  }.elsewhen(sqrtBusy) {
    radicand := radicand |<< 2
    rem := Mux(digit, shifted - trial, shifted)
    root := rootNext
    sqrtCount := sqrtCount - 1
    when(sqrtCount === 1) {
      // the root's last digit is decided now: it is the divisor
      divisor := rootNext
      sqrtBusy := False
      divBusy := True
      divCount := quotientBits
      divRem := 0
      quotient := 0
    }
  }
  if (!pipelined) steps.elsewhen(divBusy) { divStep() }

  private val maxPositive = (BigInt(1) << (w - 1)) - 1
  if (quotientBits >= w) {
    io.inv := Mux(quotient > U(maxPositive, quotientBits bits), S(maxPositive, w bits), quotient.resize(w).asSInt)
  } else {
    io.inv := quotient.resize(w).asSInt // 2^(2F) < 2^(W-1): never saturates
  }
}

object IsqrtDivUnit {
  /** Cycles from `start` to `inv`: a root digit a cycle (W), a quotient bit a cycle (2F+1), and two. */
  def latency(dataWidth: Int, frac: Int): Int = dataWidth + (2 * frac + 1) + 2
  def latency(fmt: HwFormat): Int = latency(fmt.width, fmt.frac)

  /** The unit of a datapath in `fmt`. */
  def apply(fmt: HwFormat, eps: Long): IsqrtDivUnit = IsqrtDivUnit(fmt.width, fmt.frac, eps)
  def apply(fmt: HwFormat, eps: Long, pipelined: Boolean): IsqrtDivUnit =
    IsqrtDivUnit(fmt.width, fmt.frac, eps, pipelined)

  /** Cycles from one start of a pipelined unit to the next, for its lanes' results taken `normWait` cycles after
    * each start (LaneTiming.normWait, as one lane a unit takes its result): the next start comes after the root is
    * done (W cycles: the root hands its divisor over in the W-th), and its own root's hand-over, which clears the
    * quotient from the cycle after it, no sooner than the cycle the last lane's result is taken in:
    * `spacing + W >= normWait` (the last division is then long done: normWait is W + (2F + 1) + 4). */
  def spacing(fmt: HwFormat): Int = (fmt.width + 1) max (LaneTiming.normWait(fmt) - fmt.width)
}
