package org.odegen.report;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.odegen.emit.VerilatorHarness;
import org.odegen.model.BlockConfig;
import org.odegen.model.PaperLayer;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Stage;
import org.odegen.net.Variant;

/**
 * Table 5, modeled: the paper's PS times, taken apart per layer, with our measured PL cycles.
 *
 * <p>PS side (derived from the paper's table): the PS time of one execution of an offloaded layer is
 * its offloaded share of the PS-only time divided by its executions per image, averaged over the rows
 * that offload that layer alone; what stays on the PS ("rest") is the PS-only time minus the offloaded
 * part, taken from the paper at N = 20 and 56 and linear in N between them (the executions of every
 * layer are linear in N).
 *
 * <p>PL side: one run of the block per image and offloaded layer, with M = the layer's executions
 * per image as Euler steps on chip (parameters stay on chip between steps), {@code CYCLES(M)} as
 * measured in simulation at the chosen clock. Two transfer models: the paper's, one PL cycle per
 * 32-bit word (the parameters loaded once per image, the feature maps already inside CYCLES); and an
 * AXI DMA at a sustained rate with a fixed cost per transfer (parameters, z_0, z_M), replacing the
 * one-word-per-cycle streaming inside CYCLES.
 */
public final class Table5Model {
    /** The PS-PL transfer model. */
    public record Transfer(String name, double bytesPerSecond, double secondsPerTransfer, boolean wordPerCycle) {
        public static Transfer paper() {
            return new Transfer("the paper's: one PL cycle per 32-bit word", 0, 0, true);
        }

        public static Transfer dma(double megabytesPerSecond, double microsecondsPerTransfer) {
            return new Transfer(String.format(java.util.Locale.ROOT, "AXI DMA: %.0f MB/s sustained, %.0f us per transfer",
                    megabytesPerSecond, microsecondsPerTransfer), megabytesPerSecond * 1e6, microsecondsPerTransfer * 1e-6,
                    false);
        }
    }

    /** One modeled row: seconds per image on the PS alone, with the PL (both transfer models), and the ceiling. */
    public record Row(Variant variant, int depth, double psSeconds, boolean psFromPaper, double offloadedShare,
            double plPaperTransfer, double plDma, double ceiling, Optional<PaperTable5.Row> paper) {
        public double speedupPaperTransfer() {
            return psSeconds / plPaperTransfer;
        }

        public double speedupDma() {
            return psSeconds / plDma;
        }
    }

    private final double clockHz;
    private final Map<PaperLayer, VerilatorHarness.Cycles> cycles;
    private final Transfer dma;
    private final Map<PaperLayer, Double> psPerExecution = new EnumMap<>(PaperLayer.class);

    public Table5Model(double clockHz, Map<PaperLayer, VerilatorHarness.Cycles> cycles, Transfer dma) {
        this.clockHz = clockHz;
        this.cycles = cycles;
        this.dma = dma;
        for (PaperLayer l : PaperLayer.values()) {
            double sum = 0;
            int n = 0;
            for (PaperTable5.Row r : PaperTable5.ROWS) {
                List<PaperLayer> off = PaperTable5.OFFLOADED.get(r.variant());
                if (off.equals(List.of(l))) {
                    sum += r.offloadedSeconds() / executions(r.variant(), r.depth(), l);
                    n++;
                }
            }
            psPerExecution.put(l, sum / n);
        }
    }

    /** PS seconds of one execution of the layer, derived from the paper's table. */
    public double psPerExecution(PaperLayer l) {
        return psPerExecution.get(l);
    }

    public Transfer dmaModel() {
        return dma;
    }

    public double clockHz() {
        return clockHz;
    }

    static int executions(Variant v, int depth, PaperLayer l) {
        return NetworkSpec.of(v, depth).row(Stage.valueOf(l.name())).totalExecutions();
    }

    private static BlockConfig block(PaperLayer l) {
        return new BlockConfig(l.id(), l.channels(), l.size(), l.size(), org.odegen.fixed.QFormat.Q32_20,
                org.odegen.model.NormMode.BATCH_STATS, true);
    }

    /** PS time that stays on the PS: the paper's at 20 and 56, linear in N between. */
    double rest(Variant v, int depth) {
        PaperTable5.Row a = PaperTable5.row(v, 20).orElseThrow();
        PaperTable5.Row b = PaperTable5.row(v, 56).orElseThrow();
        return a.restSeconds() + (b.restSeconds() - a.restSeconds()) * (depth - 20) / 36.0;
    }

    /** Seconds on the PL side for one image and one offloaded layer (run and transfers). */
    public double plSeconds(PaperLayer l, int steps, Transfer t) {
        VerilatorHarness.Cycles c = cycles.get(l);
        if (c == null) {
            throw new IllegalArgumentException("no measured cycles for " + l.id());
        }
        BlockConfig b = block(l);
        double run = c.run(steps) / clockHz;
        if (t.wordPerCycle()) {
            return run + b.paramWords() / clockHz;
        }
        double streamedInRun = 2.0 * b.featureWords() / clockHz;
        double bytes = 4.0 * (b.paramWords() + 2L * b.featureWords());
        return run - streamedInRun + bytes / t.bytesPerSecond() + 3 * t.secondsPerTransfer();
    }

    public Row row(Variant v, int depth) {
        List<PaperLayer> off = PaperTable5.OFFLOADED.get(v);
        Optional<PaperTable5.Row> paper = PaperTable5.row(v, depth);
        double rest = rest(v, depth);
        double offloaded = 0;
        double plPaper = rest;
        double plDma = rest;
        for (PaperLayer l : off) {
            int e = executions(v, depth, l);
            offloaded += e * psPerExecution(l);
            plPaper += plSeconds(l, e, Transfer.paper());
            plDma += plSeconds(l, e, dma);
        }
        double ps = paper.map(PaperTable5.Row::psSeconds).orElse(rest + offloaded);
        double share = paper.map(PaperTable5.Row::offloadedShare).orElse(offloaded / ps);
        return new Row(v, depth, ps, paper.isPresent(), share, plPaper, plDma, ps / rest, paper);
    }

    /** Every variant that offloads a layer, at every depth. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Variant v : Variant.values()) {
            if (PaperTable5.OFFLOADED.containsKey(v)) {
                for (int n : Variant.DEPTHS) {
                    rows.add(row(v, n));
                }
            }
        }
        return rows;
    }

    /** The model fed with the paper's own PL figure (layer3_2 x16: 1.64M cycles per execution), as a check. */
    public static double paperCheck(Variant v, int depth, double clockHz) {
        PaperTable5.Row r = PaperTable5.row(v, depth).orElseThrow();
        int e = executions(v, depth, PaperLayer.LAYER3_2);
        double pl = r.restSeconds() + e * 1.64e6 / clockHz + block(PaperLayer.LAYER3_2).paramWords() / clockHz;
        return r.psSeconds() / pl;
    }
}
