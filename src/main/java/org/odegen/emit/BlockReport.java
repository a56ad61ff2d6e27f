package org.odegen.emit;

import java.util.Locale;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.model.BlockConfig;
import org.odegen.model.OdeSolver;

/** {@code report.md} of one generated block: parameters, cycles against the bound, resources against the paper. */
final class BlockReport {
    private BlockReport() {
    }

    static String markdown(OdeBlockDesign d, String top, long cycles, YosysEstimate est) {
        BlockConfig b = d.block();
        OdeSolver solver = d.solver();
        long bound = d.macBoundCyclesPerSolverStep();
        String stepName = solver.title();
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(top).append("\n\n");
        sb.append("ODEBlock ").append(b.name()).append(": conv3x3, norm, ReLU, conv3x3, norm, iterated by the ")
                .append(stepName).append(" solver.\n\n");
        sb.append("| parameter | value |\n| --- | --- |\n");
        row(sb, "feature map", b.channels() + " x " + b.height() + " x " + b.width());
        row(sb, "lanes (multiply-add units)", Integer.toString(d.lanes()));
        row(sb, "number format", b.format().toString());
        row(sb, "norm mode", b.norm().id());
        row(sb, "time channel", b.timeChannel() ? "on (Cin = C + 1)" : "off (Cin = C)");
        row(sb, "ODE solver", solver.id() + " (" + solver.evaluations() + " evaluation" + (solver.evaluations() > 1 ? "s" : "")
                + " of f per step; WIDTH[9:8] = " + solver.code() + ")");
        row(sb, "parameter words", Integer.toString(b.paramWords()));
        row(sb, "feature-map words", Integer.toString(b.featureWords()));
        row(sb, "parameter size", String.format(Locale.ROOT, "%.2f kB", b.paramWords() * 4 / 1000.0));
        sb.append("\n## Cycles per ").append(stepName).append(" step\n\n");
        sb.append("| | cycles |\n| --- | --- |\n");
        row(sb, solver.evaluations() == 1 ? "multiply-add bound, 2*H*W*C*Cin*9 / lanes"
                : "multiply-add bound, " + solver.evaluations() + " * 2*H*W*C*Cin*9 / lanes", Long.toString(bound));
        row(sb, "this block (the sequencer's schedule; checked against CYCLES in simulation)", Long.toString(cycles));
        row(sb, "ratio to the bound", String.format(Locale.ROOT, "%.4f", cycles / (double) bound));
        row(sb, "multiply-add units busy", String.format(Locale.ROOT, "%.1f%%", 100.0 * bound / cycles));
        if (solver != OdeSolver.EULER) {
            row(sb, "per evaluation of f (against an Euler step of the same block)",
                    Long.toString(cycles / solver.evaluations()));
        }
        if (b.name().equals("layer3_2") && solver == OdeSolver.EULER) {
            PaperTable3.layer3_2Cycles(d.lanes()).ifPresent(p -> row(sb, "the paper's layer3_2 at these lanes",
                    String.format(Locale.ROOT, "%d (%.2fx the bound)", p, p / (double) bound)));
        }
        sb.append("\n## Resources (XC7Z020)\n\n");
        var paper = PaperTable3.row(b.name(), d.lanes());
        var cap = PaperTable3.XC7Z020;
        if (est == null) {
            sb.append("Not estimated: generate with `-Destimate` (`odegen generate --estimate`) for Yosys "
                    + "`synth_xilinx -family xc7` cell counts.\n");
            paper.ifPresent(p -> sb.append(String.format(Locale.ROOT,
                    "%nThe paper's Table 3 for %s x%d: %d BRAM36, %d DSP48E1, %d LUT, %d FF.%n",
                    b.name(), d.lanes(), p.bram36(), p.dsp(), p.lut(), p.ff())));
        } else {
            sb.append("| resource | this block (Yosys 0.23) | the paper (Table 3) | XC7Z020 |\n| --- | --- | --- | --- |\n");
            sb.append(String.format(Locale.ROOT, "| BRAM36 (RAMB36E1 + RAMB18E1 / 2) | %s | %s | %d |%n",
                    fmtHalf(est.bram36()), paper.map(p -> Integer.toString(p.bram36())).orElse("-"), cap.bram36()));
            sb.append(String.format(Locale.ROOT, "| DSP48E1 | %d | %s | %d |%n", est.count("DSP48E1"),
                    paper.map(p -> Integer.toString(p.dsp())).orElse("-"), cap.dsp()));
            sb.append(String.format(Locale.ROOT, "| LUT | %d | %s | %d |%n", est.luts(),
                    paper.map(p -> Integer.toString(p.lut())).orElse("-"), cap.lut()));
            sb.append(String.format(Locale.ROOT, "| FF | %d | %s | %d |%n", est.flipFlops(),
                    paper.map(p -> Integer.toString(p.ff())).orElse("-"), cap.ff()));
            sb.append(String.format(Locale.ROOT, "%nRAMB36E1 %d, RAMB18E1 %d, LUT-RAM cells %d, latches %d.%n",
                    est.count("RAMB36E1"), est.count("RAMB18E1"), est.lutRams(), est.latches()));
            sb.append(est.lutBreakdown(d.lanes()));
            if (est.bram36() > cap.bram36() || est.count("DSP48E1") > cap.dsp() || est.luts() > cap.lut()
                    || est.flipFlops() > cap.ff()) {
                sb.append("\n**Does not fit the XC7Z020** (PYNQ-Z2): fewer lanes or a narrower format.\n");
            }
        }
        sb.append("\n## Timing (an estimate, XC7Z020-1)\n\n");
        if (est == null || est.timing() == null) {
            sb.append("Not estimated: generate with `-Destimate` (`odegen generate --estimate`) for the timing estimate "
                    + "of the Yosys netlist.\n");
        } else {
            sb.append("Estimated, not measured: the register-to-register paths of the Yosys `synth_xilinx` netlist, timed "
                    + "with the 7-series -1 figures of the delay model in doc/hardware.md and an assumed 0.6 ns per routed net. Vivado's "
                    + "placement and routing decide the real figure.\n\n");
            sb.append(est.timing().markdown());
        }
        return sb.toString();
    }

    private static String fmtHalf(double v) {
        return v == Math.floor(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
