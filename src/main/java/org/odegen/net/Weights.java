package org.odegen.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The float weights of one network, by PyTorch-style tensor name (see the README's table):
 * {@code conv1.weight}, {@code bn1.*}, {@code <stage>.<i>.conv1.weight}, {@code <stage>.<i>.bn1.*},
 * {@code <stage>.<i>.conv2.weight}, {@code <stage>.<i>.bn2.*}, {@code fc.weight}, {@code fc.bias}.
 * Norm layers have {@code weight, bias} (gamma, beta: the parameters) and the buffers
 * {@code running_mean, running_var}, needed only by the folded norm mode.
 */
public final class Weights {
    private final NetworkSpec spec;
    private final Map<String, Tensor> tensors;

    private Weights(NetworkSpec spec, Map<String, Tensor> tensors) {
        this.spec = spec;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    public NetworkSpec spec() {
        return spec;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("weights of " + spec.name() + " have no tensor '" + name + "'");
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** What a tensor is for: decides its random initialization and whether it counts as a parameter. */
    public enum Role { CONV, NORM_WEIGHT, NORM_BIAS, RUNNING_MEAN, RUNNING_VAR, FC_WEIGHT, FC_BIAS }

    /** One expected tensor. */
    public record Slot(String name, Role role, int[] shape) {
        public boolean isParameter() {
            return role != Role.RUNNING_MEAN && role != Role.RUNNING_VAR;
        }
    }

    /** Every tensor the network uses, in network order. */
    public static List<Slot> slots(NetworkSpec spec) {
        List<Slot> out = new ArrayList<>();
        for (LayerRow row : spec.rows()) {
            Stage s = row.stage();
            int c = s.outChannels();
            switch (row.kind()) {
                case STEM -> {
                    out.add(new Slot("conv1.weight", Role.CONV, new int[] {c, s.inChannels(), 3, 3}));
                    norm(out, "bn1", c);
                }
                case RESNET, ODE -> {
                    int time = row.kind() == BlockKind.ODE ? 1 : 0;
                    for (int i = 0; i < row.instances(); i++) {
                        String p = s.id() + "." + i + ".";
                        out.add(new Slot(p + "conv1.weight", Role.CONV, new int[] {c, s.inChannels() + time, 3, 3}));
                        norm(out, p + "bn1", c);
                        out.add(new Slot(p + "conv2.weight", Role.CONV, new int[] {c, c + time, 3, 3}));
                        norm(out, p + "bn2", c);
                    }
                }
                case CLASSIFIER -> {
                    out.add(new Slot("fc.weight", Role.FC_WEIGHT, new int[] {c, s.inChannels()}));
                    out.add(new Slot("fc.bias", Role.FC_BIAS, new int[] {c}));
                }
                default -> throw new IllegalStateException(row.kind().name());
            }
        }
        return out;
    }

    private static void norm(List<Slot> out, String prefix, int c) {
        out.add(new Slot(prefix + ".weight", Role.NORM_WEIGHT, new int[] {c}));
        out.add(new Slot(prefix + ".bias", Role.NORM_BIAS, new int[] {c}));
        out.add(new Slot(prefix + ".running_mean", Role.RUNNING_MEAN, new int[] {c}));
        out.add(new Slot(prefix + ".running_var", Role.RUNNING_VAR, new int[] {c}));
    }

    /**
     * Seeded random weights: Kaiming-normal convolutions, norm parameters near (1, 0), running
     * statistics near (0, 1), a uniform classifier. Each tensor draws from its own generator seeded
     * by the seed and its name, so a tensor of the same name and shape is the same in every variant.
     */
    public static Weights random(NetworkSpec spec, long seed) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Slot slot : slots(spec)) {
            SplittableRandom rng = new SplittableRandom(seed ^ nameHash(slot.name() + Arrays.toString(slot.shape())));
            double[] v = new double[(int) Tensor.elements(slot.shape())];
            int[] sh = slot.shape();
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (slot.role()) {
                    case CONV -> gaussian(rng) * Math.sqrt(2.0 / (sh[1] * 9));
                    case NORM_WEIGHT -> rng.nextDouble(0.8, 1.2);
                    case NORM_BIAS, RUNNING_MEAN -> rng.nextDouble(-0.1, 0.1);
                    case RUNNING_VAR -> rng.nextDouble(0.8, 1.2);
                    case FC_WEIGHT, FC_BIAS -> rng.nextDouble(-0.125, 0.125);
                };
                v[i] = (float) v[i]; // the weights a float32 checkpoint would hold
            }
            map.put(slot.name(), new Tensor(slot.name(), sh, v));
        }
        return new Weights(spec, map);
    }

    /**
     * Checks named tensors against the network: every parameter present with its shape; running
     * statistics required only when {@code needRunningStats}. Other tensors (e.g. PyTorch's
     * {@code num_batches_tracked}) are ignored.
     */
    public static Weights of(NetworkSpec spec, Map<String, Tensor> named, String source, boolean needRunningStats) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Slot slot : slots(spec)) {
            Tensor t = named.get(slot.name());
            if (t == null) {
                if (!slot.isParameter() && !needRunningStats) {
                    continue;
                }
                throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' of shape "
                        + Arrays.toString(slot.shape()) + " is missing (" + spec.name() + " needs it"
                        + (slot.isParameter() ? "" : " for the folded norm mode") + ")");
            }
            if (!t.hasShape(slot.shape())) {
                throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' has shape "
                        + Arrays.toString(t.shape()) + ", " + spec.name() + " needs " + Arrays.toString(slot.shape()));
            }
            for (double d : t.data()) {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' holds " + d);
                }
            }
            map.put(slot.name(), t);
        }
        return new Weights(spec, map);
    }

    public static Weights read(NetworkSpec spec, Path file, boolean needRunningStats) throws IOException {
        return of(spec, SafeTensors.read(file), "safetensors file " + file, needRunningStats);
    }

    public void write(Path file) throws IOException {
        SafeTensors.write(file, tensors.values(), Map.of("network", spec.name(), "format", "pt"));
    }

    /** Trainable parameters held (running statistics excluded). */
    public long parameterCount() {
        return slots(spec).stream().filter(Slot::isParameter).mapToLong(s -> Tensor.elements(s.shape())).sum();
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller from the generator's doubles: the same numbers on every JVM.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    private static long nameHash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }
}
