package org.odegen.hw

/** Where a pass's weights are: the slot of its first load (its later loads take the slots after it, in turn),
  * whether they are already there (`reuse`: an earlier pass loaded the same weights and kept them, so the
  * loader skips the pass) and whether the slot keeps them when the pass is done (`keep`: a later pass reads them
  * again). Passes without weights carry the slot the turn is at, which nothing reads. */
case class SlotUse(slot: Int, reuse: Boolean, keep: Boolean)

/** The weight slots of a layer program, planned when the engine is generated, so that an ODEBlock's weights are
  * read from DDR once an image instead of once a conv pass: every Euler step (and every Heun or RK4 stage) runs
  * the same two convs, and where each conv's weights are one load (its output channels at most the lanes, as
  * rODENet's layer3 at 64 lanes) they stay in their slot from the first step to the last. The compute and the
  * loader take each pass's slot from the ROM ([[PassDesc]]); without a kept slot the plan is the slots' turn
  * (slot after slot), which the engine keeps by itself, as before.
  *
  * A pass keeps its weights where a later pass reads the same weights (the same blob words) and every pass with
  * weights between them is one load; at least one slot stays free for the loads between, unless there are none
  * (the two convs of an ODEBlock with two slots: both kept, nothing loaded until the block's last step). */
object WeightSlotPlan {
  private case class Weighted(index: Int, key: (Int, Int, Int), loads: Int)

  def apply(program: Seq[Pass], lanes: Int, slots: Int): Seq[SlotUse] = {
    val weighted = program.zipWithIndex.collect {
      case (p, i) if p.hasWeights => Weighted(i, (p.weightsAt, p.normAAt, p.normBAt), p.loads(lanes))
    }
    // the passes that may keep their weights: read again by a later pass, one-load passes up to it
    var candidates = weighted.indices.filter { j =>
      val w = weighted(j)
      val again = weighted.indexWhere(_.key == w.key, j + 1)
      w.loads == 1 && again > 0 && weighted.slice(j, again + 1).forall(_.loads == 1)
    }.toSet
    var plan = simulate(program.size, weighted, slots, candidates)
    while (plan.isLeft) {
      // the kept slots left a load without one: keep one fewer (the candidate nearest before the failure)
      val failedAt = plan.left.toOption.get
      val drop = candidates.filter(_ < failedAt).maxOption.getOrElse(candidates.max)
      candidates -= drop
      plan = simulate(program.size, weighted, slots, candidates)
    }
    plan.toOption.get
  }

  /** The plan with the candidates' weights kept until their last reader; Left(j) where weighted pass j finds
    * no free slot. */
  private def simulate(passes: Int, weighted: Seq[Weighted], slots: Int, candidates: Set[Int]): Either[Int, Seq[SlotUse]] = {
    val held = Array.fill[Option[(Int, Int, Int)]](slots)(None)
    val use = Array.fill[SlotUse](passes)(SlotUse(0, reuse = false, keep = false))
    var turn = 0
    var w = 0
    var keptKeys = Set.empty[(Int, Int, Int)] // keys a candidate kept: their later readers keep them until the last
    for (i <- 0 until passes) {
      if (w < weighted.size && weighted(w).index == i) {
        val p = weighted(w)
        val lastReader = !weighted.drop(w + 1).exists(_.key == p.key)
        val heldAt = held.indexWhere(_.contains(p.key))
        val (slot, reuse) = if (heldAt >= 0) (heldAt, true) else {
          val free = (0 until slots).map(k => (turn + k) % slots).filter(s => held(s).isEmpty)
          // a pass of several loads takes its slots in turn: none of them may be kept
          if (free.isEmpty || (p.loads > 1 && held.exists(_.isDefined))) return Left(w)
          (free.head, false)
        }
        if (candidates.contains(w)) keptKeys += p.key
        val keep = keptKeys.contains(p.key) && !lastReader
        held(slot) = if (keep) Some(p.key) else None
        if (!reuse) turn = (slot + p.loads) % slots
        use(i) = SlotUse(slot, reuse, keep)
        w += 1
      } else {
        use(i) = SlotUse(turn, reuse = false, keep = false)
      }
    }
    Right(use.toSeq)
  }
}
