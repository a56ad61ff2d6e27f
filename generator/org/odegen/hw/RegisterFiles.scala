package org.odegen.hw

/** The interface files written from a register map into every output folder, so that no harness, bench or
  * driver keeps an offset or a bit of its own: `odegen_regs.h` (C and C++) and `odegen_regs.py` (Python 2.7,
  * Jython and Python 3). `values` are the build words of the folder's top (CONFIG, WIDTH...), by register
  * name; empty where the writer does not know the build (the project's own Jython bench reads them from the
  * block). Same map and values, the same bytes. */
object RegisterFiles {
  private def hex(v: Long, digits: Int): String = String.format(s"0x%0${digits}x", java.lang.Long.valueOf(v))

  private def checked(map: RegisterMap, values: java.util.Map[String, java.lang.Long]): Seq[(String, Long)] = {
    import scala.jdk.CollectionConverters._
    val v = values.asScala.toSeq.map { case (n, x) => n -> x.longValue }
    for ((n, x) <- v) {
      require(map.contains(n) && map(n).access == Access.R, s"${map.name}: $n is not a read-only register")
      require(x >= 0 && x <= 0xffffffffL, s"$n = $x is not a 32-bit word")
    }
    map.registers.map(_.name).flatMap(n => v.find(_._1 == n)) // in address order
  }

  /** `odegen_regs.h`: each register's byte offset `ODEGEN_<REG>`, each field's `_SHIFT`, `_WIDTH` and
    * `_MASK` (`ODEGEN_<REG>_<FIELD>_...`), the build words as `ODEGEN_<REG>_VALUE`, and `ODEGEN_FIELDS(X)`,
    * one `X(register, field, shift, width)` a field. */
  def cHeader(map: RegisterMap, values: java.util.Map[String, java.lang.Long]): String = {
    val s = new StringBuilder
    s ++= s"/* odegen_regs.h: the AXI4-Lite registers of ${map.doc}, written by ODEGen from its register\n"
    s ++= " * map (RegisterMap.scala), the one source the RTL's host controller decodes too. */\n"
    s ++= "#ifndef ODEGEN_REGS_H\n#define ODEGEN_REGS_H\n\n"
    s ++= s"#define ODEGEN_MAP \"${map.name}\"\n"
    for (r <- map.registers) {
      val n = "ODEGEN_" + r.name
      s ++= s"\n/* ${r.name} (${r.access.text}): ${r.doc} */\n"
      s ++= s"#define $n ${hex(r.offset, 2)}u\n"
      for (f <- r.fields) {
        val fn = n + "_" + f.name.toUpperCase
        s ++= s"#define ${fn}_SHIFT ${f.lsb}  /* ${f.doc} */\n"
        s ++= s"#define ${fn}_WIDTH ${f.width}\n"
        s ++= s"#define ${fn}_MASK ${hex(f.mask, 8)}u\n"
      }
    }
    val v = checked(map, values)
    if (v.nonEmpty) {
      s ++= "\n/* what the build registers of this folder's top read */\n"
      for ((n, x) <- v) s ++= s"#define ODEGEN_${n}_VALUE ${hex(x, 8)}u\n"
    }
    s ++= "\n/* every field: X(register, field, shift, width) */\n#define ODEGEN_FIELDS(X) \\\n"
    for (r <- map.registers; f <- r.fields) s ++= s"    X(${r.name}, ${f.name}, ${f.lsb}, ${f.width}) \\\n"
    s ++= "\n#endif\n"
    s.toString
  }

  /** `odegen_regs.py`: each register's byte offset by name (module constants and `REGISTERS`), each one-bit
    * field's mask (`<REG>_<FIELD>`), `FIELDS` (register, field, lsb, width), `VALUES` (the build words), and
    * `get(word, register, field)`. Python 2.7 syntax, for the Jython bench too. */
  def python(map: RegisterMap, values: java.util.Map[String, java.lang.Long]): String = {
    val s = new StringBuilder
    s ++= s"\"\"\"The AXI4-Lite registers of ${map.doc}, written by ODEGen from its register map\n"
    s ++= "(RegisterMap.scala), the one source the RTL's host controller decodes too.\"\"\"\n\n"
    s ++= s"MAP = \"${map.name}\"\n\n# byte offsets\n"
    for (r <- map.registers) s ++= s"${r.name} = ${hex(r.offset, 2)}  # ${r.access.text}: ${r.doc}\n"
    s ++= "\nREGISTERS = {\n"
    for (r <- map.registers) s ++= s"    \"${r.name}\": ${r.name},\n"
    s ++= "}\n\n# one-bit fields, as masks\n"
    for (r <- map.registers; f <- r.fields if f.width == 1) s ++= s"${r.name}_${f.name.toUpperCase} = ${hex(f.mask, 1)}  # ${f.doc}\n"
    s ++= "\n# every field: (register, field, lowest bit, width)\nFIELDS = (\n"
    for (r <- map.registers; f <- r.fields) s ++= s"    (\"${r.name}\", \"${f.name}\", ${f.lsb}, ${f.width}),\n"
    s ++= ")\n\n# what the build registers of this folder's top read (empty: not known where this was written)\nVALUES = {\n"
    for ((n, x) <- checked(map, values)) s ++= s"    \"$n\": ${hex(x, 8)},\n"
    s ++= "}\n\n\n"
    s ++= "def get(word, register, field):\n"
    s ++= "    \"\"\"The value of `field` of `register` in `word`.\"\"\"\n"
    s ++= "    for r, f, lsb, width in FIELDS:\n"
    s ++= "        if r == register and f == field:\n"
    s ++= "            return (int(word) >> lsb) & ((1 << width) - 1)\n"
    s ++= "    raise KeyError(\"%s has no field %s\" % (register, field))\n"
    s.toString
  }
}
