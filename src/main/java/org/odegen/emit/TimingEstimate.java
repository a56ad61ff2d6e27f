package org.odegen.emit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
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
 *
 * <p>The parts: {@code TimingNetlist} reads the netlist, {@code TimingArcs} times its cells pin by pin,
 * {@code TimingWalk} times the paths and sums up the {@link Result}.
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
        return new TimingWalk(new TimingNetlist(module)).run();
    }

}
