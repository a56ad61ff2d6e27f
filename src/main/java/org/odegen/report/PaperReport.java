package org.odegen.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.emit.Build;
import org.odegen.emit.Templates;
import org.odegen.emit.YosysEstimate;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.PaperLayer;
import org.odegen.net.Agreement;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/**
 * {@code odegen report}: the paper's figures reproduced and beaten, from measured data. Writes a
 * folder with {@code report.md}, {@code index.html}, {@code plots/} (PNG and SVG) and {@code data/}
 * (CSV), whole or not at all.
 */
public final class PaperReport {
    /** What to measure and how to model it. */
    public record Options(Path out, List<PaperLayer> layers, List<Integer> lanes, int table5Lanes, double clockMhz,
            double dmaMegabytesPerSecond, double dmaMicrosecondsPerTransfer, int agreementImages, int agreementDepth,
            int jobs, Path cache) {
        public Options {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("no layers to report; valid: layer1, layer2_2, layer3_2");
            }
            for (int l : lanes) {
                if (l < 1 || l > 32 || Integer.bitCount(l) != 1) {
                    throw new IllegalArgumentException("lanes " + l + " is not valid; valid: 1, 2, 4, 8, 16, 32");
                }
            }
            if (lanes.isEmpty()) {
                throw new IllegalArgumentException("no lane counts to report; valid: 1, 2, 4, 8, 16, 32");
            }
            if (clockMhz <= 0 || dmaMegabytesPerSecond <= 0 || dmaMicrosecondsPerTransfer < 0) {
                throw new IllegalArgumentException("clock and DMA rate must be positive, the DMA cost per transfer not negative");
            }
            if (agreementImages < 1 || !java.util.Arrays.stream(Variant.DEPTHS).anyMatch(d -> d == agreementDepth)) {
                throw new IllegalArgumentException("agreement needs at least 1 image and N in 20, 32, 44, 56");
            }
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1");
            }
            layers = List.copyOf(layers);
            lanes = List.copyOf(lanes);
        }

        public static Options defaults(Path out) {
            return new Options(out, List.of(PaperLayer.values()), List.of(1, 2, 4, 8, 16, 32), 16, 100, 200, 50, 4, 20,
                    Math.max(1, Runtime.getRuntime().availableProcessors()), Path.of("target/report-cache"));
        }
    }

    /** For the HTML template: escapes text and turns Markdown's `code` and **bold** into tags. */
    public static final class Html {
        public String text(String s) {
            String e = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
            e = e.replaceAll("`([^`]*)`", "<code>$1</code>");
            return e.replaceAll("\\*\\*([^*]*)\\*\\*", "<strong>$1</strong>");
        }
    }

    public record Table(String caption, List<String> header, List<List<String>> rows) {
    }

    public record Plot(String name, String caption) {
    }

    public record Section(String id, String title, List<String> text, List<Table> tables, List<Plot> plots) {
    }

    /** The written folder, its sections, and how long it took. */
    public record Built(Path folder, List<Section> sections, long seconds) {
    }

    private final Options o;
    private final PrintStream log;
    private final Map<String, BlockMeasurements.Measured> measured = new TreeMap<>();
    private final Map<String, String[]> csv = new LinkedHashMap<>();

    private PaperReport(Options o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    public static Built build(Options o, PrintStream log) throws IOException {
        System.setProperty("java.awt.headless", "true");
        return new PaperReport(o, log).run();
    }

    static String key(PaperLayer l, int lanes) {
        return String.format(Locale.ROOT, "%s_x%02d", l.id(), lanes);
    }

    private Built run() throws IOException {
        // what to measure: every layer x lanes asked for (cycles and Yosys), and Table 5's lanes of every layer (cycles)
        Map<String, boolean[]> plan = new TreeMap<>();
        for (PaperLayer l : o.layers()) {
            for (int lanes : o.lanes()) {
                if (OdeBlockDesign.validLanes(l.channels()).contains(lanes)) {
                    plan.put(key(l, lanes), new boolean[] {true, true});
                }
            }
        }
        for (PaperLayer l : PaperLayer.values()) {
            plan.putIfAbsent(key(l, o.table5Lanes()), new boolean[] {true, false});
        }
        int agreementSteps = Variant.values().length;
        Progress progress = new Progress(log, plan.size() + agreementSteps + 1);
        log.printf(Locale.ROOT, "report: %d block configurations (Verilator cycles%s), %d agreement runs -> %s%n",
                plan.size(), " and Yosys where asked", agreementSteps, o.out());
        log.flush();

        Path out = o.out().toAbsolutePath().normalize();
        Path tmp = out.resolveSibling("." + out.getFileName() + "-tmp");
        delete(tmp);
        Files.createDirectories(tmp);
        try {
            measureBlocks(plan, tmp.resolve("work"), progress);
            delete(tmp.resolve("work"));
            List<Agreement> agreements = new ArrayList<>();
            for (Variant v : Variant.values()) {
                NetworkSpec spec = NetworkSpec.of(v, o.agreementDepth());
                Network net = new Network(Weights.random(spec, 1), NormMode.BATCH_STATS, QFormat.Q32_20);
                Agreement a = Agreement.measure(net, o.agreementImages(), 2);
                agreements.add(a);
                progress.step(String.format(Locale.ROOT, "agreement %s: max |logit diff| %.2e, top-1 %.0f%%", spec.name(),
                        a.maxLogitDifference(), 100 * a.top1AgreementRate()));
            }
            PaperReportSections s = new PaperReportSections(o, measured, csv);
            List<Section> sections = new ArrayList<>();
            Path plots = tmp.resolve("plots");
            sections.add(s.figure5(plots));
            sections.add(s.table3(plots));
            sections.add(s.cycles(plots));
            sections.add(s.table5(plots));
            sections.add(EngineTable5.section(plots, o.clockMhz(),
                    Table5Model.Transfer.dma(o.dmaMegabytesPerSecond(), o.dmaMicrosecondsPerTransfer())));
            sections.add(s.agreement(agreements, plots));
            sections.add(0, s.summary(sections));
            writeCsv(tmp.resolve("data"));
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("sections", sections);
            vars.put("html", new Html());
            vars.put("options", o);
            vars.put("layers", String.join(", ", o.layers().stream().map(PaperLayer::id).toList()));
            vars.put("lanes", o.lanes().toString().replaceAll("[\\[\\]]", ""));
            vars.put("clock", num(o.clockMhz()));
            Templates.render("report/report.md.vm", vars, tmp.resolve("report.md"));
            Templates.render("report/index.html.vm", vars, tmp.resolve("index.html"));
            progress.step("wrote report.md, index.html, plots/ and data/");
            delete(out);
            Files.createDirectories(out.getParent());
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return new Built(out, sections, progress.elapsedSeconds());
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e;
        }
    }

    private void measureBlocks(Map<String, boolean[]> plan, Path work, Progress progress) throws IOException {
        BlockMeasurements m = new BlockMeasurements(work, o.cache());
        ExecutorService pool = Executors.newFixedThreadPool(o.jobs());
        try {
            Map<String, Future<BlockMeasurements.Measured>> futures = new LinkedHashMap<>();
            for (var e : plan.entrySet()) {
                String[] parts = e.getKey().split("_x");
                PaperLayer l = PaperLayer.parse(parts[0]);
                int lanes = Integer.parseInt(parts[1]);
                boolean[] what = e.getValue();
                futures.put(e.getKey(), pool.submit(() -> {
                    BlockMeasurements.Measured r = m.measure(OdeBlockDesign.paper(l, lanes), what[0], what[1]);
                    progress.step(describe(r));
                    return r;
                }));
            }
            for (var e : futures.entrySet()) {
                measured.put(e.getKey(), e.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void delete(Path p) throws IOException {
        if (Files.exists(p)) {
            Build.deleteTree(p);
        }
    }

    private static String describe(BlockMeasurements.Measured r) {
        StringBuilder sb = new StringBuilder(r.design().id()).append(':');
        if (r.cycles() != null) {
            sb.append(String.format(Locale.ROOT, " %,d cycles per Euler step (%.4fx the bound)", r.cycles().perStep(),
                    r.cycles().perStep() / (double) r.design().macBoundCyclesPerStep()));
        }
        if (r.resources() != null) {
            YosysEstimate e = r.resources();
            sb.append(String.format(Locale.ROOT, "; %s BRAM36, %d DSP48E1, %,d LUT, %,d FF", num(e.bram36()),
                    e.count("DSP48E1"), e.luts(), e.flipFlops()));
            if (e.timing() != null) {
                sb.append(String.format(Locale.ROOT, "; estimated %.0f MHz", e.timing().fmaxMhz()));
            }
        }
        return sb.toString();
    }

    static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private void writeCsv(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : csv.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue()[0] + "\n" + e.getValue()[1] + "\n");
        }
    }
}
