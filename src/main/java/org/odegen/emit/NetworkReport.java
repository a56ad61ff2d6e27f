package org.odegen.emit;

import java.util.Locale;
import org.odegen.dsl.NetworkDesign;
import org.odegen.hw.NetworkHwConfig;
import org.odegen.hw.PhaseKey;
import scala.jdk.javaapi.CollectionConverters;

/** {@code report.md} of one network engine: parameters, cycles per image against the bound, resources. */
final class NetworkReport {
    private NetworkReport() {
    }

    static String markdown(NetworkDesign d, NetworkHwConfig hw, String top, YosysEstimate est) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(top).append("\n\n");
        sb.append("The network engine of ").append(d.name())
                .append(": the whole network on the PL for one image, parameters read from DDR.\n\n");
        sb.append("| parameter | value |\n| --- | --- |\n");
        row(sb, "network", d.name());
        row(sb, "lanes (multiply-add units)", Integer.toString(d.lanes()));
        row(sb, "multiply-adds a lane a cycle", d.macsPerLane() == 1 ? "1"
                : d.macsPerLane() + " (a 3x3 conv's input channels in " + (d.macsPerLane() == 2 ? "pairs" : "triples")
                        + "; a DSP48E1 each)");
        row(sb, "number format", d.format().toString());
        row(sb, "norm mode", d.norm().id());
        row(sb, "solver", d.zoo().isPresent() ? d.solver().id() : d.description().solverId());
        row(sb, "parameter blob", String.format(Locale.ROOT, "%,d words (%.2f kB)", hw.blobWords(),
                hw.blobWords() * 4 / 1000.0));
        row(sb, "layer program", hw.program().size() + " passes");
        sb.append("\n## Cycles per image\n\n| | cycles | ms at 100 MHz |\n| --- | --- | --- |\n");
        long bound = hw.macBoundCycles();
        long cycles = hw.scheduleCycles();
        sb.append(String.format(Locale.ROOT, "| multiply-add bound (%,d multiply-adds / %s) | %,d | %.2f |%n",
                hw.macs(), d.macsPerLane() == 1 ? "lanes" : "(lanes x " + d.macsPerLane() + ")", bound, bound / 1e5));
        sb.append(String.format(Locale.ROOT,
                "| this engine (the sequencer's schedule; the harness checks it against CYCLES) | %,d | %.2f |%n",
                cycles, cycles / 1e5));
        sb.append(String.format(Locale.ROOT, "| multiply-add units busy | %.1f%% | |%n", 100.0 * bound / cycles));
        sb.append(whereTheCyclesGo(hw, bound, cycles));
        sb.append("\n## Resources (XC7Z020)\n\n");
        if (est == null) {
            sb.append("Not estimated: generate with `-Destimate=true` (Yosys `synth_xilinx`).\n");
        } else {
            var cap = PaperTable3.XC7Z020;
            sb.append("| | BRAM36 | DSP48E1 | LUT | FF |\n| --- | --- | --- | --- | --- |\n");
            sb.append(String.format(Locale.ROOT, "| this engine (Yosys synth_xilinx) | %.1f | %d | %d | %d |%n",
                    est.bram36(), est.count("DSP48E1"), est.sliceLuts(), est.flipFlops()));
            sb.append(String.format(Locale.ROOT, "| XC7Z020 | %d | %d | %d | %d |%n", cap.bram36(), cap.dsp(),
                    cap.lut(), cap.ff()));
            sb.append(String.format(Locale.ROOT, "%nLUTs count Vivado's way (logic plus LUTs used as memory); latches: %d.%n",
                    est.latches()));
            sb.append(est.lutBreakdown(d.lanes()));
            if (est.timing() != null) {
                sb.append("\n## Timing estimate (from the Yosys netlist; see doc/hardware.md's delay model)\n\n");
                sb.append(est.timing().markdown());
            }
        }
        return sb.toString();
    }

    /**
     * The schedule's cycles by phase (the sequencer's states), and CONV's beyond the bound: what an engine loses to
     * the multiply-add bound, phase by phase.
     */
    static String whereTheCyclesGo(NetworkHwConfig hw, long bound, long cycles) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n### Where the cycles go\n\nThe schedule by phase (the sequencer's states, summed over the passes)")
                .append(String.format(Locale.ROOT, "; everything but the bound's %,d cycles of CONV is the %,d cycles"
                        + " (%.1f%%) the engine takes beyond its bound.%n%n", bound, cycles - bound,
                        100.0 * (cycles - bound) / cycles))
                .append("| phase | what the engine does | cycles | of the image |\n| --- | --- | --- | --- |\n");
        for (scala.Tuple2<PhaseKey, Object> p : CollectionConverters.asJava(hw.cyclesByPhase())) {
            long c = (Long) p._2();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f%% |%n", p._1().name(), p._1().what(), c,
                    100.0 * c / cycles));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
