package org.odegen.hw

import spinal.core._

/** Java's door to the hardware: plain methods that elaborate and write Verilog. */
object Hardware {
  /** Writes the Verilog of a `mulq` unit into `dir`; returns the top module's name. */
  def emitMulq(width: Int, frac: Int, dir: String): String = {
    val report = HardwareConfig.spinal(dir).generateVerilog(MulqUnit(MulqConfig(width, frac)))
    report.toplevelName
  }

  /** The block's register map (INTERFACE.md), the one source the RTL decodes and every harness, bench
    * and driver reads. */
  def registerMap(): RegisterMap = RegisterMap.block

  /** The network engine's register map (NETWORK.md). */
  def networkRegisterMap(): RegisterMap = RegisterMap.engine

  /** Cycles of one Euler step of the generated block (the schedule, checked against simulation). */
  def cyclesPerStep(block: org.odegen.model.BlockConfig, lanes: Int): Long =
    OdeBlockHwConfig.of(block, lanes).cyclesPerStep

  /** Cycles of one step of `solver` (s evaluations of f) of the generated block. */
  def cyclesPerStep(block: org.odegen.model.BlockConfig, lanes: Int, solver: org.odegen.model.OdeSolver): Long =
    OdeBlockHwConfig.of(block, lanes, solver).cyclesPerStep

  /** Writes the Verilog of the ODEBlock of `block` with `lanes` lanes into `dir`; returns the top module's name. */
  def emitOdeBlock(block: org.odegen.model.BlockConfig, lanes: Int, dir: String): String =
    emitOdeBlock(block, lanes, org.odegen.model.OdeSolver.EULER, dir)

  /** The same with the ODE solver `solver` on chip. */
  def emitOdeBlock(block: org.odegen.model.BlockConfig, lanes: Int, solver: org.odegen.model.OdeSolver,
                   dir: String): String = {
    val report = HardwareConfig.spinal(dir).generateVerilog(OdeBlockTop(OdeBlockHwConfig.of(block, lanes, solver)))
    cleanUp(dir)
    waiveCppWords(new java.io.File(dir, report.toplevelName + ".v"), report.toplevelName)
    report.toplevelName
  }

  /** The network engine of NETWORK.md for `spec` with `lanes` lanes. */
  def networkConfig(spec: org.odegen.net.NetworkSpec, lanes: Int, format: org.odegen.fixed.QFormat,
      norm: org.odegen.model.NormMode): NetworkHwConfig = NetworkHwConfig.of(spec, lanes, format, norm)

  /** The same with the ODEBlocks' steps run by `solver` on chip. */
  def networkConfig(spec: org.odegen.net.NetworkSpec, lanes: Int, format: org.odegen.fixed.QFormat,
      norm: org.odegen.model.NormMode, solver: org.odegen.model.OdeSolver): NetworkHwConfig =
    NetworkHwConfig.of(spec, lanes, format, norm, solver)

  /** The network engine of any description the engine runs (NetworkProgram.check refuses the others), with
    * top module `name`; CONFIG's variant field 15 and depth 0 (NETWORK.md: "any other network.json"). */
  def networkConfig(d: org.odegen.net.NetworkDescription, lanes: Int, format: org.odegen.fixed.QFormat,
      name: String): NetworkHwConfig =
    try NetworkHwConfig.of(d, lanes, format, name, 15, 0)
    catch {
      // a kind's own requirement (its map's layout over the lanes): said as what the user can change
      case e: IllegalArgumentException if e.getMessage != null && e.getMessage.startsWith("requirement failed: ") =>
        throw new IllegalArgumentException(s"the engine cannot spread this network over $lanes lanes: " +
          e.getMessage.stripPrefix("requirement failed: ") + (if (lanes > 1) s"; try ${lanes / 2} lanes" else ""))
    }

  /** `cfg` with `macsPerLane` multiply-adds a lane and top module `name`. */
  def withMacsPerLane(cfg: NetworkHwConfig, macsPerLane: Int, name: String): NetworkHwConfig = {
    val c = cfg.copy(macsPerLane = macsPerLane, name = name)
    if (CopyKind.zerosApart(c)) c.copy(program = CopyKind.late(c.program)) else c
  }

  /** Writes the Verilog of the network engine into `dir`; returns the top module's name. */
  def emitNetwork(cfg: NetworkHwConfig, dir: String): String = {
    val report = HardwareConfig.spinal(dir).generateVerilog(NetworkEngine(cfg))
    cleanUp(dir)
    val top = new java.io.File(dir, report.toplevelName + ".v")
    waiveCppWords(top, report.toplevelName)
    dropUnusedStateIds(top)
    report.toplevelName
  }

  /** SpinalHDL writes a `localparam <STATE>_OH_ID` for every state of a one-hot enum (the engine's phases with
    * three multiply-adds a lane), also for the states no logic tests (IDLE is only assigned; a kind's phase the
    * network never enters), which Verilator's -Wall flags (UNUSEDPARAM): those lines go. */
  private def dropUnusedStateIds(file: java.io.File): Unit = {
    val text = new String(java.nio.file.Files.readAllBytes(file.toPath), java.nio.charset.StandardCharsets.UTF_8)
    val id = raw"\s*localparam (\w+_OH_ID) = \d+;".r
    val lines = text.split("\n", -1)
    val kept = lines.filter {
      case id(name) => raw"\b${name}\b".r.findAllIn(text).size > 1
      case _ => true
    }
    if (kept.length != lines.length)
      java.nio.file.Files.write(file.toPath, kept.mkString("\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
  }

  /** INTERFACE.md names a port `interrupt`, which Verilator flags as a C++ word (SYMRSVDWORD) although
    * it only renames it inside its C++; the top carries the waiver so that every Verilator run lints clean. */
  private def waiveCppWords(top: java.io.File, name: String): Unit = {
    val text = new String(java.nio.file.Files.readAllBytes(top.toPath), java.nio.charset.StandardCharsets.UTF_8)
    val at = text.indexOf("module " + name + " (")
    require(at >= 0, s"no module $name in ${top.getName}")
    val waived = text.substring(0, at) + s"/* verilator lint_off ${HardwareConfig.verilatorWaiver} */\n" + text.substring(at)
    java.nio.file.Files.write(top.toPath, waived.getBytes(java.nio.charset.StandardCharsets.UTF_8))
  }

  /** Keeps only Verilog: SpinalHDL's file list holds absolute paths, and an enum-define file can be empty. */
  private def cleanUp(dir: String): Unit = {
    val files = Option(new java.io.File(dir).listFiles()).getOrElse(Array.empty[java.io.File])
    for (f <- files if f.getName.endsWith(".lst") || (f.getName.endsWith(".v") && new String(java.nio.file.Files.readAllBytes(f.toPath)).trim.isEmpty)) f.delete()
  }
}
