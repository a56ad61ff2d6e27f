package org.odegen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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

    private record Logits(int[] fixed, double[] flt) {
    }

    @Override
    public Integer call() throws Exception {
        if (model != null) {
            return described();
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
        out.flush();
        return 0;
    }
}
