package org.odegen.report;

import static org.odegen.report.PaperReport.key;
import static org.odegen.report.PaperReport.num;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.odegen.emit.PaperTable3;
import org.odegen.emit.TimingEstimate;
import org.odegen.emit.VerilatorHarness;
import org.odegen.emit.YosysEstimate;
import org.odegen.model.PaperLayer;
import org.odegen.net.Agreement;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.report.PaperReport.Options;
import org.odegen.report.PaperReport.Plot;
import org.odegen.report.PaperReport.Section;
import org.odegen.report.PaperReport.Table;

/**
 * The sections of {@code odegen report} (Figure 5, Table 3, cycles against lanes, Table 5 modeled, agreement and the
 * headlines), each its table, its plots and its CSV, from the data {@link PaperReport} measured. The whole-image
 * Table 5 is {@link EngineTable5}'s.
 */
final class PaperReportSections {
    private final Options o;
    private final Map<String, BlockMeasurements.Measured> measured;
    private final Map<String, String[]> csv;

    PaperReportSections(Options o, Map<String, BlockMeasurements.Measured> measured, Map<String, String[]> csv) {
        this.o = o;
        this.measured = measured;
        this.csv = csv;
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    private List<Integer> lanesOf(PaperLayer l, boolean resources) {
        List<Integer> r = new ArrayList<>();
        for (int lanes : o.lanes()) {
            var m = measured.get(key(l, lanes));
            if (m != null && (!resources || m.resources() != null) && o.layers().contains(l)) {
                r.add(lanes);
            }
        }
        return r;
    }

    private static double[] d(List<? extends Number> v) {
        return v.stream().mapToDouble(Number::doubleValue).toArray();
    }

    // ------------------------------------------------------------------ Figure 5
    Section figure5(Path plots) throws IOException {
        XYChart c = Charts.xy("Figure 5: parameter size per variant", "N (depth)", "parameters [kB, 4 B each]");
        List<List<String>> rows = new ArrayList<>();
        List<String> csvRows = new ArrayList<>();
        int i = 0;
        for (Variant v : Variant.values()) {
            List<Double> kb = new ArrayList<>();
            for (int n : Variant.DEPTHS) {
                NetworkSpec s = NetworkSpec.of(v, n);
                kb.add(s.kilobytes());
                csvRows.add(f("%s,%d,%d,%.2f,%.2f", v.id(), n, s.params(), s.kilobytes(), s.reductionVsResNet()));
            }
            Charts.line(c, v.paperName(), java.util.Arrays.stream(Variant.DEPTHS).asDoubleStream().toArray(), d(kb),
                    Charts.PALETTE[i++]);
        }
        c.getStyler().setYAxisLogarithmic(true);
        Charts.save(c, plots, "figure5_parameters");
        Map<Variant, double[]> paper = Map.of(Variant.ODENET, new double[] {36.24, 79.54}, Variant.RODENET_3,
                new double[] {43.29, 81.80}, Variant.HYBRID_3, new double[] {26.43, 60.16});
        for (Variant v : Variant.values()) {
            List<String> row = new ArrayList<>(List.of(v.paperName()));
            for (int n : Variant.DEPTHS) {
                NetworkSpec s = NetworkSpec.of(v, n);
                String ours = f("%.2f kB (%.2f%%)", s.kilobytes(), s.reductionVsResNet());
                double[] p = paper.get(v);
                if (p != null && (n == 20 || n == 56)) {
                    ours += f(" · paper %.2f%%", p[n == 20 ? 0 : 1]);
                }
                row.add(ours);
            }
            rows.add(row);
        }
        csv.put("figure5_parameters.csv", new String[] {"variant,N,params,kB,reduction_vs_resnet_percent",
            String.join("\n", csvRows)});
        return new Section("figure5", "Figure 5: parameter size of the seven variants",
                List.of("Parameter size (4 bytes per parameter) from the network description, and the reduction against "
                        + "ResNet-N in brackets. Every reduction the paper prints (ODENet, rODENet-3, Hybrid-3 at N = 20 "
                        + "and 56) is met to the hundredth of a percent."),
                List.of(new Table("parameter size and reduction against ResNet-N",
                        List.of("variant", "N = 20", "N = 32", "N = 44", "N = 56"), rows)),
                List.of(new Plot("figure5_parameters", "Parameter size against depth (log scale)")));
    }

    // ------------------------------------------------------------------ Table 3
    Section table3(Path plots) throws IOException {
        String[] resources = {"LUT", "FF", "BRAM36", "DSP48E1"};
        int[] capacity = {PaperTable3.XC7Z020.lut(), PaperTable3.XC7Z020.ff(), PaperTable3.XC7Z020.bram36(),
            PaperTable3.XC7Z020.dsp()};
        List<Plot> plotList = new ArrayList<>();
        for (int r = 0; r < resources.length; r++) {
            XYChart c = Charts.xy("Table 3: " + resources[r] + " against lanes (Yosys estimate vs the paper)", "lanes",
                    resources[r]);
            c.getStyler().setXAxisLogarithmic(true);
            double maxLanes = 1;
            int i = 0;
            for (PaperLayer l : PaperLayer.values()) {
                List<Integer> lanes = lanesOf(l, true);
                if (!lanes.isEmpty()) {
                    List<Double> ours = new ArrayList<>();
                    for (int n : lanes) {
                        ours.add(value(measured.get(key(l, n)).resources(), r));
                        maxLanes = Math.max(maxLanes, n);
                    }
                    Charts.line(c, l.id() + " (ours)", d(lanes), d(ours), Charts.PALETTE[i]);
                    List<Integer> pl = new ArrayList<>();
                    List<Integer> pv = new ArrayList<>();
                    for (int n : new int[] {1, 4, 8, 16}) {
                        var p = PaperTable3.row(l.id(), n);
                        if (p.isPresent()) {
                            pl.add(n);
                            int[] v = {p.get().lut(), p.get().ff(), p.get().bram36(), p.get().dsp()};
                            pv.add(v[r]);
                        }
                    }
                    Charts.points(c, l.id() + " (paper)", d(pl), d(pv), Charts.PALETTE[i]);
                }
                i++;
            }
            Charts.dashed(c, "XC7Z020 capacity", new double[] {1, Math.max(16, maxLanes)},
                    new double[] {capacity[r], capacity[r]}, java.awt.Color.BLACK);
            String name = "table3_" + resources[r].toLowerCase(Locale.ROOT);
            Charts.save(c, plots, name);
            plotList.add(new Plot(name, resources[r] + " against lanes; dashed: the device's capacity"));
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> csvRows = new ArrayList<>();
        for (PaperLayer l : PaperLayer.values()) {
            for (int n : lanesOf(l, true)) {
                YosysEstimate e = measured.get(key(l, n)).resources();
                String paper = PaperTable3.row(l.id(), n).map(p -> p.bram36() + " / " + p.dsp() + " / " + p.lut() + " / " + p.ff())
                        .orElse("–");
                rows.add(List.of(l.id(), Integer.toString(n), num(e.bram36()), Integer.toString(e.count("DSP48E1")),
                        f("%,d", e.luts()), f("%,d", e.flipFlops()), Integer.toString(e.latches()), paper,
                        f("%.0f%% / %.0f%% / %.0f%% / %.0f%%", 100 * e.bram36() / capacity[2],
                                100.0 * e.count("DSP48E1") / capacity[3], 100.0 * e.luts() / capacity[0],
                                100.0 * e.flipFlops() / capacity[1])));
                csvRows.add(f("%s,%d,%s,%d,%d,%d,%d", l.id(), n, num(e.bram36()), e.count("DSP48E1"), e.luts(), e.flipFlops(),
                        e.latches()));
            }
        }
        csv.put("table3_resources.csv", new String[] {"layer,lanes,bram36,dsp48e1,lut,ff,latches", String.join("\n", csvRows)});
        // the timing estimate of the same netlists
        List<List<String>> timingRows = new ArrayList<>();
        List<String> timingCsv = new ArrayList<>();
        for (PaperLayer l : PaperLayer.values()) {
            for (int n : lanesOf(l, true)) {
                TimingEstimate.Result t = measured.get(key(l, n)).resources().timing();
                timingRows.add(List.of(l.id(), Integer.toString(n), f("%.0f", t.fmaxMhz()) + (t.meetsTarget() ? "" : " (below 150)"),
                        f("%.2f", t.worst().delay()), Integer.toString(t.worst().lutLevels()),
                        Integer.toString(t.deepest().lutLevels()), Integer.toString(4 * t.longestCarry4()),
                        t.dspMreg() + " / " + t.dspPreg() + " of " + t.dsps(), t.bramOutReg() + " of " + t.brams(),
                        TimingEstimate.withoutYosysNames(t.worst().cells())));
                timingCsv.add(f("%s,%d,%.1f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d", l.id(), n, t.fmaxMhz(), t.worst().delay(),
                        t.worst().lutLevels(), t.deepest().lutLevels(), 4 * t.longestCarry4(), t.dsps(), t.dspMreg(),
                        t.dspPreg(), t.brams(), t.bramOutReg()));
            }
        }
        csv.put("timing_estimate.csv", new String[] {"layer,lanes,fmax_mhz,worst_ns,worst_lut_levels,deepest_lut_levels,"
                + "carry_bits,dsp48e1,dsp_mreg,dsp_preg,bram,bram_out_reg", String.join("\n", timingCsv)});
        return new Section("table3", "Table 3: resources against lanes, beside the paper's",
                List.of("Measured by Yosys 0.23 (`synth_xilinx -family xc7`, no timing) on the generated Verilog, beside "
                        + "the paper's Vivado figures, against the XC7Z020 (53,200 LUT, 106,400 FF, 140 BRAM36, 220 DSP48E1). "
                        + "Yosys and Vivado count differently: LUT and FF figures are estimates; BRAM and DSP follow the "
                        + "memories and multipliers one to one.",
                        "The second table is a timing **estimate** for the XC7Z020-1, not a measurement: the same Yosys "
                        + "netlists, their register-to-register paths timed with the delay model of doc/hardware.md (7-series -1 "
                        + "figures, 0.6 ns assumed per routed net), against the goal of 150 MHz, the worst path named by "
                        + "its cells. Vivado's placement and routing decide the real figure."),
                List.of(new Table("Yosys estimate (ours) and the paper's Table 3",
                        List.of("layer", "lanes", "BRAM36", "DSP48E1", "LUT", "FF", "latches",
                                "the paper (BRAM36 / DSP / LUT / FF)", "of the XC7Z020 (BRAM / DSP / LUT / FF)"), rows),
                        new Table("Timing, an estimate for the XC7Z020-1 (the delay model of doc/hardware.md on the same Yosys "
                                + "netlists, 0.6 ns assumed per routed net; Vivado decides the real figure)",
                                List.of("layer", "lanes", "estimated Fmax (MHz)", "worst path (ns)", "its LUT levels",
                                        "deepest LUT levels", "longest carry chain (bits)", "DSP48E1 MREG / PREG on",
                                        "BRAM with output register", "worst path's cells"), timingRows)),
                plotList);
    }

    private static double value(YosysEstimate e, int r) {
        return switch (r) {
            case 0 -> e.luts();
            case 1 -> e.flipFlops();
            case 2 -> e.bram36();
            default -> e.count("DSP48E1");
        };
    }

    // ------------------------------------------------------------------ cycles against lanes
    Section cycles(Path plots) throws IOException {
        XYChart c = Charts.xy("Cycles per Euler step against lanes (measured in Verilator)", "lanes",
                "cycles per Euler step");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        List<List<String>> rows = new ArrayList<>();
        List<String> csvRows = new ArrayList<>();
        int i = 0;
        for (PaperLayer l : PaperLayer.values()) {
            List<Integer> lanes = lanesOf(l, false);
            if (lanes.isEmpty()) {
                i++;
                continue;
            }
            List<Long> ours = new ArrayList<>();
            List<Long> bound = new ArrayList<>();
            for (int n : lanes) {
                var m = measured.get(key(l, n));
                long b = m.design().macBoundCyclesPerStep();
                ours.add(m.cycles().perStep());
                bound.add(b);
                var paper = l == PaperLayer.LAYER3_2 ? PaperTable3.layer3_2Cycles(n) : java.util.Optional.<Long>empty();
                rows.add(List.of(l.id(), Integer.toString(n), f("%,d", m.cycles().perStep()), f("%,d", b),
                        f("%.4f", m.cycles().perStep() / (double) b), f("%.1f%%", 100.0 * b / m.cycles().perStep()),
                        paper.map(p -> f("%,d (%.2fx the bound, %.0f%% busy)", p, p / (double) b, 100.0 * b / p)).orElse("–")));
                csvRows.add(f("%s,%d,%d,%d,%d", l.id(), n, m.cycles().perStep(), b, m.cycles().oneStepRun()));
            }
            Charts.line(c, l.id() + " (ours)", d(lanes), d(ours), Charts.PALETTE[i]);
            Charts.dashed(c, l.id() + " multiply-add bound", d(lanes), d(bound), Charts.PALETTE[i]);
            i++;
        }
        List<Integer> pl = new ArrayList<>();
        List<Long> pv = new ArrayList<>();
        for (int n : new int[] {1, 4, 8, 16, 32}) {
            PaperTable3.layer3_2Cycles(n).ifPresent(v -> {
                pl.add(n);
                pv.add(v);
            });
        }
        Charts.points(c, "layer3_2 (paper)", d(pl), d(pv), Charts.PALETTE[2]);
        Charts.save(c, plots, "cycles_per_step");
        csv.put("cycles_per_step.csv", new String[] {"layer,lanes,cycles_per_step,mac_bound,cycles_one_step_run",
            String.join("\n", csvRows)});
        return new Section("cycles", "Cycles per Euler step against lanes",
                List.of("Measured in simulation: the Verilator C++ harness of each configuration, bit-exact against the "
                        + "golden vectors first, then without gaps, `CYCLES(2 steps) - CYCLES(1 step)`. The bound is "
                        + "`2*H*W*C*Cin*9 / lanes`, every lane doing one multiply-add every cycle; \"busy\" is the bound "
                        + "over the measured cycles. The paper's figures are its layer3_2 cycles per execution."),
                List.of(new Table("cycles per Euler step (batch-stats norm, Q32.20, time channel)",
                        List.of("layer", "lanes", "measured", "multiply-add bound", "ratio", "lanes busy",
                                "the paper (layer3_2)"), rows)),
                List.of(new Plot("cycles_per_step", "Cycles per Euler step (log-log); dashed: the bound; diamonds: the paper")));
    }

    // ------------------------------------------------------------------ Table 5, modeled
    /** The model with our measured cycles of every layer at Table 5's lanes. */
    private Table5Model table5Model() {
        Map<PaperLayer, VerilatorHarness.Cycles> cyc = new EnumMap<>(PaperLayer.class);
        for (PaperLayer l : PaperLayer.values()) {
            cyc.put(l, measured.get(key(l, o.table5Lanes())).cycles());
        }
        return new Table5Model(o.clockMhz() * 1e6, cyc,
                Table5Model.Transfer.dma(o.dmaMegabytesPerSecond(), o.dmaMicrosecondsPerTransfer()));
    }

    Section table5(Path plots) throws IOException {
        Table5Model model = table5Model();
        XYChart c = Charts.xy(f("Table 5, modeled: speedup per image, PS + PL x%d at %.0f MHz", o.table5Lanes(), o.clockMhz()),
                "N (depth)", "speedup over the PS alone");
        List<List<String>> rows = new ArrayList<>();
        List<String> csvRows = new ArrayList<>();
        int i = 0;
        for (Variant v : Variant.values()) {
            if (!PaperTable5.OFFLOADED.containsKey(v)) {
                i++;
                continue;
            }
            List<Double> dma = new ArrayList<>();
            List<Double> px = new ArrayList<>();
            List<Double> py = new ArrayList<>();
            for (int n : Variant.DEPTHS) {
                Table5Model.Row r = model.row(v, n);
                dma.add(r.speedupDma());
                r.paper().ifPresent(p -> {
                    px.add((double) n);
                    py.add(p.speedup());
                });
                rows.add(List.of(v.paperName() + " (" + String.join("+",
                        PaperTable5.OFFLOADED.get(v).stream().map(PaperLayer::id).toList()) + ")", Integer.toString(n),
                        f("%.2f%s", r.psSeconds(), r.psFromPaper() ? "" : " (modeled)"), f("%.1f%%", 100 * r.offloadedShare()),
                        r.paper().map(p -> f("%.2f s, %.2fx", p.plSeconds(), p.speedup())).orElse("–"),
                        f("%.3f s, %.2fx", r.plPaperTransfer(), r.speedupPaperTransfer()),
                        f("%.3f s, %.2fx", r.plDma(), r.speedupDma()), f("%.1fx", r.ceiling())));
                csvRows.add(f("%s,%d,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f,%.3f,%s", v.id(), n, r.psSeconds(), r.offloadedShare(),
                        r.plPaperTransfer(), r.plDma(), r.speedupPaperTransfer(), r.speedupDma(), r.ceiling(),
                        r.paper().map(p -> f("%.2f", p.speedup())).orElse("")));
            }
            double[] depths = java.util.Arrays.stream(Variant.DEPTHS).asDoubleStream().toArray();
            Charts.line(c, v.paperName() + " (ours, modeled)", depths, d(dma), Charts.PALETTE[i]);
            Charts.points(c, v.paperName() + " (paper)", d(px), d(py), Charts.PALETTE[i]);
            i++;
        }
        Charts.save(c, plots, "table5_speedup");
        csv.put("table5_modeled.csv", new String[] {
            "variant,N,ps_seconds,offloaded_share,pl_seconds_word_per_cycle,pl_seconds_dma,speedup_word_per_cycle,"
                + "speedup_dma,ceiling,paper_speedup", String.join("\n", csvRows)});
        List<String> text = List.of(
                "**Every figure in this section is modeled**, except the paper's own columns. The paper's PS times are "
                        + "taken apart per layer: one execution on the Cortex-A9 takes "
                        + f("%.1f ms (layer1), %.1f ms (layer2_2), %.1f ms (layer3_2)", 1e3 * model.psPerExecution(PaperLayer.LAYER1),
                                1e3 * model.psPerExecution(PaperLayer.LAYER2_2), 1e3 * model.psPerExecution(PaperLayer.LAYER3_2))
                        + " (its offloaded share over its executions, averaged over the rows that offload that layer alone). "
                        + "What stays on the PS is the paper's, linear in N between N = 20 and 56; PS-only times at N = 32 "
                        + "and 44 are modeled the same way.",
                f("The PL side is measured: one run of our x%d block per image and offloaded layer, with M = the layer's "
                        + "executions as Euler steps on chip, `CYCLES(M)` from simulation at %.0f MHz. Two transfer models: "
                        + "(a) the paper's, one PL cycle per 32-bit word, parameters loaded once per image; (b) %s, "
                        + "three transfers per image and layer (parameters, z_0, z_M), replacing the one-word-per-cycle "
                        + "streaming inside CYCLES.", o.table5Lanes(), o.clockMhz(), model.dmaModel().name()),
                f("Check of the model: fed with the paper's own x16 figure (1.64M cycles per layer3_2 execution), it gives "
                        + "%.2fx for rODENet-3-56 and %.2fx for rODENet-3-20, against the paper's 2.66x and 1.85x. "
                        + "The ceiling is the speedup with a PL that takes no time.",
                        Table5Model.paperCheck(Variant.RODENET_3, 56, 100e6), Table5Model.paperCheck(Variant.RODENET_3, 20, 100e6)));
        return new Section("table5", "Table 5, modeled: execution time per image and speedup",
                text,
                List.of(new Table(f("seconds per image and speedup over the PS alone (PL x%d, %.0f MHz)", o.table5Lanes(),
                        o.clockMhz()), List.of("variant (offloaded)", "N", "PS only [s]", "offloaded share", "the paper: PS + PL",
                        "ours (modeled, 1 cycle/word)", "ours (modeled, AXI DMA)", "ceiling (modeled)"), rows)),
                List.of(new Plot("table5_speedup", "Modeled speedup (AXI DMA model) against N; diamonds: the paper's")));
    }

    // ------------------------------------------------------------------ agreement
    Section agreement(List<Agreement> agreements, Path plots) throws IOException {
        CategoryChart c = Charts.bars(f("Float vs Q32.20 fixed point: max |logit difference| (N = %d, %d images)",
                o.agreementDepth(), o.agreementImages()), "variant", "max |logit difference| [1e-6]");
        c.getStyler().setLegendVisible(false);
        List<String> names = new ArrayList<>();
        List<Double> diffs = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<String> csvRows = new ArrayList<>();
        for (Agreement a : agreements) {
            names.add(a.spec().variant().paperName());
            diffs.add(a.maxLogitDifference() * 1e6);
            rows.add(List.of(a.spec().name(), Integer.toString(a.images()), f("%.3e", a.maxLogitDifference()),
                    f("%.1f%%", 100 * a.top1AgreementRate())));
            csvRows.add(f("%s,%d,%.6e,%.4f", a.spec().name(), a.images(), a.maxLogitDifference(), a.top1AgreementRate()));
        }
        c.addSeries("max |logit diff|", names, diffs).setFillColor(Charts.PALETTE[0]);
        Charts.save(c, plots, "agreement");
        csv.put("agreement.csv", new String[] {"network,images,max_logit_difference,top1_agreement", String.join("\n", csvRows)});
        return new Section("agreement", "Float against fixed point, per variant",
                List.of(f("The float twin and the Q32.20 fixed-point twin (ARITHMETIC.md, what the hardware computes) of "
                        + "every variant at N = %d, seeded random weights, batch-stats norm, on %d random images each.",
                        o.agreementDepth(), o.agreementImages())),
                List.of(new Table("agreement of the fixed-point twin with the float twin",
                        List.of("network", "images", "max abs logit difference", "top-1 agreement"), rows)),
                List.of(new Plot("agreement", "Max |logit difference| per variant, in millionths")));
    }

    // ------------------------------------------------------------------ summary
    Section summary(List<Section> sections) {
        List<String> text = new ArrayList<>();
        var x16 = measured.get(key(PaperLayer.LAYER3_2, 16));
        if (x16 != null && x16.cycles() != null) {
            long b = x16.design().macBoundCyclesPerStep();
            text.add(f("layer3_2 x16: %,d cycles per Euler step (measured), %.4fx the multiply-add bound: the lanes are "
                    + "busy %.1f%% of the time. The paper: 1,640,000 cycles, 18%% busy (%.2fx faster here).",
                    x16.cycles().perStep(), x16.cycles().perStep() / (double) b, 100.0 * b / x16.cycles().perStep(),
                    1.64e6 / x16.cycles().perStep()));
            if (x16.resources() != null) {
                YosysEstimate e = x16.resources();
                text.add(f("layer3_2 x16 resources (Yosys): %s BRAM36 (the paper: 140), %d DSP48E1 (68), %,d LUT (12,720), "
                        + "%,d FF (6,378).", num(e.bram36()), e.count("DSP48E1"), e.luts(), e.flipFlops()));
            }
        }
        Table5Model model = table5Model();
        Table5Model.Row r = model.row(Variant.RODENET_3, 56);
        text.add(f("rODENet-3-56 per image (modeled, PL x%d at %.0f MHz): %.2fx over the PS alone with the AXI DMA model, "
                + "%.2fx with the paper's one cycle per word; the paper: 2.66x; the ceiling: %.1fx.", o.table5Lanes(),
                o.clockMhz(), r.speedupDma(), r.speedupPaperTransfer(), r.ceiling()));
        return new Section("summary", "Headlines", text, List.of(), List.of());
    }
}
