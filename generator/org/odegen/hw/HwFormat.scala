package org.odegen.hw

import spinal.core._

/** The number format Q(W,F) of ARITHMETIC.md as the hardware holds it: W-bit two's complement words with F
  * fraction bits, their saturation and rounding, and the widths every datapath built on them needs (the
  * product, the conv accumulator, the channel sum, the k sum of Heun and RK4, the `mulq` unit). The ODEBlock
  * and the network engine both take their widths from here. */
case class HwFormat(width: Int, frac: Int) {
  require(width >= 8 && width <= 32 && frac >= 1 && frac < width, s"Q$width.$frac unsupported")

  /** `rnd(a*b, F)` of two W-bit values. */
  def productWidth: Int = 2 * width - frac

  /** ARITHMETIC.md's conv accumulator, shared with the variance sum: `terms` products rnd(a*b, F) of a conv
    * need `log2Up(terms) + 1` bits over a product; `pixels` terms rnd(d*d, F) < 2^(2W-2-F) of the variance
    * `2W - F + log2(pixels)` bits, one more than the conv's where a map has more pixels than taps. */
  def accWidth(terms: Int, pixels: Int): Int =
    scala.math.max(productWidth + log2Up(terms) + 1, productWidth + log2Up(pixels))

  /** A channel's sum of `pixels` W-bit words (the norm's mean). */
  def sumWidth(pixels: Int): Int = width + log2Up(pixels) + 1

  /** The k bank's word: Heun keeps k1 (W bits); RK4 keeps k1 + 2*k2 + 2*k3 (W+3 bits: at most 5 * 2^(W-1)). */
  def kWidth(rk4: Boolean): Int = if (rk4) width + 3 else width

  /** The lane's multiplier: its second operand is as wide as the widest update operand (RK4's K + k4). */
  def mulq(rk4: Boolean): MulqConfig = MulqConfig(width, frac, kWidth(rk4))

  /** `sat(v)` to W bits. */
  def sat(v: SInt): SInt = HwFormat.sat(v, width)
}

object HwFormat {
  /** The hardware format of the golden model's Q format. */
  def of(q: org.odegen.fixed.QFormat): HwFormat = HwFormat(q.width, q.frac)

  /** Saturates to `w` bits: clamp to [-2^(w-1), 2^(w-1)-1]. */
  def sat(v: SInt, w: Int): SInt =
    if (v.getWidth <= w) v.resize(w)
    else {
      val top = v(v.getWidth - 1 downto w - 1).asBits
      val fits = top === 0 || top.andR
      Mux(fits, v.resize(w), Mux(v.msb, S(-(BigInt(1) << (w - 1)), w bits), S((BigInt(1) << (w - 1)) - 1, w bits)))
    }

  /** `v >> k` (arithmetic) as a slice, so that no wider intermediate is left for the lint to flag. */
  def shiftDown(v: SInt, k: Int): SInt = if (k == 0) v else v(v.getWidth - 1 downto k)

  /** ARITHMETIC.md's `rnd(v, k) = (v + 2^(k-1)) >> k`; `v` must have the headroom for the added half. */
  def rnd(v: SInt, k: Int): SInt = if (k == 0) v else shiftDown(v + S(BigInt(1) << (k - 1), v.getWidth bits), k)
}
