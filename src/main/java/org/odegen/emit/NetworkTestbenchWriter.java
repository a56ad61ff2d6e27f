package org.odegen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.odegen.hw.Hardware;
import org.odegen.model.FixedMap;
import org.odegen.model.FloatMap;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.Cifar100;
import org.odegen.net.LayerRow;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Stage;

/**
 * Writes {@code testbench/} into a network engine's output folder (NETWORK.md): the Verilator C++ harness
 * ({@code harness.cpp}, from {@code testbench/network_harness.cpp.vm}), its Makefile (the block's
 * {@code Makefile.vm}, which serves both) and golden vectors from the Java golden model:
 * {@code vectors/blob.hex} (the parameter blob), {@code image.hex} (3072 raw Q words {@code [c][y][x]}),
 * {@code logits.hex} (the 100 raw logits of {@link Network#forwardFixed}) and {@code network.txt} (what the
 * harness checks CONFIG and WIDTH against, and its cycle limit). {@code make -C testbench} builds and runs it.
 */
public final class NetworkTestbenchWriter {
    public static final int IMAGE_WORDS = 3 * 32 * 32;
    public static final int LOGITS = 100;

    private NetworkTestbenchWriter() {
    }

    /**
     * The golden vectors of one engine run; {@code facts} are {@code network.txt}'s "key value" lines: {@code name},
     * {@code timeoutCycles}, and the CONFIG/WIDTH fields of the engine's register map to check (lanes, variant, depth,
     * frac, norm, width, solver), each only when present.
     */
    public record Vectors(int[] blob, int[] image, int[] logits, Map<String, String> facts) {
        public Vectors {
            if (blob.length == 0) {
                throw new IllegalArgumentException("the parameter blob is empty");
            }
            // the zoo's image and logits unless the facts give another network's (imageWords, logits)
            int imageWords = facts.containsKey("imageWords") ? Integer.parseInt(facts.get("imageWords")) : IMAGE_WORDS;
            int logitCount = facts.containsKey("logits") ? Integer.parseInt(facts.get("logits")) : LOGITS;
            if (image.length != imageWords) {
                throw new IllegalArgumentException("an image is " + (imageWords == IMAGE_WORDS ? "3 * 32 * 32 = " : "")
                        + imageWords + " words, got " + image.length);
            }
            if (logits.length != logitCount) {
                throw new IllegalArgumentException(logitCount + " logits expected, got " + logits.length);
            }
            facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        }

        /** The same vectors with one more (or another) fact. */
        public Vectors with(String key, Object value) {
            Map<String, String> f = new LinkedHashMap<>(facts);
            f.put(key, String.valueOf(value));
            return new Vectors(blob, image, logits, f);
        }
    }

    /**
     * Writes the harness, the Makefile and the golden vectors of {@code net} (its weights as given, an image
     * drawn from {@code seed}) into {@code outFolder/testbench}. CONFIG's lanes are not checked.
     */
    public static void write(Path outFolder, String top, Network net, long seed) throws IOException {
        writeHarness(outFolder, top);
        writeVectors(outFolder.resolve("testbench").resolve("vectors"), vectors(net, seed));
    }

    /** The same, and the harness checks CONFIG's lanes too. */
    public static void write(Path outFolder, String top, Network net, long seed, int lanes) throws IOException {
        write(outFolder, top, net, seed, lanes, OdeSolver.EULER);
    }

    /** The same with the ODEBlocks run by {@code solver} (the harness checks WIDTH's solver field). */
    public static void write(Path outFolder, String top, Network net, long seed, int lanes, OdeSolver solver)
            throws IOException {
        writeHarness(outFolder, top);
        writeVectors(outFolder.resolve("testbench").resolve("vectors"), vectors(net, seed, solver).with("lanes", lanes));
    }

    /** {@code testbench/harness.cpp} and {@code testbench/Makefile} for the engine top {@code top}. */
    public static void writeHarness(Path outFolder, String top) throws IOException {
        if (!top.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("top module '" + top + "' is not a Verilog/C++ identifier");
        }
        Path tb = Files.createDirectories(outFolder.resolve("testbench"));
        Map<String, Object> vars = Map.of("top", top);
        Templates.render("testbench/network_harness.cpp.vm", vars, tb.resolve("harness.cpp"));
        Templates.render("testbench/Makefile.vm", vars, tb.resolve("Makefile"));
        // the build words are not checked against values here: the vectors' network.txt says what they must read
        RegisterFilesWriter.writeC(tb, Hardware.networkRegisterMap(), Map.of());
    }

    /** {@code blob.hex}, {@code image.hex}, {@code logits.hex} and {@code network.txt} into {@code vectorsFolder}. */
    public static void writeVectors(Path vectorsFolder, Vectors v) throws IOException {
        Files.createDirectories(vectorsFolder);
        HexWords.write(vectorsFolder.resolve("blob.hex"), v.blob());
        HexWords.write(vectorsFolder.resolve("image.hex"), v.image());
        HexWords.write(vectorsFolder.resolve("logits.hex"), v.logits());
        StringBuilder sb = new StringBuilder();
        v.facts().forEach((k, x) -> sb.append(k).append(' ').append(x).append('\n'));
        Files.writeString(vectorsFolder.resolve("network.txt"), sb.toString(), StandardCharsets.UTF_8);
    }

    /** The golden vectors of {@code net} for the image of {@code seed}. */
    public static Vectors vectors(Network net, long seed) {
        return vectors(net, seed, OdeSolver.EULER);
    }

    /**
     * The same with the ODEBlocks run by {@code solver}, or each by its own (the description's) when null. A network
     * that is not the zoo's (MODEL.md) gets its own image shape and logits (facts imageWords, logits), CONFIG's variant
     * 15 and depth 0, and WIDTH's solver 3 where its ODE layers use more than one.
     */
    public static Vectors vectors(Network net, long seed, OdeSolver solver) {
        NetworkDescription d = solver == null ? net.description() : net.description().withSolver(solver);
        return vectors(net, image(d, seed), solver);
    }

    /** The same for a given (normalized) image of the network's shape: a real one, for accuracy on the RTL. */
    public static Vectors vectors(Network net, FloatMap normalized, OdeSolver solver) {
        NetworkDescription d = solver == null ? net.description() : net.description().withSolver(solver);
        FixedMap x = net.quantize(normalized);
        int[] image = x.data().clone();
        int[] logits = net.forwardFixed(x, Network.GOLDEN, solver);
        java.util.Optional<NetworkSpec> spec = d.zooSpec();
        int[] blob = ParameterBlob.of(net);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("name", spec.map(NetworkSpec::name).orElse("custom").replace(' ', '_'));
        // NETWORK.md's variant codes follow Variant's declaration order (0 resnet .. 6 hybrid-3), 15 any other network
        facts.put("variant", Integer.toString(spec.map(s -> s.variant().ordinal()).orElse(15)));
        facts.put("depth", Integer.toString(spec.map(NetworkSpec::depth).orElse(0)));
        facts.put("frac", Integer.toString(net.format().frac()));
        facts.put("norm", net.norm() == NormMode.BATCH_STATS ? "1" : "0");
        facts.put("width", Integer.toString(net.format().width()));
        facts.put("solver", Integer.toString(solverCode(d)));
        facts.put("timeoutCycles", Long.toString(spec.isPresent() ? timeoutCycles(spec.get())
                : 4 * d.multiplyAdds() + 64 * d.params() + 1_000_000));
        facts.put("networkId", Long.toString(d.networkId()));
        if (spec.isEmpty()) {
            facts.put("imageWords", Integer.toString(d.input().words()));
            facts.put("logits", Integer.toString(d.classes()));
        }
        return new Vectors(blob, image, logits, facts);
    }

    /** WIDTH's solver field for the network: the one solver of its ODE layers (Euler without any), 3 for several. */
    static int solverCode(NetworkDescription d) {
        List<OdeSolver> used = d.odeLayers().stream().map(NetworkDescription.Ode::solver).distinct().toList();
        return used.size() > 1 ? 3 : used.isEmpty() ? OdeSolver.EULER.code() : used.get(0).code();
    }

    /**
     * Seeded random pixel bytes of the network's image shape, normalized with its mean and std as the driver does
     * ({@code (p / 255 - mean[c]) / std[c]}); for the zoo, {@link #image(long)}'s CIFAR-like image.
     */
    public static FloatMap image(NetworkDescription d, long seed) {
        NetworkDescription.Shape s = d.input();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[s.words()];
        for (int i = 0; i < v.length; i++) {
            int c = i / s.pixels();
            v[i] = (rng.nextInt(256) / 255.0 - d.mean().get(c)) / d.std().get(c);
        }
        return new FloatMap(s.channels(), s.height(), s.width(), v);
    }

    /** A CIFAR-like image: seeded random pixel bytes, normalized as CIFAR-100 is (Cifar100.Sample). */
    public static Cifar100.Sample image(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] px = new byte[IMAGE_WORDS];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        return new Cifar100.Sample(0, 0, px);
    }

    /**
     * The harness's cycle limit for each phase: four times the network's multiply-adds (one lane at 25% busy)
     * plus 64 cycles a parameter word, so that only a hang reaches it.
     */
    static long timeoutCycles(NetworkSpec spec) {
        return 4 * macs(spec) + 64 * ParameterBlob.words(spec) + 1_000_000;
    }

    /** Multiply-adds of one image (convolutions and the classifier). */
    static long macs(NetworkSpec spec) {
        long total = 0;
        for (LayerRow row : spec.rows()) {
            Stage s = row.stage();
            long px = (long) s.outSize() * s.outSize();
            long c = s.outChannels();
            long cin = s.inChannels();
            total += switch (row.kind()) {
                case STEM -> px * c * cin * 9;
                case RESNET -> row.instances() * (px * c * cin * 9 + px * c * c * 9);
                case ODE -> (long) row.totalExecutions() * (px * c * (cin + 1) * 9 + px * c * (c + 1) * 9);
                case CLASSIFIER -> c * cin;
            };
        }
        return total;
    }
}
