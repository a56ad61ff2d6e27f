package org.odegen.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.odegen.fixed.QFormat;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.Accuracy;
import org.odegen.net.Agreement;
import org.odegen.net.Cifar100;
import org.odegen.net.Network;
import org.odegen.net.SafeTensors;
import org.odegen.net.Tensor;
import org.odegen.net.Weights;

/**
 * The accuracy ladder of one trained network: top-1 in PyTorch float (the logits PyTorch wrote),
 * in the Java float twin, in the fixed-point twin at each chosen format, and with the ODEBlocks on
 * the generated RTL for a few images. Every rung runs the same images.
 */
public final class AccuracyLadder {
    /** The tolerance for choosing a format: at most this many points of top-1 below PyTorch float. */
    public static final double TOLERANCE_POINTS = 0.5;
    /** The stage name of the fixed-point rungs. */
    public static final String FIXED = "Java fixed-point twin";

    /** One rung: what ran, its number format, the images, top-1 and top-5, and predictions equal to the reference's. */
    public record Rung(String stage, String format, int images, double top1, double top5, int samePrediction,
            String note) {
    }

    /** PyTorch's logits of the same images, and how far the Java float twin is from them. */
    public record TorchComparison(double maxRelativeDifference, int samePrediction, int images) {
    }

    /**
     * The ladder: the solver every rung's ODEBlocks ran with, its rungs in order, the reference's
     * top-1 (PyTorch's, else the Java float twin's).
     */
    public record Result(String network, NormMode norm, OdeSolver solver, List<Rung> rungs, TorchComparison torch,
            double referenceTop1, String referenceName, QFormat recommended, double recommendedTop1) {
    }

    /** Reads PyTorch's logits: tensor {@code logits} [n, classes] and {@code labels} [n], which must match the data's. */
    public static double[][] readTorchLogits(Path file, List<Cifar100.Sample> samples) throws IOException {
        Map<String, Tensor> t = SafeTensors.read(file);
        Tensor logits = t.get("logits");
        Tensor labels = t.get("labels");
        if (logits == null || labels == null || logits.shape().length != 2 || labels.shape().length != 1) {
            throw new IllegalArgumentException("torch logits " + file + ": needs tensors 'logits' [n, classes] and "
                    + "'labels' [n]");
        }
        int n = logits.shape()[0];
        int classes = logits.shape()[1];
        if (n != samples.size() || labels.shape()[0] != n) {
            throw new IllegalArgumentException("torch logits " + file + ": " + n + " images, the data has "
                    + samples.size() + " (the same images, in the same order, are needed)");
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            if ((int) labels.data()[i] != samples.get(i).fineLabel()) {
                throw new IllegalArgumentException("torch logits " + file + ": image " + i + " has label "
                        + (int) labels.data()[i] + ", the data says " + samples.get(i).fineLabel());
            }
            out[i] = java.util.Arrays.copyOfRange(logits.data(), i * classes, (i + 1) * classes);
        }
        return out;
    }

    /** max over images of max_j |java_j - torch_j| / max_j |torch_j|, and the arg-max agreements. */
    public static TorchComparison compare(double[][] java, double[][] torch) {
        double worst = 0;
        int same = 0;
        for (int i = 0; i < java.length; i++) {
            if (java[i].length != torch[i].length) {
                throw new IllegalArgumentException("image " + i + ": " + torch[i].length + " PyTorch logits, the network has "
                        + java[i].length);
            }
            double scale = 0;
            double diff = 0;
            for (int j = 0; j < java[i].length; j++) {
                scale = Math.max(scale, Math.abs(torch[i][j]));
                diff = Math.max(diff, Math.abs(java[i][j] - torch[i][j]));
            }
            worst = Math.max(worst, scale > 0 ? diff / scale : diff);
            same += Agreement.argMax(java[i]) == Agreement.argMax(torch[i]) ? 1 : 0;
        }
        return new TorchComparison(worst, same, java.length);
    }

    /** Float logits of the Java twin, every image (in parallel; the result does not depend on it), Euler. */
    public static double[][] floatLogits(Network net, List<FloatMap> images) {
        return floatLogits(net, images, OdeSolver.EULER);
    }

    /** Float logits of the Java twin with the ODEBlocks run by {@code solver}, every image. */
    public static double[][] floatLogits(Network net, List<FloatMap> images, OdeSolver solver) {
        return IntStream.range(0, images.size()).parallel().mapToObj(i -> net.forwardFloat(images.get(i), solver))
                .toArray(double[][]::new);
    }

    /**
     * Runs the ladder with every ODEBlock run by {@code solver}, the one the model was trained with
     * (no Euler default: a model run with another solver gives other logits). {@code torchLogits}
     * may be null (then the Java float twin is the reference); {@code cosim} runs the first
     * {@code cosimImages} images with the ODEBlocks on the RTL at {@code cosimFormat} (null: no RTL
     * rung); the executor gets each block with {@code solver}, so the RTL is built for it.
     */
    public static Result run(Weights weights, NormMode norm, OdeSolver solver, List<Cifar100.Sample> samples,
            double[][] torchLogits, List<QFormat> formats, Network.BlockExecutor cosim, String cosimName,
            int cosimImages, QFormat cosimFormat, Consumer<String> progress) {
        List<FloatMap> images = samples.stream().map(Cifar100.Sample::normalized).toList();
        int[] labels = samples.stream().mapToInt(Cifar100.Sample::fineLabel).toArray();
        List<Rung> rungs = new ArrayList<>();
        String network = weights.spec().name();
        double[][] reference = torchLogits;
        TorchComparison torch = null;
        long start = System.nanoTime();
        Network floatNet = new Network(weights, norm, QFormat.Q32_20);
        double[][] javaFloat = floatLogits(floatNet, images, solver);
        progress.accept(String.format(Locale.ROOT, "[ladder, %.0f s] Java float twin: %d images", seconds(start),
                images.size()));
        if (torchLogits != null) {
            rungs.add(rung("PyTorch float", "float32", torchLogits, labels, torchLogits, ""));
            torch = compare(javaFloat, torchLogits);
        } else {
            reference = javaFloat;
        }
        rungs.add(rung("Java float twin", "double", javaFloat, labels, reference, ""));
        Map<QFormat, Rung> fixedRungs = new TreeMap<>(Comparator.comparingInt(QFormat::width).reversed()
                .thenComparing(Comparator.comparingInt(QFormat::frac).reversed()));
        for (QFormat q : formats) {
            Network net = new Network(weights, norm, q);
            double[][] fixed = IntStream.range(0, images.size()).parallel()
                    .mapToObj(i -> toDouble(q, net.forwardFixed(images.get(i), solver))).toArray(double[][]::new);
            Rung r = rung(FIXED, q.toString(), fixed, labels, reference, "");
            fixedRungs.put(q, r);
            progress.accept(String.format(Locale.ROOT, "[ladder, %.0f s] %s: top-1 %.2f%%", seconds(start), q,
                    100 * r.top1()));
        }
        rungs.addAll(fixedRungs.values());
        if (cosim != null && cosimImages > 0) {
            Network net = new Network(weights, norm, cosimFormat);
            int n = Math.min(cosimImages, images.size());
            double[][] rtl = new double[n][];
            int exact = 0;
            for (int i = 0; i < n; i++) {
                var x = net.quantize(images.get(i));
                int[] viaRtl = net.forwardFixed(x, cosim, solver);
                exact += java.util.Arrays.equals(viaRtl, net.forwardFixed(x, Network.GOLDEN, solver)) ? 1 : 0;
                rtl[i] = toDouble(cosimFormat, viaRtl);
                progress.accept(String.format(Locale.ROOT, "[ladder, %.0f s] RTL co-simulation: image %d of %d",
                        seconds(start), i + 1, n));
            }
            rungs.add(rung("RTL co-simulation (" + cosimName + ")", cosimFormat.toString(), rtl,
                    java.util.Arrays.copyOf(labels, n), java.util.Arrays.copyOf(reference, n),
                    exact + " of " + n + " bit-exact to the fixed-point twin"));
        }
        double refTop1 = rungs.get(0).top1();
        QFormat best = null;
        double bestTop1 = 0;
        for (Map.Entry<QFormat, Rung> e : fixedRungs.entrySet()) {
            QFormat q = e.getKey();
            boolean within = 100 * (refTop1 - e.getValue().top1()) <= TOLERANCE_POINTS + 1e-9;
            if (within && (best == null || q.width() < best.width()
                    || (q.width() == best.width() && e.getValue().top1() > bestTop1))) {
                best = q;
                bestTop1 = e.getValue().top1();
            }
        }
        return new Result(network, norm, solver, rungs, torch, refTop1, rungs.get(0).stage(), best, bestTop1);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double[] toDouble(QFormat q, int[] raw) {
        double[] d = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            d[i] = q.toDouble(raw[i]);
        }
        return d;
    }

    private static Rung rung(String stage, String format, double[][] logits, int[] labels, double[][] reference,
            String note) {
        Accuracy acc = new Accuracy();
        int same = 0;
        for (int i = 0; i < logits.length; i++) {
            acc.add(logits[i], labels[i]);
            same += Agreement.argMax(logits[i]) == Agreement.argMax(reference[i]) ? 1 : 0;
        }
        return new Rung(stage, format, logits.length, acc.top1(), acc.top5(), same, note);
    }

    /** The ladder as a Markdown table with its summary lines. */
    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Accuracy ladder of %s, %s norm, %s solver (reference: %s)%n%n",
                r.network(), r.norm(), r.solver().id(), r.referenceName()));
        sb.append("| stage | number format | images | top-1 | top-5 | top-1 against the reference | same prediction as the reference | note |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Rung g : r.rungs()) {
            // a rung on fewer images (the RTL's) is not compared with the reference's top-1 over all of them
            String against = g.images() == r.rungs().get(0).images()
                    ? String.format(Locale.ROOT, "%+.2f points", 100 * (g.top1() - r.referenceTop1())) : "-";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f%% | %.2f%% | %s | %.2f%% | %s |%n",
                    g.stage(), g.format(), g.images(), 100 * g.top1(), 100 * g.top5(), against,
                    100.0 * g.samePrediction() / Math.max(1, g.images()), g.note()));
        }
        sb.append('\n');
        if (r.torch() != null) {
            sb.append(String.format(Locale.ROOT, "Java float twin against PyTorch: max |logit difference| / max |logit| "
                    + "= %.3e over %d images; same prediction on %d of them.%n", r.torch().maxRelativeDifference(),
                    r.torch().images(), r.torch().samePrediction()));
        }
        if (r.recommended() != null) {
            sb.append(String.format(Locale.ROOT, "Smallest format within %.1f points of %s: %s (top-1 %.2f%%, %+.2f "
                    + "points).%n", TOLERANCE_POINTS, r.referenceName(), r.recommended(), 100 * r.recommendedTop1(),
                    100 * (r.recommendedTop1() - r.referenceTop1())));
        } else {
            sb.append(String.format(Locale.ROOT, "No format of the sweep is within %.1f points of %s.%n",
                    TOLERANCE_POINTS, r.referenceName()));
        }
        return sb.toString();
    }

    /**
     * Writes {@code ladder.md} and {@code accuracy_vs_width.png/.svg} (top-1 against W, the reference
     * and the reference minus the tolerance as dashed lines) into {@code dir}; each file whole or not
     * at all (made in a temporary folder beside, then moved); other files of {@code dir} stay.
     */
    public static void write(Result r, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs);
        Path tmp = Files.createTempDirectory(abs, ".ladder-");
        try {
            Files.writeString(tmp.resolve("ladder.md"), markdown(r), StandardCharsets.UTF_8);
            Charts.save(chart(r), tmp, "accuracy_vs_width");
            for (String f : List.of("ladder.md", "accuracy_vs_width.png", "accuracy_vs_width.svg")) {
                Files.move(tmp.resolve(f), abs.resolve(f), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            try (var files = Files.walk(tmp)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static XYChart chart(Result r) {
        XYChart chart = Charts.xy("Top-1 of " + r.network() + " (" + r.solver().id() + ") against the word width W", "W (bits)", "top-1 (%)");
        Map<Integer, List<Rung>> byInt = new TreeMap<>();
        for (Rung g : r.rungs()) {
            if (g.stage().equals(FIXED)) {
                QFormat q = QFormat.parse(g.format());
                byInt.computeIfAbsent(q.width() - q.frac(), k -> new ArrayList<>()).add(g);
            }
        }
        double minW = 32;
        double maxW = 8;
        int color = 0;
        for (Map.Entry<Integer, List<Rung>> e : byInt.entrySet()) {
            List<Rung> gs = e.getValue().stream()
                    .sorted(Comparator.comparingInt(g -> QFormat.parse(g.format()).width())).toList();
            double[] x = gs.stream().mapToDouble(g -> QFormat.parse(g.format()).width()).toArray();
            double[] y = gs.stream().mapToDouble(g -> 100 * g.top1()).toArray();
            minW = Math.min(minW, x[0]);
            maxW = Math.max(maxW, x[x.length - 1]);
            Charts.line(chart, "fixed point, " + e.getKey() + " integer bits (W - F)", x, y,
                    Charts.PALETTE[color++ % Charts.PALETTE.length]);
        }
        double[] span = {minW, maxW};
        Charts.dashed(chart, r.referenceName(), span, new double[] {100 * r.referenceTop1(), 100 * r.referenceTop1()},
                Color.BLACK);
        double low = 100 * r.referenceTop1() - TOLERANCE_POINTS;
        Charts.dashed(chart, r.referenceName() + " - " + TOLERANCE_POINTS + " points", span, new double[] {low, low},
                Color.GRAY);
        return chart;
    }
}
