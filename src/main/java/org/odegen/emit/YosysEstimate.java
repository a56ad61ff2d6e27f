package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource estimate until Vivado reports real figures: Yosys 0.23 {@code synth_xilinx -family xc7}
 * (never {@code -abc9}: with DSPs it breaks the netlist in 0.23), then the cell counts of the top; with
 * {@code timing}, also the {@link TimingEstimate} of the same netlist (one synthesis for both).
 */
public record YosysEstimate(Map<String, Integer> cells, TimingEstimate.Result timing, List<ModuleLuts> modules) {
    /** Cell counts only (no timing estimate). */
    public YosysEstimate(Map<String, Integer> cells) {
        this(cells, null, List.of());
    }

    public YosysEstimate(Map<String, Integer> cells, TimingEstimate.Result timing) {
        this(cells, timing, List.of());
    }

    /** Where the LUTs go: a module of the design, its instances and its own Slice LUTs (its submodules' apart). */
    public record ModuleLuts(String module, int instances, int sliceLuts) {
    }

    /**
     * The Slice LUTs a lane (all of them over the lanes) and where they go, module by module (Yosys {@code stat}
     * per module; the top holds the lanes' datapath and the sequencer), as a report's Markdown.
     */
    public String lutBreakdown(int lanes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT,
                "%nSlice LUTs a lane (all of them / %d lanes): %d (the paper's block: 12,720 / 16 = 795).%n", lanes,
                Math.round(sliceLuts() / (double) lanes)));
        if (!modules.isEmpty()) {
            sb.append("\n| module | instances | Slice LUTs each | in all |\n| --- | --- | --- | --- |\n");
            for (ModuleLuts m : modules) {
                sb.append(String.format(java.util.Locale.ROOT, "| %s | %d | %,d | %,d |%n", m.module(), m.instances(),
                        m.sliceLuts(), m.instances() * (long) m.sliceLuts()));
            }
        }
        return sb.toString();
    }

    private static final Pattern CELL = Pattern.compile("^\\s+(\\S+)\\s+(\\d+)\\s*$");

    public int count(String cell) {
        return cells.getOrDefault(cell, 0);
    }

    /** LUT1..LUT6 together. */
    public int luts() {
        return cells.entrySet().stream().filter(e -> e.getKey().matches("LUT[1-6]")).mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * Vivado's Slice LUTs: logic LUTs plus the LUTs used as memory (RAM32M/RAM64M 4 each, a dual-port RAM64X1D 2,
     * a shift register SRL16E/SRLC32E 1), as the project counts them.
     */
    public int sliceLuts() {
        return luts() + 4 * (count("RAM32M") + count("RAM64M") + count("RAM128X1D") + count("RAM256X1S"))
                + 2 * (count("RAM32X1D") + count("RAM64X1D") + count("RAM128X1S")) + count("RAM32X1S")
                + count("RAM64X1S") + count("SRL16E") + count("SRLC32E");
    }

    /** Flip-flops of every kind (FDRE, FDSE, FDCE, FDPE). */
    public int flipFlops() {
        return cells.entrySet().stream().filter(e -> e.getKey().startsWith("FD")).mapToInt(Map.Entry::getValue).sum();
    }

    /** BRAM in BRAM36 units: a RAMB18E1 is half a RAMB36E1. */
    public double bram36() {
        return count("RAMB36E1") + count("RAMB18E1") / 2.0;
    }

    /** Distributed (LUT) RAM cells. */
    public int lutRams() {
        return cells.entrySet().stream().filter(e -> e.getKey().startsWith("RAM") && !e.getKey().startsWith("RAMB"))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Latches of any kind: generated hardware has none. */
    public int latches() {
        return cells.entrySet().stream().filter(e -> e.getKey().startsWith("LD") || e.getKey().contains("DLATCH"))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Cell counts and the timing estimate. */
    public static YosysEstimate synthesize(Path dir, String top, List<String> files) throws IOException {
        return synthesize(dir, top, files, true);
    }

    public static YosysEstimate synthesize(Path dir, String top, List<String> files, boolean timing) throws IOException {
        Path json = timing ? Files.createTempFile("odegen-netlist-", ".json") : null;
        try {
            // the netlist for the timing estimate, after stat (whose counts stay as they were): flattened
            // (synth_xilinx keeps the hierarchy), without source attributes (a third of the file); the cell library's
            // blackboxes stay in it, since write_json takes the cells' port directions from them
            String script = "read_verilog " + String.join(" ", files) + "; synth_xilinx -family xc7 -top " + top
                    + "; stat" + (timing ? "; flatten; setattr -unset src; write_json " + json : "");
            Tool.Result r = Tool.run(dir, List.of("yosys", "-p", script), 1800);
            if (r.exit() != 0) {
                throw new IllegalStateException("yosys synth_xilinx failed on " + top + ":\n" + r.output());
            }
            YosysEstimate cells = parse(r.output());
            return new YosysEstimate(cells.cells(), timing ? TimingEstimate.fromNetlist(json, top) : null,
                    modules(r.output()));
        } finally {
            if (json != null) {
                Files.deleteIfExists(json);
            }
        }
    }

    /**
     * The modules of the last {@code stat}: each module's own cell table (the sections between the last two
     * {@code design hierarchy} tables) and its instances (the last hierarchy table), in the hierarchy's order.
     */
    static List<ModuleLuts> modules(String log) {
        int hier = log.lastIndexOf("=== design hierarchy ===");
        if (hier < 0) {
            return List.of();
        }
        int from = Math.max(0, log.lastIndexOf("=== design hierarchy ===", hier - 1));
        String stat = log.substring(from, hier);
        Map<String, YosysEstimate> own = new TreeMap<>();
        Matcher section = Pattern.compile("=== (\\S+) ===").matcher(stat);
        List<int[]> bounds = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        while (section.find()) {
            names.add(section.group(1));
            bounds.add(new int[] {section.start(), section.end()});
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < names.size() ? bounds.get(i + 1)[0] : stat.length();
            if (!names.get(i).equals("design")) {
                own.put(names.get(i), parse(stat.substring(bounds.get(i)[1], end)));
            }
        }
        List<ModuleLuts> out = new java.util.ArrayList<>();
        for (String line : log.substring(hier).split("\n")) {
            Matcher m = CELL.matcher(line);
            if (m.matches() && own.containsKey(m.group(1))) {
                out.add(new ModuleLuts(m.group(1), Integer.parseInt(m.group(2)), own.get(m.group(1)).sliceLuts()));
            } else if (!out.isEmpty()) {
                break; // the hierarchy's table is over
            }
        }
        return out;
    }

    /** Reads the cell table of the last {@code stat} section. */
    static YosysEstimate parse(String log) {
        int at = log.lastIndexOf("Number of cells:");
        if (at < 0) {
            throw new IllegalStateException("yosys printed no statistics");
        }
        Map<String, Integer> cells = new TreeMap<>();
        for (String line : log.substring(at).split("\n")) {
            if (line.contains("Number of cells:")) {
                continue;
            }
            Matcher m = CELL.matcher(line);
            if (m.matches()) {
                cells.put(m.group(1), Integer.parseInt(m.group(2)));
            } else if (!line.isBlank()) {
                break;
            }
        }
        return new YosysEstimate(cells);
    }
}
