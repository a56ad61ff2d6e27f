package org.odegen.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.NetworkGenerator;
import org.odegen.hw.NetworkHwConfig;
import org.odegen.net.Variant;

/**
 * Table 5 for the whole image: the network engine (the whole network on the PL, x16) against the paper's
 * software and its offloaded times, every variant x N.
 *
 * <p>The engine's cycles per image are its schedule ({@code NetworkHwConfig.scheduleCycles}) plus the
 * harness's {@link #HARNESS_CYCLES}: what Verilator measures as {@code CYCLES}, asserted equal on every row
 * of {@code testbench/network-regression.csv} by {@code NetworkRegressionTest}. Those rows are labeled
 * measured; the others come from the same schedule. The DMA's image and logit transfers are modeled, on top
 * (not overlapped, although {@code CYCLES} already streams the image in at one word per cycle).
 */
public final class EngineTable5 {
    /**
     * {@code CYCLES} minus the schedule, as NetworkRegressionTest measures it on every regression row: the
     * harness's image starts a cycle after the START write (the schedule's phases are the RTL's exactly:
     * ScheduleTraceTest).
     */
    public static final long HARNESS_CYCLES = 1;
    /** The engine of the table: the paper's x16, Q32.20, batch-stats, Euler. */
    public static final int LANES = 16;
    /** The peers on this chip (PAPER.md): hls4ml RN07 (8-bit, 150 MHz), Tensil ResNet-20 (16-bit, 50 MHz, PYNQ-Z1). */
    public static final double HLS4ML_RN07_SECONDS = 27.3e-3;
    public static final double TENSIL_RESNET20_SECONDS = 151e-3;

    /** One row: our cycles (measured or scheduled), the seconds with the DMA, and the paper's. */
    public record Row(Variant variant, int depth, long cycles, boolean measured, double engineSeconds, double dmaSeconds,
            double psSeconds, boolean psFromPaper, Optional<Double> paperPlSeconds, Optional<Double> paperSpeedup) {
        public double seconds() {
            return engineSeconds + dmaSeconds;
        }

        /** Over the paper's software (the PS alone). */
        public double speedup() {
            return psSeconds / seconds();
        }
    }

    private EngineTable5() {
    }

    /** The (variant, depth) pairs at x16 that the regression measures in Verilator. */
    static Set<String> regressionRows() {
        Set<String> rows = new HashSet<>();
        try (InputStream in = EngineTable5.class.getClassLoader().getResourceAsStream("testbench/network-regression.csv")) {
            if (in == null) {
                throw new IllegalStateException("testbench/network-regression.csv is not on the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                if (line.startsWith("#") || f.length < 5) {
                    continue;
                }
                if (Integer.parseInt(f[2].trim()) == LANES && f[3].trim().equals("batch-stats") && f[4].trim().equals("Q32.20")) {
                    rows.add(f[0].trim() + "-" + Integer.parseInt(f[1].trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The paper's PS-only seconds: printed at N = 20 and 56, linear in N between (modeled, as Table5Model's). */
    static double psSeconds(Variant v, int depth) {
        double a;
        double b;
        if (v == Variant.RESNET) {
            a = PaperTable5.RESNET_PS.get(20);
            b = PaperTable5.RESNET_PS.get(56);
        } else {
            a = PaperTable5.row(v, 20).orElseThrow().psSeconds();
            b = PaperTable5.row(v, 56).orElseThrow().psSeconds();
        }
        return a + (b - a) * (depth - 20) / 36.0;
    }

    /** Every variant x N at x16; the DMA: image (3,072 words) and logits (100 words) at {@code dma}'s rate and cost. */
    public static List<Row> rows(double clockHz, Table5Model.Transfer dma) {
        Set<String> measured = regressionRows();
        List<Row> rows = new ArrayList<>();
        for (Variant v : Variant.values()) {
            for (int n : Variant.DEPTHS) {
                NetworkDesign d = NetworkDesign.of(v, n, LANES);
                NetworkHwConfig hw = NetworkGenerator.hardware(d);
                long cycles = hw.scheduleCycles() + HARNESS_CYCLES;
                double transfers = 4.0 * (hw.imageWords() + hw.logits()) / dma.bytesPerSecond() + 2 * dma.secondsPerTransfer();
                boolean printed = n == 20 || n == 56;
                var paper = v == Variant.RESNET ? Optional.<PaperTable5.Row>empty() : PaperTable5.row(v, n);
                rows.add(new Row(v, n, cycles, measured.contains(v.id() + "-" + n), cycles / clockHz, transfers,
                        psSeconds(v, n), printed, paper.map(PaperTable5.Row::plSeconds), paper.map(PaperTable5.Row::speedup)));
            }
        }
        return rows;
    }

    /** The table as Markdown (the README's and the report's). */
    public static String markdown(List<Row> rows, double clockHz) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| network | our cycles per image (x%d) | ours: ms at %.0f MHz, with the DMA "
                + "| the paper: software (PS) | the paper: with its offloaded block | our speedup over the software "
                + "| the paper's speedup |%n| --- | --- | --- | --- | --- | --- | --- |%n", LANES, clockHz / 1e6));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s-%d | %,d (%s) | %.2f | %.2f s%s | %s | %.1fx | %s |%n",
                    r.variant().paperName(), r.depth(), r.cycles(), r.measured() ? "Verilator" : "schedule",
                    1e3 * r.seconds(), r.psSeconds(), r.psFromPaper() ? "" : " (modeled)",
                    r.paperPlSeconds().map(s -> String.format(Locale.ROOT, "%.2f s", s)).orElse("–"), r.speedup(),
                    r.paperSpeedup().map(s -> String.format(Locale.ROOT, "%.2fx", s)).orElse("–")));
        }
        return sb.toString();
    }

    /** The report's section, with the plot of ms per image against N, the paper's and the peers' beside. */
    static PaperReport.Section section(Path plots, double clockMhz, Table5Model.Transfer dma) throws IOException {
        double clockHz = clockMhz * 1e6;
        List<Row> rows = rows(clockHz, dma);
        XYChart c = Charts.xy(String.format(Locale.ROOT, "Table 5, whole image: ms per image, the engine x%d at %.0f MHz",
                LANES, clockMhz), "N (depth)", "ms per image (log)");
        c.getStyler().setYAxisLogarithmic(true);
        double[] depths = java.util.Arrays.stream(Variant.DEPTHS).asDoubleStream().toArray();
        int i = 0;
        for (Variant v : Variant.values()) {
            double[] ours = rows.stream().filter(r -> r.variant() == v).mapToDouble(r -> 1e3 * r.seconds()).toArray();
            Charts.line(c, v.paperName() + " (ours)", depths, ours, Charts.PALETTE[i]);
            List<Row> paper = rows.stream().filter(r -> r.variant() == v && r.paperPlSeconds().isPresent()).toList();
            if (!paper.isEmpty()) {
                Charts.points(c, v.paperName() + " (paper, PS + block)", paper.stream().mapToDouble(Row::depth).toArray(),
                        paper.stream().mapToDouble(r -> 1e3 * r.paperPlSeconds().get()).toArray(), Charts.PALETTE[i]);
            }
            i++;
        }
        double[] ends = {Variant.DEPTHS[0], Variant.DEPTHS[Variant.DEPTHS.length - 1]};
        Charts.dashed(c, "the paper's software, ResNet", ends, new double[] {1e3 * psSeconds(Variant.RESNET, 20),
            1e3 * psSeconds(Variant.RESNET, 56)}, Charts.PALETTE[7]);
        Charts.dashed(c, "hls4ml RN07 (8-bit, 150 MHz)", ends, new double[] {1e3 * HLS4ML_RN07_SECONDS,
            1e3 * HLS4ML_RN07_SECONDS}, java.awt.Color.BLACK);
        Charts.dashed(c, "Tensil ResNet-20 (16-bit)", ends, new double[] {1e3 * TENSIL_RESNET20_SECONDS,
            1e3 * TENSIL_RESNET20_SECONDS}, new java.awt.Color(0xbcbd22));
        Charts.save(c, plots, "table5_engine");
        List<List<String>> table = new ArrayList<>();
        for (String line : markdown(rows, clockHz).lines().skip(2).toList()) {
            String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
            table.add(List.of(cells));
        }
        List<String> header = List.of(markdown(rows, clockHz).lines().findFirst().orElseThrow()
                .replaceAll("^\\| | \\|$", "").split(" \\| "));
        return new PaperReport.Section("table5-engine", "Table 5 for the whole image: the network engine",
                List.of("Our cycles per image are the network engine's `CYCLES` (from `START` to the last logit): "
                        + "\"Verilator\" rows are measured by NetworkRegressionTest (testbench/network-regression.csv); "
                        + "\"schedule\" rows are the generator's schedule plus the harness's 2 cycles, which the regression "
                        + "holds equal to the measurement on every row it runs. The DMA is modeled on top: " + dma.name()
                        + ", two transfers (the image, 12,288 bytes; the logits, 400 bytes), not overlapped with the run.",
                        "The paper's software times are printed at N = 20 and 56 (Table 5; ResNet nothing offloaded); at 32 "
                        + "and 44 they are linear in N between (modeled). Peers on this chip: hls4ml RN07 27.3 ms, "
                        + "Tensil ResNet-20 about 151 ms (PAPER.md)."),
                List.of(new PaperReport.Table("ms per image and speedup over the paper's software", header, table)),
                List.of(new PaperReport.Plot("table5_engine", "ms per image against N (log); diamonds: the paper with its block; "
                        + "dashed: the paper's software (ResNet) and the peers")));
    }
}
