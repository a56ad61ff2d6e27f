package org.odegen.hw

import spinal.core._
import spinal.lib._

/** Parameters of a `mulq` unit: the number format Q(W,F) of ARITHMETIC.md. `bWidth` is W except
  * where the second operand is wider: RK4's `mulq(h6, k1 + 2*k2 + 2*k3 + k4)` multiplies by a sum of
  * W+3 bits. */
case class MulqConfig(width: Int, frac: Int, bWidth: Int = -1, addend: Boolean = false) {
  require(width >= 8 && width <= 32, s"width W = $width must be in 8..32")
  require(frac >= 1 && frac <= width - 1, s"fraction bits F = $frac must be in 1..${width - 1}")
  def b: Int = if (bWidth < 0) width else bWidth
  require(b >= width && b <= width + 3, s"operand b of $b bits must be W..W+3")

  /** `rnd(a*b, F)` of a W-bit and a b-bit value needs W + b - F bits: |a*b| <= 2^(W+b-2); with the [[addend]]
    * `c` one more: |c * 2^F| < 2^(W+F-1) <= 2^(W+b-2), so the sum is at most 2^(W+b-1). */
  def resultWidth: Int = width + b - frac + (if (addend) 1 else 0)
  /** The product's register: W + b bits, one more with the addend. */
  def productWidth: Int = width + b + (if (addend) 1 else 0)

  /** Cycles from an accepted operand pair to its result. */
  def latency: Int = 3
}

/** Two operands of one `mulq`. */
case class MulqOperands(cfg: MulqConfig) extends Bundle {
  val a = SInt(cfg.width bits)
  val b = SInt(cfg.b bits)
  /** With the config's `addend`: `c`, added to the result (`rnd(a*b, F) + c`), zero where nothing is. */
  val c = cfg.addend generate SInt(cfg.width bits)
}

/** `mulq(a, b) = rnd(a*b, F)`, not saturated, one result per cycle, fully pipelined as a DSP48E1
  * wants it: input registers (A/B), the product register (M), and the rounding constant added in
  * the post-adder into the output register (P). No stall: a Flow, since a DSP pipeline has none.
  * With the config's `addend`, `rnd(a*b, F) + c`: the post-adder adds `c * 2^F + 2^(F-1)` (the rounding half
  * below `c`'s bits, so no add makes it), which is exact since `c * 2^F` has no bits below F: the norm's
  * `sat(mulq + B)` and the update's `sat(z + mulq)` in the DSP48E1, not in an adder of LUTs after it. */
case class MulqUnit(cfg: MulqConfig) extends Component {
  setDefinitionName(s"MulqUnit_W${cfg.width}_F${cfg.frac}" + (if (cfg.b == cfg.width) "" else s"_B${cfg.b}") +
    (if (cfg.addend) "_C" else ""))

  val io = new Bundle {
    val operands = slave(Flow(MulqOperands(cfg)))
    val result = master(Flow(SInt(cfg.resultWidth bits)))
  }

  private val productWidth = cfg.productWidth
  private val half = S(BigInt(1) << (cfg.frac - 1), productWidth bits)

  val a = RegNext(io.operands.payload.a)
  val b = RegNext(io.operands.payload.b)
  val m = RegNext(a * b)
  // a*b + 2^(F-1) cannot overflow W+b bits: a*b <= 2^(W+b-2); with c, W+b+1 bits (MulqConfig.resultWidth)
  val p = if (!cfg.addend) RegNext(m + half) else {
    // c beside a and b, then beside m (the DSP48E1's C register)
    val c = RegNext(RegNext(io.operands.payload.c))
    val cHalf = (c ## half(cfg.frac - 1 downto 0)).asSInt
    RegNext(m.resize(productWidth) + cHalf.resize(productWidth))
  }
  val valid = Delay(io.operands.valid, cfg.latency, init = False)
  io.result.payload := p(productWidth - 1 downto cfg.frac)
  io.result.valid := valid
}
