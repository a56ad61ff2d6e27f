package org.odegen.hw

/** One weight load of the ring: the pass it is for, its first word in every lane's weight memory, its words
  * ([[WeightRing.loadWords]]), and the weight reads the compute must have finished before the loader may write it
  * (the last read of every earlier load whose words it overwrites, plus one: 0 where it overwrites nothing). */
case class RingLoad(pass: Int, base: Int, words: Int, waitReads: Int)

/** A pass's weights in the ring: the load its first group reads (its later groups read the loads after it), and
  * whether an earlier pass loaded them and they are still there (`reuse`: the loader skips the pass). Passes
  * without weights carry 0, which nothing reads. */
case class PassWeights(firstLoad: Int, reuse: Boolean)

/** Where every weight load of a layer program lies in the lanes' weight memories, planned when the engine is
  * generated (the loader and the compute read it from ROMs, and two counters keep them in step: the loads done and
  * the weight reads done).
  *
  * The memory is a ring of `depth` words, a power of two, and each load goes where the last one ended (the weight
  * addresses' own wrap carries a load on from the last word to word 0), so the loader runs as far ahead of the
  * compute as the memory allows, whatever the loads' sizes; a load waits only for the reads of the words it
  * overwrites. A ring of another depth is cut into slots of `slotWords` (the largest load's), each load at the start
  * of the slot after the last one's: the slots' turn, without the wrap (in a ring packed without a wrap, a large load
  * after small ones finds no room before the end and waits for the words at the start). A read is the compute's last use of one
  * load: the end of a load's last group, one a load in program order, a reused load's too.
  *
  * An ODEBlock's weights are read from DDR once an image: every Euler step (and every Heun or RK4 stage) runs
  * the same two convs, and where each conv is one load (its output channels at most the lanes) it keeps its
  * words from the first step to the last, and the ring's later loads go around it. A pass keeps its weights where
  * a later pass reads the same weights (the same blob words) and every pass with weights between them is one load;
  * where the kept words leave a later load no room, the pass nearest before it keeps nothing, and the plan is
  * made again. */
case class WeightRing(depth: Int, loads: Seq[RingLoad], passes: Seq[PassWeights], reads: Int) {
  /** Some pass reads weights an earlier one loaded. */
  def keeps: Boolean = passes.exists(_.reuse)
}

object WeightRing {
  /** Words one load of pass `p` takes: its groups' weights (up to a multiple of `stride`), then norm A and norm B
    * (or the bias) words, `stride` apart ([[NetworkHwConfig.paramStride]]), one a group. */
  def loadWords(p: Pass, lanes: Int, stride: Int): Int = normBOffset(p, lanes, stride) + p.groupsPerLoad(lanes) * stride
  /** Norm A's first word in a load. */
  def normAOffset(p: Pass, lanes: Int, stride: Int): Int =
    (p.groupsPerLoad(lanes) * p.taps + stride - 1) / stride * stride
  /** Norm B's (the bias's) first word in a load. */
  def normBOffset(p: Pass, lanes: Int, stride: Int): Int =
    normAOffset(p, lanes, stride) + p.groupsPerLoad(lanes) * stride

  private case class Weighted(index: Int, key: (Int, Int, Int), loads: Int)

  def apply(program: Seq[Pass], lanes: Int, depth: Int, stride: Int, slotWords: Int): WeightRing = {
    val weighted = program.zipWithIndex.collect {
      case (p, i) if p.hasWeights => Weighted(i, (p.weightsAt, p.normAAt, p.normBAt), p.loads(lanes))
    }
    // the passes that may keep their weights: read again by a later pass, one-load passes up to it
    var candidates = weighted.indices.filter { j =>
      val w = weighted(j)
      val again = weighted.indexWhere(_.key == w.key, j + 1)
      w.loads == 1 && again > 0 && weighted.slice(j, again + 1).forall(_.loads == 1)
    }.toSet
    var plan = place(program, lanes, depth, stride, slotWords, weighted, candidates)
    while (plan.isLeft) {
      val failedAt = plan.left.toOption.get
      require(candidates.nonEmpty, s"the weight ring of $depth words has no room for ${program(weighted(failedAt).index).label}")
      // the kept words left a load no room: keep one fewer (the candidate nearest before the failure)
      val drop = candidates.filter(_ < failedAt).maxOption.getOrElse(candidates.max)
      candidates -= drop
      plan = place(program, lanes, depth, stride, slotWords, weighted, candidates)
    }
    plan.toOption.get
  }

  /** The plan with the candidates' weights kept until their last reader; Left(j) where weighted pass j's load
    * finds no room. */
  private def place(program: Seq[Pass], lanes: Int, depth: Int, stride: Int, slotWords: Int,
      weighted: Seq[Weighted], candidates: Set[Int]): Either[Int, WeightRing] = {
    // which passes reuse a kept load, and the reads in program order: (weighted pass, load read)
    val passes = Array.fill(program.size)(PassWeights(0, reuse = false))
    val loadOf = scala.collection.mutable.ArrayBuffer[(Int, Int)]() // load -> (weighted pass, its load k)
    val readLoad = scala.collection.mutable.ArrayBuffer[Int]() // read -> load
    val firstRead = scala.collection.mutable.Map[Int, Int]() // load -> its first read
    var held = Map.empty[(Int, Int, Int), Int] // a kept key -> its load
    for ((w, j) <- weighted.zipWithIndex) {
      val again = weighted.indexWhere(_.key == w.key, j + 1)
      held.get(w.key) match {
        case Some(load) =>
          passes(w.index) = PassWeights(load, reuse = true)
          readLoad += load
          if (again < 0) held -= w.key
        case None =>
          passes(w.index) = PassWeights(loadOf.size, reuse = false)
          for (k <- 0 until w.loads) {
            firstRead(loadOf.size) = readLoad.size
            readLoad += loadOf.size
            loadOf += ((j, k))
          }
          if (candidates.contains(j)) held += w.key -> (loadOf.size - 1)
      }
    }
    val lastRead = readLoad.zipWithIndex.groupBy(_._1).map { case (load, rs) => load -> rs.map(_._2).max }
    // each load where the last ended, past any words still to be read after its own first read
    val loads = scala.collection.mutable.ArrayBuffer[RingLoad]()
    val wraps = (depth & (depth - 1)) == 0
    var at = 0
    for (((j, _), load) <- loadOf.zipWithIndex) {
      val p = program(weighted(j).index)
      val words = loadWords(p, lanes, stride)
      if (words > depth) return Left(j)
      def overlaps(b: Int, k: Int): Boolean = {
        val l = loads(k)
        (if (wraps) Seq(-depth, 0, depth) else Seq(0)).exists(s => l.base + s < b + words && b < l.base + s + l.words)
      }
      def overlapping(b: Int) = loads.indices.filter(k => overlaps(b, k))
      def fit(b: Int): Int = if (wraps) b % depth else {
        val slot = (b + slotWords - 1) / slotWords * slotWords
        if (slot + words > depth) 0 else slot
      }
      var b = fit(at)
      var moved = 0
      var busy = overlapping(b).filter(k => lastRead(k) >= firstRead(load))
      while (busy.nonEmpty) {
        // on past the busy words: to the end of the one that ends last after b
        val end = busy.map { k => val e = loads(k).base + loads(k).words; if (e <= b) e + depth else e }.max
        moved += end - b
        b = fit(end)
        if (moved > 2 * depth) return Left(j)
        busy = overlapping(b).filter(k => lastRead(k) >= firstRead(load))
      }
      val waitReads = overlapping(b).map(k => lastRead(k) + 1).foldLeft(0)(_ max _)
      loads += RingLoad(weighted(j).index, b, words, waitReads)
      at = b + words
    }
    Right(WeightRing(depth, loads.toSeq, passes.toSeq, readLoad.size))
  }
}
