package org.odegen.hw

import spinal.core._
import spinal.lib._

/** A lane's memory of `depth` words, cut into power-of-two chunks (largest first, none below 512
  * words) so that it fills block RAMs instead of rounding the whole depth up: 4608 words become
  * 4096 + 512, four RAMB36 and one RAMB18, not five RAMB36. Small memories go to LUT RAM.
  * One synchronous read and one write port, like a single `Mem`. */
case class BankMem(depth: Int, width: Int, distributedBelow: Int = 0) extends Area {
  val chunks: Seq[(Int, Int)] = BankMem.chunks(depth, width, distributedBelow)
  private val distributed = depth <= distributedBelow
  val mems: Seq[Mem[SInt]] = chunks.map { case (_, size) =>
    val m = Mem(SInt(width bits), size)
    if (distributed) m.addAttribute("ram_style", "distributed")
    m
  }

  private def local(addr: UInt, size: Int): UInt = addr.resize(log2Up(size) max 1)
  /** Chunk `base` holds the address: at or above its base (not said for the first), below the next
    * chunk's base (not said for the last), so that no comparison is constant. */
  private def inChunk(addr: UInt, base: Int, size: Int): Bool = {
    val last = base == chunks.last._1
    (if (base == 0) True else addr >= base) && (if (last) True else addr < base + size)
  }

  /** The word at `addr`, `latency` cycles later: 1, or 2 with the block RAM's output register (DOA_REG) on, which
    * takes the RAM's clock-to-out off the paths after it. */
  def readSync(addr: UInt, latency: Int = BankMem.readLatency): SInt = {
    val outs = chunks.zip(mems).map { case ((_, size), m) => Delay(m.readSync(local(addr, size)), latency - 1) }
    if (outs.size == 1) outs.head
    else {
      val which = Delay(Vec(chunks.map { case (b, s) => inChunk(addr, b, s) }).asBits, latency)
      MuxOH(which, outs)
    }
  }

  def write(addr: UInt, data: SInt, enable: Bool): Unit =
    chunks.zip(mems).foreach { case ((b, size), m) =>
      m.write(local(addr, size), data, enable && inChunk(addr, b, size))
    }
}

object BankMem {
  /** Cycles from a read address to its word: `readSync`, one, as a block RAM's. */
  val readLatency = 1

  /** (base, size) of each chunk: powers of two, largest first, none below 512 words; one when in LUT RAM. */
  def chunks(depth: Int, width: Int, distributedBelow: Int): Seq[(Int, Int)] = if (depth <= distributedBelow) Seq((0, depth)) else {
    // a RAMB18 holds 1024 words of up to 18 bits: a rest of up to 1024 such words is one chunk
    val blockWords = if (width <= 18) 1024 else 512
    val out = scala.collection.mutable.ArrayBuffer[(Int, Int)]()
    var base = 0
    while (base < depth) {
      val left = depth - base
      val size = if (left <= 512) 512 else if (left <= blockWords) blockWords else Integer.highestOneBit(left)
      out += ((base, size))
      base += size
    }
    out.toSeq
  }

  /** RAMB18s a memory of `depth` words of `width` <= 36 bits takes, as [[BankMem]] cuts it: each chunk of up to 1024
    * (<= 18 bits) or 512 words is one, a larger power-of-two chunk as many as its words need; none in LUT RAM. */
  def ramb18(depth: Int, width: Int, distributedBelow: Int = 0): Int = {
    require(width <= 36, s"a $width-bit memory: ramb18 counts memories of up to 36 bits")
    val perBlock = if (width <= 18) 1024 else 512
    if (depth <= distributedBelow) 0
    else chunks(depth, width, distributedBelow).map { case (_, size) => (size + perBlock - 1) / perBlock }.sum
  }
}

/** Two lanes' memories of `width` bits each in one memory of `2 * width` bits: one read address and one write
  * address for both (the lanes run one command), a write enable each (its half of the word: Xilinx block
  * RAMs' byte enables). For narrow formats, whose lanes' buffers would each take a RAMB18 a quarter full: two
  * lanes then fill one as 512 x 36. Inline Verilog, since SpinalHDL writes a masked `Mem` as one memory a
  * half, which Yosys maps to two block RAMs. */
case class LanePairRam(depth: Int, width: Int, moduleName: String, latency: Int = BankMem.readLatency) extends BlackBox {
  require(latency == 1 || latency == 2, s"latency $latency: 1, or 2 with the output register")
  private val aw = log2Up(depth) max 1
  addGeneric("DEPTH", depth)
  addGeneric("AW", aw)
  addGeneric("W", width)
  val io = new Bundle {
    val clk = in Bool ()
    val ra = in UInt (aw bits)
    val rd = out Bits (2 * width bits)
    val wa = in UInt (aw bits)
    val wd = in Bits (2 * width bits)
    val we = in Bits (2 bits)
  }
  noIoPrefix()
  mapClockDomain(clock = io.clk)
  setDefinitionName(moduleName)
  // latency 2: the block RAM's output register (DOA_REG), a second register after the read
  private val outReg = if (latency == 1) "    rd <= mem[ra];" else "    rd1 <= mem[ra];\n    rd <= rd1;"
  private val outDecl = if (latency == 1) "" else "  reg [2*W-1:0] rd1;\n"
  setInlineVerilog(
    s"""
       |module $moduleName #(parameter DEPTH = 2, parameter AW = 1, parameter W = 1) (
       |  input clk,
       |  input [AW-1:0] ra,
       |  output reg [2*W-1:0] rd,
       |  input [AW-1:0] wa,
       |  input [2*W-1:0] wd,
       |  input [1:0] we
       |);
       |  reg [2*W-1:0] mem [0:DEPTH-1];
       |$outDecl  always @(posedge clk) begin
       |    if (we[0]) mem[wa][W-1:0] <= wd[W-1:0];
       |    if (we[1]) mem[wa][2*W-1:W] <= wd[2*W-1:W];
       |$outReg
       |  end
       |endmodule
       |""".stripMargin)

  def half(h: Int): SInt = io.rd(width * h + width - 1 downto width * h).asSInt
}
