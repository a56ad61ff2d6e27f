package org.odegen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.Cifar100;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.net.Weights;
import org.odegen.report.AccuracyLadder;
import org.odegen.rtl.BlockSimulator;
import org.odegen.rtl.RtlExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen ladder}: a trained network's top-1 in PyTorch, the Java twins at each format, and on the RTL. */
@Command(name = "ladder", mixinStandardHelpOptions = true,
        description = "The accuracy ladder of trained weights on CIFAR-100-format images: PyTorch float (from "
                + "--torch-logits), the Java float twin, the fixed-point twin at each of --formats, and the ODEBlocks "
                + "on the generated RTL for --cosim-images images. One table; the smallest format within 0.5 points.")
final class LadderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkChoice choice;

    @Option(names = "--weights", required = true, description = "the trained network's safetensors file")
    Path weights;

    @Option(names = "--norm", defaultValue = "batch-stats", description = "batch-stats or folded (default: ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--solver", defaultValue = "euler", description = "the ODE solver the network was trained with, "
            + "euler, heun or rk4; every rung runs it, the RTL too (default: ${DEFAULT-VALUE})")
    String solver;

    @Option(names = "--data", required = true, description = "CIFAR-100 binary file of the test images")
    Path data;

    @Option(names = "--limit", defaultValue = "0", description = "only the first N images (default: all)")
    int limit;

    @Option(names = "--torch-logits", description = "PyTorch's logits of the same images: safetensors with 'logits' "
            + "[n, 100] and 'labels' [n] (python -m odegen_torch.ladder writes it)")
    Path torchLogits;

    @Option(names = "--formats", defaultValue = "Q32.20,Q24.16,Q20.12,Q16.10,Q14.8,Q12.6,Q10.5",
            description = "the fixed-point formats, comma-separated QW.F (default: ${DEFAULT-VALUE})")
    String formats;

    @Option(names = "--cosim-images", defaultValue = "0",
            description = "run the first N images with the ODEBlocks on the Verilated RTL (default: ${DEFAULT-VALUE})")
    int cosimImages;

    @Option(names = "--cosim-format", defaultValue = "Q32.20", description = "the RTL's format (default: ${DEFAULT-VALUE})")
    String cosimFormat;

    @Option(names = "--lanes", defaultValue = "16", description = "lanes of the RTL blocks (default: ${DEFAULT-VALUE})")
    int lanes;

    @Option(names = "--out", description = "also write ladder.md and accuracy_vs_width.png/.svg into this folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        NetworkSpec ns = NetworkSpec.of(Variant.parse(choice.variant), choice.depth);
        NormMode mode = NormMode.parse(norm);
        // parsed before anything is read, so a bad name is the one error line and nothing runs
        OdeSolver method = OdeSolver.parse(solver);
        List<QFormat> qs = new ArrayList<>();
        for (String f : new LinkedHashSet<>(List.of(formats.split(",")))) {
            if (!f.isBlank()) {
                qs.add(QFormat.parse(f));
            }
        }
        if (qs.isEmpty()) {
            throw new IllegalArgumentException("--formats names no format; expected e.g. Q32.20,Q16.10");
        }
        if (limit < 0 || cosimImages < 0) {
            throw new IllegalArgumentException("--limit and --cosim-images must be 0 or more");
        }
        QFormat rtlFormat = QFormat.parse(cosimFormat);
        if (cosimImages > 0 && ns.odeRows().isEmpty()) {
            throw new IllegalArgumentException(ns.name() + " has no ODEBlock to run on the RTL; use --cosim-images 0");
        }
        Weights w = Weights.read(ns, weights, mode == NormMode.FOLDED);
        List<Cifar100.Sample> samples = Cifar100.read(data, limit);
        double[][] torch = torchLogits == null ? null : AccuracyLadder.readTorchLogits(torchLogits, samples);
        var err = spec.commandLine().getErr();
        RtlExecutor rtl = cosimImages > 0
                ? BlockSimulator.verilator().executor(lanes, Path.of("target/spinal-sim")) : null;
        AccuracyLadder.Result r = AccuracyLadder.run(w, mode, method, samples, torch, qs, rtl,
                "x" + lanes + " lanes, Verilator", cosimImages, rtlFormat, line -> {
                    err.println(line);
                    err.flush();
                });
        if (out != null) {
            AccuracyLadder.write(r, out);
        }
        var o = spec.commandLine().getOut();
        o.print(AccuracyLadder.markdown(r));
        o.flush();
        return 0;
    }
}
