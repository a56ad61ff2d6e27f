package org.odegen.emit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.odegen.emit.TimingEstimate.Result;
import org.odegen.emit.TimingEstimate.Step;
import org.odegen.emit.TimingEstimate.TimedPath;
import org.odegen.emit.TimingNetlist.Pin;

/**
 * The timing walk over a {@link TimingNetlist}: each net bit's arrival and LUT levels (from {@link TimingArcs}), the
 * endpoints and their slowest and deepest paths, the longest carry chain and the DSP48E1 and block RAM registers:
 * {@link TimingEstimate}'s {@link Result}.
 */
final class TimingWalk {
    private final TimingNetlist netlist;
    private final TimingArcs timing;

    // per bit: arrival at the driver's output, the input bit it came from (-1: a start), and the same for depth
    private final Map<Integer, Double> arrival = new HashMap<>();
    private final Map<Integer, Integer> pred = new HashMap<>();
    private final Map<Integer, Integer> levels = new HashMap<>();
    private final Map<Integer, Integer> levelPred = new HashMap<>();

    TimingWalk(TimingNetlist netlist) {
        this.netlist = netlist;
        this.timing = new TimingArcs(netlist);
    }

    /** Arrival (ns) at the output bit {@code root}, computed once, without recursion (carry chains are long). */
    private double arrive(int root) {
        Map<Integer, Integer> state = new HashMap<>();
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            int bit = stack.peek();
            if (arrival.containsKey(bit)) {
                stack.pop();
                continue;
            }
            Pin d = netlist.driver.get(bit);
            if (d == null) {
                // a top-level input without a buffer starts a path (a register outside drives it); else nothing
                arrival.put(bit, netlist.topInputs.contains(bit) ? DelayModel.FF_CKO : Double.NEGATIVE_INFINITY);
                pred.put(bit, -1);
                levels.put(bit, 0);
                levelPred.put(bit, -1);
                stack.pop();
                continue;
            }
            int cell = d.cell();
            List<Arc> into = new ArrayList<>();
            boolean ready = true;
            for (var in : netlist.ins.get(cell).entrySet()) {
                int[] bits = in.getValue();
                for (int i = 0; i < bits.length; i++) {
                    if (bits[i] < 0) {
                        continue;
                    }
                    Pin sink = new Pin(cell, in.getKey(), bits.length == 1 ? -1 : i);
                    for (var arc : timing.arcs(cell, in.getKey(), sink.bit())) {
                        if (!arc.getKey().port().equals(d.port()) || arc.getKey().bit() != d.bit()) {
                            continue;
                        }
                        into.add(new Arc(bits[i], sink, arc.getValue()));
                        if (!arrival.containsKey(bits[i])) {
                            ready = false;
                            if (state.getOrDefault(bits[i], 0) == 1) {
                                throw new IllegalStateException("timing estimate: a combinational loop through "
                                        + netlist.types.get(cell) + " " + netlist.names.get(cell) + " (net "
                                        + netlist.net(bits[i]) + ")");
                            }
                            stack.push(bits[i]);
                        }
                    }
                }
            }
            if (!ready) {
                state.put(bit, 1);
                continue;
            }
            stack.pop();
            double s = timing.start(cell, d.port());
            double best = s >= 0 ? s : Double.NEGATIVE_INFINITY;
            int from = -1;
            int lv = -1;
            int lvFrom = -1;
            for (Arc arc : into) {
                double a = arrival.get(arc.bit());
                if (a == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double t = a + timing.netDelay(arc.bit(), arc.sink()) + arc.delay();
                if (t > best) {
                    best = t;
                    from = arc.bit();
                }
                if (levels.get(arc.bit()) > lv) {
                    lv = levels.get(arc.bit());
                    lvFrom = arc.bit();
                }
            }
            String t = netlist.types.get(cell);
            // LUTs count as levels; so does the read of a LUT RAM or shift register (it is a LUT)
            boolean lutLevel = TimingArcs.isLut(t) || (TimingArcs.isLutRam(t) || t.startsWith("SRL")) && lvFrom >= 0;
            arrival.put(bit, best);
            pred.put(bit, from);
            levels.put(bit, Math.max(lv, 0) + (lutLevel ? 1 : 0));
            levelPred.put(bit, lvFrom);
        }
        return arrival.get(root);
    }

    /** An arc into a cell: the input's net bit, the pin it enters, the cell's delay to the output in question. */
    private record Arc(int bit, Pin sink, double delay) {
    }

    /** An endpoint: the pin, its net bit, the path's delay with setup, the LUT levels into it. */
    private record End(Pin pin, int bit, double total, int levels) {
    }

    private static int order(End x, End y) {
        if (x.total() != y.total()) {
            return Double.compare(y.total(), x.total());
        }
        return Integer.compare(x.bit(), y.bit());
    }

    Result run() {
        List<End> ends = new ArrayList<>();
        for (var e : netlist.sinks.entrySet()) {
            int bit = e.getKey();
            for (Pin p : e.getValue()) {
                double su = timing.setup(p.cell(), p.port());
                if (su < 0) {
                    continue;
                }
                double a = arrive(bit);
                if (a == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                ends.add(new End(p, bit, a + timing.netDelay(bit, p) + su, levels.get(bit)));
            }
        }
        for (int bit : netlist.topOutputs) {
            Pin d = netlist.driver.get(bit);
            if (d != null && !netlist.types.get(d.cell()).equals("OBUF")) {
                double a = arrive(bit);
                if (a != Double.NEGATIVE_INFINITY) {
                    // a register outside the block takes every output
                    ends.add(new End(new Pin(-1, "out", -1), bit, a + DelayModel.NET + DelayModel.FF_D, levels.get(bit)));
                }
            }
        }
        // the worst per endpoint cell (one register of 32 bits is one line), in a stable order
        Map<Integer, End> perCell = new HashMap<>();
        Map<Integer, End> deepestPerCell = new HashMap<>();
        for (End e : ends) {
            int key = e.pin().cell() >= 0 ? e.pin().cell() : -1 - e.bit();
            perCell.merge(key, e, (x, y) -> order(x, y) <= 0 ? x : y);
            deepestPerCell.merge(key, e, (x, y) -> x.levels() != y.levels() ? (x.levels() > y.levels() ? x : y)
                    : order(x, y) <= 0 ? x : y);
        }
        List<End> sorted = perCell.values().stream().sorted(TimingWalk::order).toList();
        End deepest = deepestPerCell.values().stream().min((x, y) -> x.levels() != y.levels()
                ? Integer.compare(y.levels(), x.levels()) : order(x, y)).orElse(null);
        double limit = 1000.0 / TimingEstimate.TARGET_MHZ;
        java.util.function.DoubleToIntFunction slowerThan = ns -> (int) sorted.stream()
                .filter(e -> e.total() > ns + 1e-9).count();
        int below = slowerThan.applyAsInt(limit);
        int[] steps = Result.STEPS.stream().mapToInt(c -> slowerThan.applyAsInt(c.periodNs())).toArray();
        List<TimedPath> slowest = sorted.stream().limit(Math.max(5, Math.min(below, 10)))
                .map(e -> path(e.pin(), e.bit(), e.total(), false)).toList();
        TimedPath deep = deepest == null ? null : path(deepest.pin(), deepest.bit(), deepest.total(), true);
        int longest = 0;
        Map<Integer, Integer> chain = new HashMap<>();
        int dsps = 0;
        int mreg = 0;
        int preg = 0;
        int brams = 0;
        int outReg = 0;
        for (int c = 0; c < netlist.types.size(); c++) {
            String t = netlist.types.get(c);
            if (t.equals("CARRY4")) {
                longest = Math.max(longest, chain(c, chain));
            } else if (t.equals("DSP48E1")) {
                dsps++;
                mreg += netlist.param(c, "MREG", 1) > 0 ? 1 : 0;
                preg += netlist.param(c, "PREG", 1) > 0 ? 1 : 0;
            } else if (t.startsWith("RAMB")) {
                brams++;
                // on when every read port in use has it
                boolean on = (!usesPort(c, "DOADO") || netlist.param(c, "DOA_REG", 0) > 0)
                        && (!usesPort(c, "DOBDO") || netlist.param(c, "DOB_REG", 0) > 0);
                outReg += on ? 1 : 0;
            }
        }
        return new Result(slowest.isEmpty() ? null : slowest.get(0), deep, longest, slowest, below, dsps, mreg, preg,
                brams, outReg, steps);
    }

    private boolean usesPort(int cell, String port) {
        int[] bits = netlist.outs.get(cell).get(port);
        if (bits == null) {
            return false;
        }
        for (int b : bits) {
            if (b >= 0 && netlist.sinks.containsKey(b)) {
                return true;
            }
        }
        return false;
    }

    private int chain(int cell, Map<Integer, Integer> memo) {
        // iterative: walk back along CI while the driver is a CARRY4
        List<Integer> seen = new ArrayList<>();
        int c = cell;
        int base = 0;
        while (true) {
            if (memo.containsKey(c)) {
                base = memo.get(c);
                break;
            }
            seen.add(c);
            int[] ci = netlist.ins.get(c).get("CI");
            Pin d = ci == null || ci.length == 0 || ci[0] < 0 ? null : netlist.driver.get(ci[0]);
            if (d == null || !netlist.types.get(d.cell()).equals("CARRY4") || seen.contains(d.cell())) {
                break;
            }
            c = d.cell();
        }
        for (int i = seen.size() - 1; i >= 0; i--) {
            base++;
            memo.put(seen.get(i), base);
        }
        return memo.get(cell);
    }

    /** The path into {@code endBit}, along the worst delay or (with {@code byLevels}) the most LUT levels. */
    private TimedPath path(Pin end, int endBit, double total, boolean byLevels) {
        List<Step> steps = new ArrayList<>();
        int lut = 0;
        int carry = 0;
        int bit = endBit;
        while (bit >= 0) {
            Pin d = netlist.driver.get(bit);
            String type = d == null ? "input" : netlist.types.get(d.cell());
            int prev = byLevels ? levelPred.getOrDefault(bit, -1) : pred.getOrDefault(bit, -1);
            String inPin = "";
            if (prev >= 0 && d != null) {
                for (Pin s : netlist.sinks.getOrDefault(prev, List.of())) {
                    if (s.cell() == d.cell()) {
                        inPin = s.name();
                        break;
                    }
                }
            }
            if (TimingArcs.isLut(type) || (TimingArcs.isLutRam(type) || type.startsWith("SRL")) && prev >= 0) {
                lut++;
            }
            if (type.equals("CARRY4")) {
                carry++;
            }
            steps.add(0, new Step(type, d == null ? "" : netlist.names.get(d.cell()), inPin, d == null ? "" : d.name(),
                    netlist.net(bit), netlist.sinks.getOrDefault(bit, List.of()).size(), arrival.getOrDefault(bit, 0.0)));
            bit = prev;
        }
        String endType = end.cell() < 0 ? "output" : netlist.types.get(end.cell());
        String endNet = end.cell() < 0 ? netlist.net(endBit) : endName(end);
        steps.add(new Step(endType, end.cell() < 0 ? "" : netlist.names.get(end.cell()), end.name(), "", endNet, 0, total));
        return new TimedPath(total, lut, carry, steps, TimingEstimate.describe(steps));
    }

    /** An endpoint's name: the net its cell drives (a register's own name), else the cell's. */
    private String endName(Pin end) {
        for (int[] bits : netlist.outs.get(end.cell()).values()) {
            for (int b : bits) {
                if (b >= 0) {
                    return netlist.net(b);
                }
            }
        }
        return netlist.names.get(end.cell());
    }
}
