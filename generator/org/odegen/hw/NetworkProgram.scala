package org.odegen.hw

import org.odegen.model.OdeSolver
import org.odegen.net.NetworkDescription

/** The layer program of a network: the passes of NETWORK.md's order, walked from its description's layers
  * (MODEL.md), and where each finds its parameters in the blob (the blob's order is the layers' tensors'
  * order, so the offsets are running sums of the parameters, running statistics left out). */
object NetworkProgram {
  /** `OdeNetwork_rodenet_3_20_x16`, with `_heun` or `_rk4` after it for those solvers (as the block). */
  def topName(spec: org.odegen.net.NetworkSpec, lanes: Int, solver: OdeSolver): String =
    "OdeNetwork_" + spec.variant.id.replace("-", "_").replace("+", "p") + "_" + spec.depth + "_x" + lanes +
      (if (solver == OdeSolver.EULER) "" else "_" + solver.id)

  def topName(spec: org.odegen.net.NetworkSpec, lanes: Int): String = topName(spec, lanes, OdeSolver.EULER)

  /** The zoo network `spec`'s program, its ODEBlocks run by `solver`. */
  def of(spec: org.odegen.net.NetworkSpec, q: org.odegen.fixed.QFormat): Seq[Pass] = of(spec, q, OdeSolver.EULER)

  def of(spec: org.odegen.net.NetworkSpec, q: org.odegen.fixed.QFormat, solver: OdeSolver): Seq[Pass] =
    of(NetworkDescription.zoo(spec, org.odegen.model.NormMode.BATCH_STATS, solver), q)

  /** The stages of one step of `solver` at `t` with step `h`: (stage time, coefficient, update mode), as
    * OdeBlock.step runs them (ARITHMETIC.md). */
  def stages(solver: OdeSolver, t: Long, h: Long): Seq[(Long, Long, Int)] = solver match {
    case OdeSolver.EULER => Seq((t, h, UpdateMode.Euler))
    case OdeSolver.HEUN => Seq((t, h, UpdateMode.StageFirst), (t + h, h, UpdateMode.HeunLast))
    case OdeSolver.RK4 =>
      val h2 = OdeSolver.half(h)
      Seq((t, h2, UpdateMode.StageFirst), (t + h2, h2, UpdateMode.StageAdd2), (t + h2, h, UpdateMode.StageAdd2),
        (t + h, OdeSolver.sixth(h), UpdateMode.Rk4Last))
  }

  /** The solvers of the description's ODE layers, each once, in the order of their codes. */
  def solvers(d: NetworkDescription): Seq[OdeSolver] = {
    val used = scala.collection.mutable.LinkedHashSet[OdeSolver]()
    d.layers.forEach {
      case o: NetworkDescription.Ode => used += o.solver
      case _ =>
    }
    used.toSeq.sortBy(_.code)
  }

  /** The solver the hardware is built for: the 'largest' one used (RK4 > Heun > Euler), whose k bank and
    * update modes hold every smaller one's; Euler for a network without ODE layers. */
  def hardwareSolver(d: NetworkDescription): OdeSolver = solvers(d).lastOption.getOrElse(OdeSolver.EULER)

  /** Refuses, with one message naming the layer and the rule, every description the engine cannot run yet:
    *  - images of any height and width from 1 to 63 (PassDesc's 12-bit pixel fields and 6-bit rows); a stride 2
    *    on a map of at least 2 x 2 (an odd side keeps its last row or column, `Pass.outSize`); the norms and
    *    the pooling divide by a power of two with a shift and by other pixel counts with the lanes'
    *    [[MeanDivider]]s;
    *  - at most 255 channels or classes (PassDesc's 8-bit channel fields);
    *  - conv outputs (stem, res) of at most 255 channels (any count: a last group that fills fewer lanes leaves
    *    the others idle, which the schedule counts; 12, 24 and 40 run bit-exact at 8 and 16 lanes);
    *  - res blocks with the identity shortcut at stride 1, shortcut A (the engine's copy pass) or shortcut B
    *    (a 1x1 conv and norm, [[Conv1x1Kind]]);
    *  - a parameter blob of under 2^24 words (PassDesc's offsets). */
  def check(d: NetworkDescription): Unit = {
    def refuse(at: String, rule: String): Nothing = throw new IllegalArgumentException(s"$at: $rule")
    val shapes = d.shapes
    if (d.height > 63 || d.width > 63)
      refuse("input", s"the image's ${d.height} x ${d.width} has a side outside 1..63 (the engine's row and column counters)")
    if (d.channels > 255) refuse("input", s"${d.channels} channels: the engine holds at most 255")
    if (d.classes > 255) refuse("fc", s"${d.classes} classes: the engine holds at most 255")
    for (i <- 0 until d.layers.size) {
      val l = d.layers.get(i)
      val at = s"layer $i (${l.label})"
      val in = shapes.get(i)
      val o = shapes.get(i + 1)
      l match {
        case _: NetworkDescription.Stem | _: NetworkDescription.Res =>
          if (o.channels > 255)
            refuse(at, s"${o.channels} output channels: the engine's convs hold at most 255")
        case _ =>
      }
      l match {
        case r: NetworkDescription.Res =>
          if (r.stride == 2 && (in.height < 2 || in.width < 2)) refuse(at, s"stride 2 on a ${in.height} x ${in.width} map")
        case _ =>
      }
    }
    if (d.params >= (1L << 24)) refuse("network", s"${d.params} parameter words: the engine addresses under 2^24")
  }

  /** The program of description `d` in format `q`: each ODE layer run by its own solver. The layers' shapes
    * are `d.shapes()`; [[NetworkHwConfig.of]] refuses the descriptions the engine cannot run. */
  def of(d: NetworkDescription, q: org.odegen.fixed.QFormat): Seq[Pass] = {
    val out = scala.collection.mutable.ArrayBuffer[Pass]()
    var at = 0 // next blob word
    var cur = 0 // the buffer holding the current map (the image arrives in buffer 0)
    def others: (Int, Int) = { val o = Seq(0, 1, 2).filter(_ != cur); (o(0), o(1)) }
    def width(size: (Int, Int)): Int = if (size._1 == size._2) 0 else size._2 // Pass.inWidth: 0 where square
    def conv(label: String, src: Int, dst: Int, cin: Int, cout: Int, size: (Int, Int), stride: Int, time: Option[Long],
        relu: Boolean, residual: Option[Int], update: Option[(Int, Long)], mode: Int = UpdateMode.Euler,
        kind: LayerKind = ConvKind): Pass = {
      val cinTotal = cin + (if (time.isDefined) 1 else 0)
      val w = at
      at += cout * cinTotal * (if (kind == Conv1x1Kind) 1 else 9)
      val a = at
      at += cout
      val b = at
      at += cout
      Pass(kind, label, bc = src, x = dst, r = residual.orElse(update.map(_._1)).getOrElse(dst), w = dst,
        cin = cin, cout = cout, inSize = size._1, inWidth = width(size), stride = stride, time = time, relu = relu,
        residual = residual.isDefined, update = update.map(_._2), updateMode = mode, weightsAt = w, normAAt = a,
        normBAt = b)
    }
    val shapes = d.shapes
    for (i <- 0 until d.layers.size) {
      val in = shapes.get(i)
      val o = shapes.get(i + 1)
      val cin = in.channels
      val c = o.channels
      val size = (in.height, in.width) // the input map's rows and columns
      val outSize = (o.height, o.width)
      d.layers.get(i) match {
        case _: NetworkDescription.Stem =>
          val (a, _) = others
          out += conv("conv1", cur, a, cin, c, size, 1, None, relu = true, None, None)
          cur = a
        case r: NetworkDescription.Res =>
          val label = r.name
          val (a, b) = others
          if (r.stride == 1 && r.shortcut == NetworkDescription.Shortcut.IDENTITY) {
            out += conv(label + ".conv1", cur, a, cin, c, size, 1, None, relu = true, None, None)
            out += conv(label + ".conv2", a, b, c, c, size, 1, None, relu = true, Some(cur), None)
            cur = b
          } else if (r.shortcut == NetworkDescription.Shortcut.A) {
            out += Pass(CopyKind, label + ".shortcut", bc = cur, x = cur, r = cur, w = b, cin = cin, cout = c,
              inSize = size._1, inWidth = width(size), stride = r.stride,
              chanOffset = org.odegen.net.Network.shortcutChannelOffset(cin, c))
            out += conv(label + ".conv1", cur, a, cin, c, size, r.stride, None, relu = true, None, None)
            out += conv(label + ".conv2", a, cur, c, c, outSize, 1, None, relu = true, Some(b), None)
          } else if (r.shortcut == NetworkDescription.Shortcut.B) {
            // the shortcut runs first, into `b`, the residual conv2 adds (as A's copy); its parameters follow
            // the block's second norm in the blob, so the convs take theirs first
            val conv1 = conv(label + ".conv1", cur, a, cin, c, size, r.stride, None, relu = true, None, None)
            val conv2 = conv(label + ".conv2", a, cur, c, c, outSize, 1, None, relu = true, Some(b), None)
            out += conv(label + ".shortcut", cur, b, cin, c, size, r.stride, None, relu = false, None, None,
              kind = Conv1x1Kind)
            out += conv1
            out += conv2
          } else throw new IllegalArgumentException(s"layer $i (${r.name}): the engine runs a res block with the " +
            s"identity shortcut at stride 1, or with shortcut A or B, not stride ${r.stride} with ${r.shortcut}")
        case od: NetworkDescription.Ode =>
          val h = q.quantize((od.t1 - od.t0) / od.steps) // ARITHMETIC.md: in double, as the golden model
          val t0 = q.quantize(od.t0)
          val (a, b) = others
          val start = at
          // z stays in `cur`; a stage's conv1 reads z (first stage) or the stage input, which the previous
          // stage's UPDATE wrote over its k in `b`; the k bank beside the buffers holds the running sum K
          for (k <- 0 until od.steps; ((ts, coef, mode), j) <- stages(od.solver, t0 + k * h, h).zipWithIndex) {
            at = start // every stage of every step reads the same parameters again
            val label = od.name + ".step" + k + (if (od.solver == OdeSolver.EULER) "" else ".stage" + (j + 1))
            val time = if (od.time) Some(ts) else None
            out += conv(label + ".conv1", if (j == 0) cur else b, a, c, c, size, 1, time, relu = true, None, None)
            out += conv(label + ".conv2", a, b, c, c, size, 1, time, relu = false, None, Some((cur, coef)), mode)
          }
        case f: NetworkDescription.Fc =>
          val (a, b) = others
          out += Pass(PoolKind, "pool", bc = cur, x = cur, r = cur, w = a, cin = cin, cout = cin,
            inSize = size._1, inWidth = width(size), stride = size._1 max size._2) // one output pixel
          val w = at
          at += c * cin
          val bias = at
          at += c
          out += Pass(FcKind, f.name, bc = a, x = b, r = b, w = b, cin = cin, cout = c, inSize = 1, stride = 1,
            weightsAt = w, normAAt = bias, normBAt = bias)
          out += Pass(OutputKind, "logits", bc = b, x = b, r = b, w = b, cin = c, cout = c, inSize = 1, stride = 1)
          cur = b
      }
    }
    require(at == d.params, s"program reads $at blob words, the network has ${d.params}")
    out.toSeq
  }
}
