package org.odegen.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.odegen.net.Accuracy;
import org.odegen.net.Cifar100;
import org.odegen.net.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen evaluate}: top-1/top-5 accuracy of a network's two twins on CIFAR-100 data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Top-1 and top-5 accuracy of given weights on CIFAR-100 binary data, fixed point and float.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkOptions net;

    @Option(names = "--data", required = true, description = "CIFAR-100 binary file (test.bin or train.bin)")
    Path data;

    @Option(names = "--limit", defaultValue = "0", description = "evaluate only the first N images (default: all)")
    int limit;

    private record Logits(int[] fixed, double[] flt) {
    }

    @Override
    public Integer call() throws Exception {
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
}
