package org.odegen.emit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An estimate of the clock a design reaches on a 7-series -1 part (the XC7Z020-1 of the PYNQ-Z2), from the netlist
 * of Yosys' {@code synth_xilinx}: no 7-series timing tool runs here, so the register-to-register paths of the mapped
 * cells are timed with {@link DelayModel}'s per-element figures and one assumed delay per routed net. It also
 * reports the deepest path in LUT levels, the longest carry chain, and whether every DSP48E1 and block RAM has its
 * output register on. It is an estimate: Vivado places, routes, replicates and retimes, which this does not.
 *
 * <p>Reusable for any design: {@link #of(Path, String)} synthesizes the Verilog of a folder;
 * {@link #fromNetlist(Path, String)} reads a netlist that {@link YosysEstimate} already wrote.
 */
public final class TimingEstimate {
    /** The goal of issue 18: every configuration estimated at 150 MHz or more. */
    public static final double TARGET_MHZ = 150.0;

    /** One cell on a path: its type, the pins the path takes through it, the net it drives, the time there (ns). */
    public record Step(String type, String cell, String in, String out, String net, int fanout, double at) {
    }

    /**
     * A register-to-register path: its delay (ns, setup included), LUT levels, CARRY4 cells, its cells in order and
     * the one-line description of them ({@link #describe}).
     */
    public record TimedPath(double delay, int lutLevels, int carry4, List<Step> steps, String cells) {
        public double fmaxMhz() {
            return 1000.0 / delay;
        }
    }

    /**
     * A path's description with Yosys' own names ({@code $abc$...}, {@code $alu$...}) left out: the cell types and the
     * design's names, for tables where the bookkeeping names are noise.
     */
    public static String withoutYosysNames(String cells) {
        return cells.replaceAll("(?<=[ (])\\\\?\\$[^ )]*", "").replace("( .. )", "").replace("( .. ", "(.. ")
                .replace(" .. )", " ..)").replace(" ()", "").replaceAll(" +", " ").replace(" -> ->", " ->");
    }

    /** One line naming the cells of a path: {@code FDRE q[3] -> LUT6 n1 -> CARRY4 x3 (a .. b) -> FDRE (D) r[7]}. */
    static String describe(List<Step> steps) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int run = 1;
            while (s.type().equals("CARRY4") && i + run < steps.size() - 1 && steps.get(i + run).type().equals("CARRY4")) {
                run++;
            }
            if (sb.length() > 0) {
                sb.append(" -> ");
            }
            if (run > 1) {
                sb.append("CARRY4 x").append(run).append(" (").append(s.net()).append(" .. ")
                        .append(steps.get(i + run - 1).net()).append(')');
                i += run - 1;
                continue;
            }
            sb.append(s.type()).append(' ');
            if (i == steps.size() - 1) {
                sb.append('(').append(s.in()).append(") ");
            }
            sb.append(s.net());
            if (s.fanout() > 16) {
                sb.append(" (fanout ").append(s.fanout()).append(')');
            }
        }
        return sb.toString();
    }

    /** What the estimate found. */
    public record Result(TimedPath worst, TimedPath deepest, int longestCarry4, List<TimedPath> slowest, int pathsBelowTarget,
                         int dsps, int dspMreg, int dspPreg, int brams, int bramOutReg, int[] slowerThanStep) {
        /**
         * The PS7 clocks above the default that {@link #slowerThanStep} counts against, MHz: 1000 / 9, 1000 / 8,
         * 1000 / 7, 1000 / 6 and the DDR PLL's 1050 / 6 (see {@link PlClock}), in that order (a cache holds the
         * counts so). A count is how many endpoints a design must speed up to build at that clock.
         */
        public static final List<PlClock> STEPS = List.of(new PlClock(9), new PlClock(8), new PlClock(7),
                new PlClock(6), new PlClock(PlClock.Pll.DDR, 6));

        public double fmaxMhz() {
            return worst == null ? Double.POSITIVE_INFINITY : worst.fmaxMhz();
        }

        public boolean meetsTarget() {
            return fmaxMhz() >= TARGET_MHZ;
        }

        /** The figures as properties (for a cache); paths keep their one-line description. */
        public Properties toProperties() {
            Properties p = new Properties();
            p.setProperty("worst.delay", Double.toString(worst == null ? 0 : worst.delay()));
            p.setProperty("worst.levels", Integer.toString(worst == null ? 0 : worst.lutLevels()));
            p.setProperty("worst.cells", worst == null ? "" : worst.cells());
            p.setProperty("deepest.levels", Integer.toString(deepest == null ? 0 : deepest.lutLevels()));
            p.setProperty("deepest.delay", Double.toString(deepest == null ? 0 : deepest.delay()));
            p.setProperty("deepest.cells", deepest == null ? "" : deepest.cells());
            p.setProperty("carry4", Integer.toString(longestCarry4));
            p.setProperty("below", Integer.toString(pathsBelowTarget));
            p.setProperty("dsp", dsps + " " + dspMreg + " " + dspPreg);
            p.setProperty("bram", brams + " " + bramOutReg);
            if (slowerThanStep != null) {
                p.setProperty("steps", Arrays.stream(slowerThanStep).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(" ")));
            }
            return p;
        }

        /** The inverse of {@link #toProperties()}; the paths come back as one step each, holding the description. */
        public static Result fromProperties(Properties p) {
            TimedPath w = summary(Double.parseDouble(p.getProperty("worst.delay")),
                    Integer.parseInt(p.getProperty("worst.levels")), p.getProperty("worst.cells"));
            TimedPath d = summary(Double.parseDouble(p.getProperty("deepest.delay")),
                    Integer.parseInt(p.getProperty("deepest.levels")), p.getProperty("deepest.cells"));
            int[] dsp = Arrays.stream(p.getProperty("dsp").split(" ")).mapToInt(Integer::parseInt).toArray();
            int[] bram = Arrays.stream(p.getProperty("bram").split(" ")).mapToInt(Integer::parseInt).toArray();
            // a cache written before the counts existed has none: its report leaves that row out
            String steps = p.getProperty("steps");
            return new Result(w, d, Integer.parseInt(p.getProperty("carry4")), List.of(w),
                    Integer.parseInt(p.getProperty("below")), dsp[0], dsp[1], dsp[2], bram[0], bram[1],
                    steps == null ? null : Arrays.stream(steps.split(" ")).mapToInt(Integer::parseInt).toArray());
        }

        private static TimedPath summary(double delay, int levels, String cells) {
            return new TimedPath(delay, levels, 0, List.of(), cells);
        }

        /** The section of {@code report.md}. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            PlClock clock = PlClock.supportedBy(fmaxMhz());
            String build = "builds at " + clock.text() + " MHz (its `-clock MHZ`), " + (fmaxMhz() >= clock.mhz()
                    ? "the fastest clock the PS7 makes exactly (" + clock.made() + ") that this estimate supports"
                    : "which this estimate does not support: give `-clock` at most " + (int) Math.floor(fmaxMhz()));
            sb.append(String.format(Locale.ROOT, "**Estimated Fmax: %.0f MHz** (worst register-to-register path %.2f ns, "
                    + "%d LUT levels). `vivado/build.tcl` %s. "
                    + "Against the project's goal of %.0f MHz (a faster clock, more images a second): %s.%n%n",
                    fmaxMhz(), worst == null ? 0 : worst.delay(), worst == null ? 0 : worst.lutLevels(), build,
                    TARGET_MHZ, meetsTarget() ? "met"
                            : "not met by " + pathsBelowTarget + " endpoint(s), the slowest named below"));
            sb.append("| | |\n| --- | --- |\n");
            sb.append(String.format(Locale.ROOT, "| deepest path in LUT levels | %d (%.2f ns) |%n",
                    deepest == null ? 0 : deepest.lutLevels(), deepest == null ? 0 : deepest.delay()));
            sb.append(String.format(Locale.ROOT, "| longest carry chain | %d CARRY4 (%d bits) |%n", longestCarry4,
                    4 * longestCarry4));
            sb.append(String.format(Locale.ROOT, "| DSP48E1 with MREG on / PREG on | %d / %d of %d |%n", dspMreg, dspPreg, dsps));
            sb.append(String.format(Locale.ROOT, "| block RAM with the output register on (DOA_REG/DOB_REG) | %d of %d |%n",
                    bramOutReg, brams));
            if (slowerThanStep != null) {
                // slowest clock first, the goal in its place (a cache written before 1000 / 6 was counted has three,
                // before 1050 / 6 four)
                List<String> steps = new ArrayList<>();
                boolean goal = false;
                for (int i = 0; i < Math.min(STEPS.size(), slowerThanStep.length); i++) {
                    PlClock step = STEPS.get(i);
                    if (!goal && step.mhz() > TARGET_MHZ) {
                        steps.add(String.format(Locale.ROOT, "%.0f MHz (goal): %d", TARGET_MHZ, pathsBelowTarget));
                        goal = true;
                    }
                    steps.add(step.text() + " MHz: " + slowerThanStep[i]);
                }
                if (!goal) {
                    steps.add(String.format(Locale.ROOT, "%.0f MHz (goal): %d", TARGET_MHZ, pathsBelowTarget));
                }
                sb.append("| endpoints slower than the PS7's clock steps | ").append(String.join(", ", steps)).append(" |\n");
            }
            sb.append("\nThe slowest paths (one per endpoint cell), cells in order:\n\n");
            for (TimedPath p : slowest) {
                sb.append(String.format(Locale.ROOT, "- %.2f ns (%.0f MHz), %d LUT levels: %s%n", p.delay(), p.fmaxMhz(),
                        p.lutLevels(), p.cells()));
            }
            if (deepest != null && !slowest.isEmpty() && deepest.lutLevels() > slowest.get(0).lutLevels()) {
                sb.append(String.format(Locale.ROOT, "- deepest in LUT levels, %.2f ns: %s%n", deepest.delay(),
                        deepest.cells()));
            }
            return sb.toString();
        }
    }

    private TimingEstimate() {
    }

    /** Synthesizes every {@code .v} file of {@code verilogFolder} with {@code top} as the top, then estimates. */
    public static Result of(Path verilogFolder, String top) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(verilogFolder)) {
            files = s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".v")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .v file in " + verilogFolder);
        }
        return YosysEstimate.synthesize(verilogFolder, top, files, true).timing();
    }

    /** Estimates from a Yosys JSON netlist ({@code write_json} after {@code synth_xilinx}) whose top is {@code top}. */
    public static Result fromNetlist(Path json, String top) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode module = root.path("modules").path(top);
        if (module.isMissingNode()) {
            throw new IllegalArgumentException("the netlist " + json.getFileName() + " has no module " + top);
        }
        return new Walk(module).run();
    }

    /** Output ports of the cells whose netlist entry carries no port directions. */
    private static final Map<String, Set<String>> OUTPUTS = Map.ofEntries(
            Map.entry("DSP48E1", Set.of("P", "PCOUT", "ACOUT", "BCOUT", "CARRYOUT", "CARRYCASCOUT", "MULTSIGNOUT",
                    "PATTERNDETECT", "PATTERNBDETECT", "OVERFLOW", "UNDERFLOW")),
            Map.entry("RAMB36E1", Set.of("DOADO", "DOBDO", "DOPADOP", "DOPBDOP", "CASCADEOUTA", "CASCADEOUTB",
                    "SBITERR", "DBITERR", "ECCPARITY", "RDADDRECC")),
            Map.entry("RAMB18E1", Set.of("DOADO", "DOBDO", "DOPADOP", "DOPBDOP")));

    /** Whether {@code port} is an output of a cell of {@code type}, for netlists written without port directions. */
    private static boolean isOutput(String type, String port) {
        Set<String> known = OUTPUTS.get(type);
        if (known != null) {
            return known.contains(port);
        }
        // LUT, MUXF, CARRY4, flip-flop, I/O and clock buffers, LUT RAM and shift registers
        return Set.of("O", "CO", "Q", "Q31", "SPO", "DPO").contains(port) || port.matches("DO[A-H]");
    }

    /** One pin of one cell (bit {@code bit} of port {@code port}). */
    private record Pin(int cell, String port, int bit) {
        String name() {
            return bit < 0 ? port : port + bit;
        }
    }

    /** The netlist as bits, cells and the timing walk over them. */
    private static final class Walk {
        private final List<String> names = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<Map<String, String>> params = new ArrayList<>();
        private final List<Map<String, int[]>> ins = new ArrayList<>();
        private final List<Map<String, int[]>> outs = new ArrayList<>();
        private final Map<Integer, Pin> driver = new HashMap<>();
        private final Map<Integer, List<Pin>> sinks = new HashMap<>();
        private final Map<Integer, String> netName = new HashMap<>();
        private final Set<Integer> topInputs = new java.util.HashSet<>();
        private final Set<Integer> topOutputs = new java.util.HashSet<>();

        // per bit: arrival at the driver's output, the input bit it came from (-1: a start), and the same for depth
        private final Map<Integer, Double> arrival = new HashMap<>();
        private final Map<Integer, Integer> pred = new HashMap<>();
        private final Map<Integer, Pin> via = new HashMap<>();
        private final Map<Integer, Integer> levels = new HashMap<>();
        private final Map<Integer, Integer> levelPred = new HashMap<>();

        Walk(JsonNode module) {
            for (Iterator<Map.Entry<String, JsonNode>> it = module.path("ports").fields(); it.hasNext(); ) {
                var e = it.next();
                Set<Integer> set = e.getValue().path("direction").asText().equals("input") ? topInputs : topOutputs;
                for (JsonNode b : e.getValue().path("bits")) {
                    if (b.isInt()) {
                        set.add(b.asInt());
                    }
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = module.path("netnames").fields(); it.hasNext(); ) {
                var e = it.next();
                boolean hidden = e.getValue().path("hide_name").asInt() == 1;
                JsonNode bits = e.getValue().path("bits");
                for (int i = 0; i < bits.size(); i++) {
                    if (!bits.get(i).isInt()) {
                        continue;
                    }
                    String n = bits.size() == 1 ? e.getKey() : e.getKey() + "[" + i + "]";
                    int b = bits.get(i).asInt();
                    String old = netName.get(b);
                    // a user's name before Yosys' own; the shorter, then the smaller, for the same output every run
                    if (old == null || better(n, hidden, old)) {
                        netName.put(b, (hidden ? "\u0000" : "") + n);
                    }
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = module.path("cells").fields(); it.hasNext(); ) {
                var e = it.next();
                int id = names.size();
                JsonNode c = e.getValue();
                String type = c.path("type").asText();
                names.add(e.getKey());
                types.add(type);
                Map<String, String> p = new HashMap<>();
                c.path("parameters").fields().forEachRemaining(x -> p.put(x.getKey(), x.getValue().asText()));
                params.add(p);
                Map<String, int[]> in = new HashMap<>();
                Map<String, int[]> out = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> pi = c.path("connections").fields(); pi.hasNext(); ) {
                    var port = pi.next();
                    JsonNode dir = c.path("port_directions").path(port.getKey());
                    boolean output = dir.isMissingNode() ? isOutput(type, port.getKey()) : dir.asText().equals("output");
                    int[] bits = new int[port.getValue().size()];
                    for (int i = 0; i < bits.length; i++) {
                        JsonNode b = port.getValue().get(i);
                        bits[i] = b.isInt() ? b.asInt() : -1;   // "0", "1", "x": a constant, no timing
                        if (bits[i] >= 0) {
                            Pin pin = new Pin(id, port.getKey(), bits.length == 1 ? -1 : i);
                            if (output) {
                                driver.put(bits[i], pin);
                            } else {
                                sinks.computeIfAbsent(bits[i], k -> new ArrayList<>()).add(pin);
                            }
                        }
                    }
                    (output ? out : in).put(port.getKey(), bits);
                }
                ins.add(in);
                outs.add(out);
            }
        }

        private static boolean better(String n, boolean hidden, String old) {
            boolean oldHidden = old.startsWith("\u0000");
            String o = oldHidden ? old.substring(1) : old;
            if (hidden != oldHidden) {
                return !hidden;
            }
            return n.length() != o.length() ? n.length() < o.length() : n.compareTo(o) < 0;
        }

        private String net(int bit) {
            String n = netName.get(bit);
            if (n == null) {
                return "net" + bit;
            }
            if (!n.startsWith("\u0000")) {
                return n;
            }
            // Yosys' own names: keep what says where the cell came from, drop the pass bookkeeping
            return n.substring(1).replaceAll("\\$abc\\$\\d+\\$auto\\$blifparse\\.cc:\\d+:parse_blif\\$", "\\$abc\\$")
                    .replaceAll("\\$techmap\\d+", "").replaceAll("(genblk1\\.)+", "")
                    .replaceAll("\\$auto\\$alumacc\\.cc:\\d+:replace_alu\\$", "\\$alu\\$");
        }

        private int param(int cell, String name, int dflt) {
            String v = params.get(cell).get(name);
            if (v == null) {
                return dflt;
            }
            if (v.matches("[01]+")) {
                return (int) Long.parseLong(v.length() > 62 ? v.substring(v.length() - 62) : v, 2);
            }
            return v.matches("-?\\d+") ? Integer.parseInt(v) : dflt;
        }

        private DelayModel.Dsp dsp(int cell) {
            String mult = params.get(cell).getOrDefault("USE_MULT", "MULTIPLY");
            return new DelayModel.Dsp(param(cell, "AREG", 1) > 0, param(cell, "BREG", 1) > 0, param(cell, "CREG", 1) > 0,
                    param(cell, "MREG", 1) > 0, param(cell, "PREG", 1) > 0, !mult.equals("NONE"));
        }

        private static boolean isLut(String t) {
            return t.matches("LUT[1-6]") || t.equals("INV");
        }

        private static boolean isLutRam(String t) {
            return t.matches("RAM\\d+X\\d+[SD](_1)?|RAM32M|RAM64M|RAM32M16|RAM64M8");
        }

        private static boolean isFf(String t) {
            return t.matches("FD(RE|SE|CE|PE)(_1)?");
        }

        /** Clock-to-out of an output pin of a sequential cell, or -1 if that output is not a start point. */
        private double start(int cell, String port) {
            String t = types.get(cell);
            if (isFf(t)) {
                return DelayModel.FF_CKO;
            }
            if (t.startsWith("RAMB")) {
                boolean a = port.startsWith("DOA") || port.startsWith("DOPA") || port.equals("CASCADEOUTA");
                int reg = param(cell, a ? "DOA_REG" : "DOB_REG", 0);
                return reg > 0 ? DelayModel.BRAM_CKO_REG : DelayModel.BRAM_CKO;
            }
            if (isLutRam(t)) {
                return DelayModel.LUTRAM_CKO;
            }
            if (t.startsWith("SRL")) {
                return port.equals("Q31") ? DelayModel.SRL_CKO_Q31 : DelayModel.SRL_CKO;
            }
            if (t.equals("DSP48E1")) {
                DelayModel.Dsp d = dsp(cell);
                return port.equals("PCOUT") || port.equals("ACOUT") || port.equals("BCOUT") ? d.pcoutArrival()
                        : d.pArrival();
            }
            if (t.equals("IBUF")) {
                return DelayModel.FF_CKO;   // a register outside the block drives every input
            }
            return -1;
        }

        /** Setup of an input pin that ends paths, or -1 if it ends none. */
        private double setup(int cell, String port) {
            String t = types.get(cell);
            if (isFf(t)) {
                return switch (port) {
                    case "D" -> DelayModel.FF_D;
                    case "CE" -> DelayModel.FF_CE;
                    case "R", "S", "CLR", "PRE" -> DelayModel.FF_SR;
                    default -> -1;
                };
            }
            if (t.startsWith("RAMB")) {
                if (port.startsWith("CLK")) {
                    return -1;
                }
                if (port.startsWith("ADDR") || port.startsWith("EN") || port.startsWith("CASCADEIN")) {
                    return DelayModel.BRAM_ADDR;    // EN and CASCADEIN: no figure in the source, the address's
                }
                if (port.startsWith("WE")) {
                    return DelayModel.BRAM_WE;
                }
                if (port.startsWith("DI")) {
                    return DelayModel.BRAM_DI;
                }
                if (port.startsWith("REGCE")) {
                    return DelayModel.BRAM_REGCE;
                }
                if (port.startsWith("RST")) {
                    return DelayModel.BRAM_RSTREG;
                }
                return DelayModel.BRAM_ADDR;
            }
            if (isLutRam(t)) {
                if (port.equals("WCLK")) {
                    return -1;
                }
                if (port.equals("WE")) {
                    return DelayModel.LUTRAM_WE;
                }
                if (port.equals("D") || port.startsWith("DI")) {
                    return DelayModel.LUTRAM_D;
                }
                // the write address: ADDRD of the multi-port RAMs, A of the others
                if (port.equals("ADDRD") || port.equals("A") || port.matches("A\\d")) {
                    return DelayModel.LUTRAM_WA;
                }
                return -1;
            }
            if (t.startsWith("SRL")) {
                return port.equals("D") ? DelayModel.SRL_D : port.equals("CE") ? DelayModel.SRL_CE : -1;
            }
            if (t.equals("DSP48E1")) {
                DelayModel.Dsp d = dsp(cell);
                return switch (port) {
                    case "A", "ACIN" -> d.a();
                    case "B", "BCIN" -> d.b();
                    case "C", "PCIN" -> d.c();
                    case "CLK" -> -1;
                    case "D" -> d.a();
                    case "OPMODE", "ALUMODE", "CARRYIN", "CARRYINSEL", "CARRYCASCIN" ->
                        param(cell, port.startsWith("CARRY") ? "CARRYINREG" : port + "REG", 1) > 0 ? DelayModel.DSP_CTRL
                                : d.preg() ? d.c() : -1;
                    default -> DelayModel.DSP_CTRL;    // CE*, RST*, INMODE, MULTSIGNIN
                };
            }
            if (t.equals("OBUF")) {
                return DelayModel.FF_D;     // a register outside the block takes every output
            }
            return -1;
        }

        /** Combinational arcs from input pin {@code in} to the cell's outputs: (output pin, delay). */
        private List<Map.Entry<Pin, Double>> arcs(int cell, String in, int inBit) {
            String t = types.get(cell);
            List<Map.Entry<Pin, Double>> r = new ArrayList<>();
            Map<String, int[]> o = outs.get(cell);
            if (isLut(t)) {
                r.add(Map.entry(new Pin(cell, t.equals("INV") ? "O" : "O", -1), DelayModel.LUT));
            } else if (t.equals("MUXF7") || t.equals("MUXF8")) {
                boolean s = in.equals("S");
                double d = t.equals("MUXF7") ? (s ? DelayModel.MUXF7_S : DelayModel.MUXF7_I)
                        : (s ? DelayModel.MUXF8_S : DelayModel.MUXF8_I);
                r.add(Map.entry(new Pin(cell, "O", -1), d));
            } else if (t.equals("CARRY4")) {
                String from = in.equals("CI") || in.equals("CYINIT") ? in : in + Math.max(inBit, 0);
                for (String port : List.of("O", "CO")) {
                    int[] bits = o.get(port);
                    for (int i = 0; bits != null && i < bits.length; i++) {
                        double d = DelayModel.carry4(from, port + i);
                        if (d >= 0 && bits[i] >= 0) {
                            r.add(Map.entry(new Pin(cell, port, i), d));
                        }
                    }
                }
            } else if (isLutRam(t) || t.startsWith("SRL")) {
                String target = readTarget(t, in);
                if (target != null && o.containsKey(target)) {
                    double d = t.startsWith("RAM128") || t.startsWith("RAM256") ? DelayModel.LUTRAM128_READ : DelayModel.LUT;
                    int[] bits = o.get(target);
                    for (int i = 0; i < bits.length; i++) {
                        r.add(Map.entry(new Pin(cell, target, bits.length == 1 ? -1 : i), d));
                    }
                }
            } else if (t.equals("DSP48E1")) {
                DelayModel.Dsp d = dsp(cell);
                double arc = switch (in) {
                    case "A", "ACIN" -> d.a() < 0 ? d.aToP() : -1;
                    case "B", "BCIN" -> d.b() < 0 ? d.bToP() : -1;
                    case "C", "PCIN" -> d.c() < 0 ? d.cToP() : -1;
                    default -> -1;
                };
                if (arc >= 0) {
                    for (String port : List.of("P", "PCOUT")) {
                        int[] bits = o.get(port);
                        for (int i = 0; bits != null && i < bits.length; i++) {
                            r.add(Map.entry(new Pin(cell, port, i), arc + (port.equals("PCOUT") ? 0.148 : 0)));
                        }
                    }
                }
            } else if (t.equals("BUFG") || t.equals("IBUF") || t.equals("OBUF") || t.startsWith("RAMB") || isFf(t)
                    || t.equals("GND") || t.equals("VCC")) {
                return r;    // no arc: clock buffer, I/O buffers (start or end), sequential cells, constants
            } else {
                throw new IllegalStateException("timing estimate: no delay model for cell type " + t + " ("
                        + names.get(cell) + ")");
            }
            return r;
        }

        /** The output that a read address of a LUT RAM or SRL drives, or null for a write-only pin. */
        private static String readTarget(String t, String in) {
            if (t.startsWith("SRL")) {
                return in.equals("A") || in.matches("A\\d") ? "Q" : null;
            }
            if (t.startsWith("RAM32M") || t.startsWith("RAM64M")) {
                return in.matches("ADDR[A-H]") ? "DO" + in.charAt(4) : null;
            }
            if (t.endsWith("D") || t.endsWith("D_1")) {
                return in.equals("A") || in.matches("A\\d") ? "SPO" : in.startsWith("DPRA") ? "DPO" : null;
            }
            return in.equals("A") || in.matches("A\\d") ? "O" : null;
        }

        /** Routed-net delay from the driver of {@code bit} to {@code sink}: none on the dedicated in-slice and cascade routes. */
        private double netDelay(int bit, Pin sink) {
            Pin d = driver.get(bit);
            String st = types.get(sink.cell());
            if (d != null) {
                String dt = types.get(d.cell());
                if (dt.equals("CARRY4") && d.port().equals("CO") && st.equals("CARRY4") && sink.port().equals("CI")) {
                    return 0;
                }
                if (isLut(dt) && (st.equals("MUXF7") || st.equals("CARRY4") && !sink.port().equals("CI"))) {
                    return 0;   // a LUT and its F7 mux or carry cell share a slice
                }
                if (dt.equals("MUXF7") && st.equals("MUXF8")) {
                    return 0;
                }
                if (dt.equals("DSP48E1") && st.equals("DSP48E1") && d.port().endsWith("COUT")) {
                    return 0;   // PCOUT, ACOUT, BCOUT, CARRYCASCOUT: the cascade
                }
                if (dt.startsWith("RAMB") && d.port().startsWith("CASCADEOUT")) {
                    return 0;
                }
                if (dt.equals("IBUF") || st.equals("OBUF")) {
                    return DelayModel.NET;
                }
            }
            return DelayModel.NET;
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
                Pin d = driver.get(bit);
                if (d == null) {
                    // a top-level input without a buffer starts a path (a register outside drives it); else nothing
                    arrival.put(bit, topInputs.contains(bit) ? DelayModel.FF_CKO : Double.NEGATIVE_INFINITY);
                    pred.put(bit, -1);
                    levels.put(bit, 0);
                    levelPred.put(bit, -1);
                    stack.pop();
                    continue;
                }
                int cell = d.cell();
                List<Arc> into = new ArrayList<>();
                boolean ready = true;
                for (var in : ins.get(cell).entrySet()) {
                    int[] bits = in.getValue();
                    for (int i = 0; i < bits.length; i++) {
                        if (bits[i] < 0) {
                            continue;
                        }
                        Pin sink = new Pin(cell, in.getKey(), bits.length == 1 ? -1 : i);
                        for (var arc : arcs(cell, in.getKey(), sink.bit())) {
                            if (!arc.getKey().port().equals(d.port()) || arc.getKey().bit() != d.bit()) {
                                continue;
                            }
                            into.add(new Arc(bits[i], sink, arc.getValue()));
                            if (!arrival.containsKey(bits[i])) {
                                ready = false;
                                if (state.getOrDefault(bits[i], 0) == 1) {
                                    throw new IllegalStateException("timing estimate: a combinational loop through "
                                            + types.get(cell) + " " + names.get(cell) + " (net " + net(bits[i]) + ")");
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
                double s = start(cell, d.port());
                double best = s >= 0 ? s : Double.NEGATIVE_INFINITY;
                int from = -1;
                int lv = -1;
                int lvFrom = -1;
                for (Arc arc : into) {
                    double a = arrival.get(arc.bit());
                    if (a == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    double t = a + netDelay(arc.bit(), arc.sink()) + arc.delay();
                    if (t > best) {
                        best = t;
                        from = arc.bit();
                    }
                    if (levels.get(arc.bit()) > lv) {
                        lv = levels.get(arc.bit());
                        lvFrom = arc.bit();
                    }
                }
                String t = types.get(cell);
                // LUTs count as levels; so does the read of a LUT RAM or shift register (it is a LUT)
                boolean lutLevel = isLut(t) || (isLutRam(t) || t.startsWith("SRL")) && lvFrom >= 0;
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
            for (var e : sinks.entrySet()) {
                int bit = e.getKey();
                for (Pin p : e.getValue()) {
                    double su = setup(p.cell(), p.port());
                    if (su < 0) {
                        continue;
                    }
                    double a = arrive(bit);
                    if (a == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    ends.add(new End(p, bit, a + netDelay(bit, p) + su, levels.get(bit)));
                }
            }
            for (int bit : topOutputs) {
                Pin d = driver.get(bit);
                if (d != null && !types.get(d.cell()).equals("OBUF")) {
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
            List<End> sorted = perCell.values().stream().sorted(Walk::order).toList();
            End deepest = deepestPerCell.values().stream().min((x, y) -> x.levels() != y.levels()
                    ? Integer.compare(y.levels(), x.levels()) : order(x, y)).orElse(null);
            double limit = 1000.0 / TARGET_MHZ;
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
            for (int c = 0; c < types.size(); c++) {
                String t = types.get(c);
                if (t.equals("CARRY4")) {
                    longest = Math.max(longest, chain(c, chain));
                } else if (t.equals("DSP48E1")) {
                    dsps++;
                    mreg += param(c, "MREG", 1) > 0 ? 1 : 0;
                    preg += param(c, "PREG", 1) > 0 ? 1 : 0;
                } else if (t.startsWith("RAMB")) {
                    brams++;
                    // on when every read port in use has it
                    boolean on = (!usesPort(c, "DOADO") || param(c, "DOA_REG", 0) > 0)
                            && (!usesPort(c, "DOBDO") || param(c, "DOB_REG", 0) > 0);
                    outReg += on ? 1 : 0;
                }
            }
            return new Result(slowest.isEmpty() ? null : slowest.get(0), deep, longest, slowest, below, dsps, mreg, preg,
                    brams, outReg, steps);
        }

        private boolean usesPort(int cell, String port) {
            int[] bits = outs.get(cell).get(port);
            if (bits == null) {
                return false;
            }
            for (int b : bits) {
                if (b >= 0 && sinks.containsKey(b)) {
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
                int[] ci = ins.get(c).get("CI");
                Pin d = ci == null || ci.length == 0 || ci[0] < 0 ? null : driver.get(ci[0]);
                if (d == null || !types.get(d.cell()).equals("CARRY4") || seen.contains(d.cell())) {
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
                Pin d = driver.get(bit);
                String type = d == null ? "input" : types.get(d.cell());
                int prev = byLevels ? levelPred.getOrDefault(bit, -1) : pred.getOrDefault(bit, -1);
                String inPin = "";
                if (prev >= 0 && d != null) {
                    for (Pin s : sinks.getOrDefault(prev, List.of())) {
                        if (s.cell() == d.cell()) {
                            inPin = s.name();
                            break;
                        }
                    }
                }
                if (isLut(type) || (isLutRam(type) || type.startsWith("SRL")) && prev >= 0) {
                    lut++;
                }
                if (type.equals("CARRY4")) {
                    carry++;
                }
                steps.add(0, new Step(type, d == null ? "" : names.get(d.cell()), inPin, d == null ? "" : d.name(),
                        net(bit), sinks.getOrDefault(bit, List.of()).size(), arrival.getOrDefault(bit, 0.0)));
                bit = prev;
            }
            String endType = end.cell() < 0 ? "output" : types.get(end.cell());
            String endNet = end.cell() < 0 ? net(endBit) : endName(end);
            steps.add(new Step(endType, end.cell() < 0 ? "" : names.get(end.cell()), end.name(), "", endNet, 0, total));
            return new TimedPath(total, lut, carry, steps, describe(steps));
        }

        /** An endpoint's name: the net its cell drives (a register's own name), else the cell's. */
        private String endName(Pin end) {
            for (int[] bits : outs.get(end.cell()).values()) {
                for (int b : bits) {
                    if (b >= 0) {
                        return net(b);
                    }
                }
            }
            return names.get(end.cell());
        }
    }

}
