package org.odegen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.odegen.emit.NetworkHarness;
import org.odegen.emit.NetworkTestbenchWriter;
import org.odegen.emit.VerilatorHarness;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.net.Accuracy;
import org.odegen.net.Cifar100;
import org.odegen.net.ImageSet;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odegen evaluate}: top-1/top-5 accuracy of a network's two twins on CIFAR-100 data, or, with {@code --model},
 * of a described network (MODEL.md) on an image set of its own shape ({@link ImageSet}, train.py --test-images) in
 * float and at each of the comma-separated formats.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Top-1 and top-5 accuracy of given weights on CIFAR-100 binary data (or, with --model, on an "
                + "image set of the description's shape), fixed point and float.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions net;

    @Option(names = "--data", required = true, description = "CIFAR-100 binary file (test.bin or train.bin); with "
            + "--model an image set of the network's C x H x W (train.py --test-images)")
    Path data;

    @Option(names = "--model", description = "a network.json (MODEL.md): evaluate the network it describes (its norm "
            + "unless --norm; --format may list several, e.g. Q32.20,Q16.10)")
    Path model;

    @Option(names = "--limit", defaultValue = "0", description = "evaluate only the first N images (default: all)")
    int limit;

    @Option(names = "--rtl", description = "with --model: also run the first --rtl-images images on this engine folder's "
            + "RTL (generate --model, same description; its Verilator harness, bit-exact against the fixed-point twin "
            + "at the engine's format)")
    Path rtl;

    @Option(names = "--rtl-images", defaultValue = "20", description = "images run on the RTL (default: "
            + "${DEFAULT-VALUE}; 0: all)")
    int rtlImages;

    private record Logits(int[] fixed, double[] flt) {
    }

    @Override
    public Integer call() throws Exception {
        if (model != null) {
            return described();
        }
        if (rtl != null) {
            throw new IllegalArgumentException("--rtl goes with --model (the zoo's RTL: odegen ladder)");
        }
        Network network = net.network();
        List<Cifar100.Sample> samples = Cifar100.read(data, limit);
        var err = spec.commandLine().getErr();
        long start = System.nanoTime();
        int every = Math.max(1, samples.size() / 20);
        AtomicInteger done = new AtomicInteger();
        // Images are independent: run them on every core, then count in order (the counts are exact either way).
        Logits[] logits = IntStream.range(0, samples.size()).parallel().mapToObj(i -> {
            var img = samples.get(i).normalized();
            Logits l = new Logits(network.forwardFixed(img), network.forwardFloat(img));
            int n = done.incrementAndGet();
            if (n % every == 0 || n == samples.size()) {
                synchronized (err) {
                    err.printf(Locale.ROOT, "[%d/%d] %.1f s%n", n, samples.size(), (System.nanoTime() - start) / 1e9);
                    err.flush();
                }
            }
            return l;
        }).toArray(Logits[]::new);
        Accuracy fixed = new Accuracy();
        Accuracy flt = new Accuracy();
        for (int i = 0; i < logits.length; i++) {
            fixed.add(logits[i].fixed(), samples.get(i).fineLabel());
            flt.add(logits[i].flt(), samples.get(i).fineLabel());
        }
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s, %s, %s norm, %d images of %s%n", network.spec().name(), network.format(),
                network.norm(), samples.size(), data.getFileName());
        out.printf(Locale.ROOT, "fixed point: top-1 %.2f%%  top-5 %.2f%%%n", 100 * fixed.top1(), 100 * fixed.top5());
        out.printf(Locale.ROOT, "float:       top-1 %.2f%%  top-5 %.2f%%%n", 100 * flt.top1(), 100 * flt.top5());
        out.flush();
        return 0;
    }

    /** {@code --model}: the description's network on an image set of its shape, float and each format. */
    private int described() throws Exception {
        var given = spec.commandLine().getParseResult();
        NetworkDescription d = net.choice.description(model, given);
        NormMode mode = given.hasMatchedOption("--norm") ? NormMode.parse(net.norm) : d.norm();
        List<QFormat> formats = new ArrayList<>();
        for (String f : net.format.split(",")) {
            formats.add(QFormat.parse(f.strip()));
        }
        ImageSet set = ImageSet.read(data, limit);
        set.check(d, data);
        Weights w = net.weights != null ? Weights.read(d, net.weights, mode == NormMode.FOLDED)
                : Weights.random(d, net.seed);
        List<Network> nets = formats.stream().map(q -> new Network(w, mode, q)).toList();
        List<ImageSet.Sample> samples = set.samples();
        // float once (it does not depend on the format), then each format's fixed point; images on every core
        double[][] flt = new double[samples.size()][];
        int[][][] fixed = new int[samples.size()][][];
        IntStream.range(0, samples.size()).parallel().forEach(i -> {
            var img = samples.get(i).normalized(nets.get(0).description());
            flt[i] = nets.get(0).forwardFloat(img);
            fixed[i] = nets.stream().map(n -> n.forwardFixed(img)).toArray(int[][]::new);
        });
        Accuracy fa = new Accuracy();
        List<Accuracy> qa = formats.stream().map(q -> new Accuracy()).toList();
        for (int i = 0; i < samples.size(); i++) {
            int label = samples.get(i).label();
            fa.add(flt[i], label);
            for (int k = 0; k < formats.size(); k++) {
                qa.get(k).add(fixed[i][k], label);
            }
        }
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s (%s), %s norm, %d images of %s (%s)%n", d.displayName(), model.getFileName(),
                mode.id(), samples.size(), data.getFileName(), set.shape());
        out.printf(Locale.ROOT, "%-12s top-1 %.2f%%  top-5 %.2f%%%n", "float:", 100 * fa.top1(), 100 * fa.top5());
        for (int k = 0; k < formats.size(); k++) {
            out.printf(Locale.ROOT, "%-12s top-1 %.2f%%  top-5 %.2f%%%n", formats.get(k) + ":", 100 * qa.get(k).top1(),
                    100 * qa.get(k).top5());
        }
        if (rtl != null) {
            onRtl(d, w, mode, samples, out);
        }
        out.flush();
        return 0;
    }

    /**
     * The first images on the engine's RTL: each image's golden vectors (the fixed-point twin at the engine's format,
     * the weights given here: the engine reads them from its parameter blob, not from its RTL) into
     * testbench/rtl-images, then the harness once. A bit-exact run means the RTL's class is the twin's, so the RTL's
     * top-1 counts the bit-exact images whose twin class is the label (the harness does not print the logits).
     */
    private void onRtl(NetworkDescription d, Weights w, NormMode mode, List<ImageSet.Sample> samples,
            java.io.PrintWriter out) throws Exception {
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rtl.resolve("manifest.json").toFile());
        var params = manifest.path("params");
        if (!params.has("networkId") || params.get("networkId").asLong() != d.networkId()) {
            throw new IllegalArgumentException("engine folder " + rtl + " is not of " + model.getFileName()
                    + " (network id " + params.path("networkId").asText("none") + ", the description's " + d.networkId()
                    + "): generate it with --model " + model);
        }
        String top = manifest.get("top").asText();
        Network net = new Network(w, mode, new QFormat(params.get("dataWidth").asInt(), params.get("fracBits").asInt()));
        int n = rtlImages <= 0 ? samples.size() : Math.min(rtlImages, samples.size());
        var err = spec.commandLine().getErr();
        int exact = 0;
        int correct = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            var v = NetworkTestbenchWriter.vectors(net, samples.get(i).normalized(net.description()), null)
                    .with("lanes", params.get("lanes").asInt());
            NetworkTestbenchWriter.writeVectors(rtl.resolve("testbench").resolve("rtl-images"), v);
            var outcome = NetworkHarness.run(rtl, top, VerilatorHarness.CACHE, "rtl-images", 1 + i, true,
                    List.of("--images=1"));
            if (outcome.passed()) {
                exact++;
                int[] l = v.logits();
                int best = 0;
                for (int k = 1; k < l.length; k++) {
                    best = l[k] > l[best] ? k : best;
                }
                correct += best == samples.get(i).label() ? 1 : 0;
            } else {
                err.printf(Locale.ROOT, "image %d: %s%n", i, outcome.message());
            }
            if ((i + 1) % Math.max(1, n / 10) == 0 || i + 1 == n) {
                err.printf(Locale.ROOT, "[RTL %d/%d] %.1f s%n", i + 1, n, (System.nanoTime() - start) / 1e9);
                err.flush();
            }
        }
        out.printf(Locale.ROOT, "%-12s top-1 %.2f%% (%d of %d images; %d bit-exact with the %s twin on %s)%n", "RTL:",
                100.0 * correct / n, correct, n, exact, net.format(), top);
    }
}
