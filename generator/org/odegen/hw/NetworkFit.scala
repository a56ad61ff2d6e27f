package org.odegen.hw

/** Whether a network engine fits the PYNQ-Z2's XC7Z020, from its memory plan and lanes, before any synthesis:
  * the generator refuses one that does not, with what it needs against what the chip has. Yosys's figures
  * (`--estimate`) are the measured ones; this is the plan's count, which matched them exactly for rODENet-3-20
  * at x16 Q32.20 (72 BRAM36) and x64 Q16.10 (112 BRAM36), so it errs only by what synthesis adds. */
object NetworkFit {
  val Bram36 = 140
  val Dsp48 = 220

  /** DSP48E1s of one `mulq` of W-bit operands: one 25 x 18 multiplier up to 18 bits, two up to 25, four up to 35
    * (W = 32: four, measured with Yosys; W <= 18: one, measured; 19..25: the 25 x 18 split, not measured). */
  def dspsPerLane(width: Int): Int = if (width <= 18) 1 else if (width <= 25) 2 else 4

  /** The lanes' multipliers (two a lane where it does two multiply-adds): nothing else of the engine takes a
    * DSP48E1 (its norm units are LUTs). */
  def dsps(cfg: NetworkHwConfig): Int = cfg.lanes * cfg.macsPerLane * dspsPerLane(cfg.dataWidth)

  /** RAMB18s of every lane's memories as [[NetworkLanes]] builds them: three feature buffers (two lanes' in one
    * block RAM where [[LanePairRam]] pairs them), the weight banks (with triples two lanes' in one), and the k bank of
    * the multi-stage solvers. */
  def ramb18(cfg: NetworkHwConfig): Int = {
    val w = cfg.dataWidth
    (0 until cfg.lanes).map { l =>
      val d = cfg.bufferDepth(l)
      val paired = w <= 18 && d > 64 && d <= 512 && cfg.lanes >= 2
      val buffers = if (paired) (if (l % 2 == 0) 3 else 0) else 3 * BankMem.ramb18(d, w, distributedBelow = 64)
      // with triples, two lanes' bank in one LanePairRam of 2W bits: counted at the pair's first lane
      val bankWords = cfg.weightDepth / cfg.weightBanks
      val weights = if (cfg.triples) (if (l % 2 == 0) cfg.weightBanks * BankMem.ramb18(bankWords, 2 * w) else 0)
        else cfg.weightBanks * BankMem.ramb18(bankWords, w)
      val k = if (cfg.multiStage) BankMem.ramb18(cfg.kDepth(l), cfg.kWidth, distributedBelow = 64) else 0
      buffers + weights + k
    }.sum
  }

  def bram36(cfg: NetworkHwConfig): Double = ramb18(cfg) / 2.0

  /** Refuses an engine that does not fit, naming what it needs against what the XC7Z020 has. */
  def check(cfg: NetworkHwConfig): Unit = {
    val dsp = dsps(cfg)
    if (dsp > Dsp48)
      throw new IllegalArgumentException(s"${cfg.name} does not fit the XC7Z020: its ${cfg.lanes} lanes of " +
        s"${cfg.dataWidth}-bit multiply-adds need $dsp DSP48E1 (${dspsPerLane(cfg.dataWidth)} a lane), the chip has " +
        s"$Dsp48; use fewer lanes or a format of at most 18 bits (one DSP48E1 a lane)")
    val bram = bram36(cfg)
    if (bram > Bram36)
      throw new IllegalArgumentException(s"${cfg.name} does not fit the XC7Z020: its feature maps and weights need " +
        f"$bram%.1f BRAM36 (the largest map ${cfg.bufferDepth(0)} words a lane, three buffers), the chip has $Bram36; " +
        "use fewer lanes, a narrower format or smaller maps")
  }
}
