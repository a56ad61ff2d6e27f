package org.odegen.hw

import spinal.core._
import spinal.lib._

/** Parameters of a `mulq` unit: the number format Q(W,F) of ARITHMETIC.md. `bWidth` is W except
  * where the second operand is wider: RK4's `mulq(h6, k1 + 2*k2 + 2*k3 + k4)` multiplies by a sum of
  * W+3 bits. */
case class MulqConfig(width: Int, frac: Int, bWidth: Int = -1) {
  require(width >= 8 && width <= 32, s"width W = $width must be in 8..32")
  require(frac >= 1 && frac <= width - 1, s"fraction bits F = $frac must be in 1..${width - 1}")
  def b: Int = if (bWidth < 0) width else bWidth
  require(b >= width && b <= width + 3, s"operand b of $b bits must be W..W+3")

  /** `rnd(a*b, F)` of a W-bit and a b-bit value needs W + b - F bits: |a*b| <= 2^(W+b-2). */
  def resultWidth: Int = width + b - frac

  /** Cycles from an accepted operand pair to its result. */
  def latency: Int = 3
}

/** Two operands of one `mulq`. */
case class MulqOperands(cfg: MulqConfig) extends Bundle {
  val a = SInt(cfg.width bits)
  val b = SInt(cfg.b bits)
}

/** `mulq(a, b) = rnd(a*b, F)`, not saturated, one result per cycle, fully pipelined as a DSP48E1
  * wants it: input registers (A/B), the product register (M), and the rounding constant added in
  * the post-adder into the output register (P). No stall: a Flow, since a DSP pipeline has none. */
case class MulqUnit(cfg: MulqConfig) extends Component {
  setDefinitionName(s"MulqUnit_W${cfg.width}_F${cfg.frac}" + (if (cfg.b == cfg.width) "" else s"_B${cfg.b}"))

  val io = new Bundle {
    val operands = slave(Flow(MulqOperands(cfg)))
    val result = master(Flow(SInt(cfg.resultWidth bits)))
  }

  private val productWidth = cfg.width + cfg.b
  private val half = S(BigInt(1) << (cfg.frac - 1), productWidth bits)

  val a = RegNext(io.operands.payload.a)
  val b = RegNext(io.operands.payload.b)
  val m = RegNext(a * b)
  // a*b + 2^(F-1) cannot overflow W+b bits: a*b <= 2^(W+b-2).
  val p = RegNext(m + half)
  val valid = Delay(io.operands.valid, cfg.latency, init = False)

  io.result.payload := p(productWidth - 1 downto cfg.frac)
  io.result.valid := valid
}
