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
 * The float weights of one network, by PyTorch-style tensor name, as its {@link NetworkDescription}
 * names them ({@link NetworkDescription#tensors()}); for the zoo (see the user guide's table, doc/user-guide.md):
 * {@code conv1.weight}, {@code bn1.*}, {@code <stage>.<i>.conv1.weight}, {@code <stage>.<i>.bn1.*},
 * {@code <stage>.<i>.conv2.weight}, {@code <stage>.<i>.bn2.*}, {@code fc.weight}, {@code fc.bias}.
 * Norm layers have {@code weight, bias} (gamma, beta: the parameters) and the buffers
 * {@code running_mean, running_var}, needed only by the folded norm mode.
 */
public final class Weights {
    private final NetworkDescription description;
    /** The zoo network, when the weights were made for one by its variant and depth. */
    private final NetworkSpec spec;
    private final Map<String, Tensor> tensors;

    private Weights(NetworkDescription description, NetworkSpec spec, Map<String, Tensor> tensors) {
        this.description = description;
        this.spec = spec;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The network these weights are for. */
    public NetworkDescription description() {
        return description;
    }

    /** The zoo network these weights are for; refused for a custom description. */
    public NetworkSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("these weights are for a custom network, not one of the zoo's");
        }
        return spec;
    }

    NetworkSpec zooSpecOrNull() {
        return spec;
    }

    /** "rODENet-3-20", or "custom". */
    public String networkName() {
        return spec != null ? spec.name() : "custom";
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("weights of " + networkName() + " have no tensor '" + name + "'");
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

    /** Every tensor the zoo network uses, in network order. */
    public static List<Slot> slots(NetworkSpec spec) {
        return NetworkDescription.zoo(spec).tensors();
    }

    /**
     * Seeded random weights: Kaiming-normal convolutions, norm parameters near (1, 0), running
     * statistics near (0, 1), a uniform classifier. Each tensor draws from its own generator seeded
     * by the seed and its name, so a tensor of the same name and shape is the same in every variant.
     */
    public static Weights random(NetworkSpec spec, long seed) {
        return random(NetworkDescription.zoo(spec), spec, seed);
    }

    /** Seeded random weights for any description, as {@link #random(NetworkSpec, long)}. */
    public static Weights random(NetworkDescription description, long seed) {
        return random(description, description.zooSpec().orElse(null), seed);
    }

    private static Weights random(NetworkDescription description, NetworkSpec spec, long seed) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Slot slot : description.tensors()) {
            SplittableRandom rng = new SplittableRandom(seed ^ nameHash(slot.name() + Arrays.toString(slot.shape())));
            double[] v = new double[(int) Tensor.elements(slot.shape())];
            int[] sh = slot.shape();
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (slot.role()) {
                    case CONV -> gaussian(rng) * Math.sqrt(2.0 / (sh[1] * sh[2] * sh[3]));
                    case NORM_WEIGHT -> rng.nextDouble(0.8, 1.2);
                    case NORM_BIAS, RUNNING_MEAN -> rng.nextDouble(-0.1, 0.1);
                    case RUNNING_VAR -> rng.nextDouble(0.8, 1.2);
                    case FC_WEIGHT, FC_BIAS -> rng.nextDouble(-0.125, 0.125);
                };
                v[i] = (float) v[i]; // the weights a float32 checkpoint would hold
            }
            map.put(slot.name(), new Tensor(slot.name(), sh, v));
        }
        return new Weights(description, spec, map);
    }

    /**
     * Checks named tensors against the network: every parameter present with its shape; running
     * statistics required only when {@code needRunningStats}. Other tensors (e.g. PyTorch's
     * {@code num_batches_tracked}) are ignored.
     */
    public static Weights of(NetworkSpec spec, Map<String, Tensor> named, String source, boolean needRunningStats) {
        return of(NetworkDescription.zoo(spec), spec, named, source, needRunningStats);
    }

    /** {@link #of(NetworkSpec, Map, String, boolean)} for any description. */
    public static Weights of(NetworkDescription description, Map<String, Tensor> named, String source,
                             boolean needRunningStats) {
        return of(description, description.zooSpec().orElse(null), named, source, needRunningStats);
    }

    private static Weights of(NetworkDescription description, NetworkSpec spec, Map<String, Tensor> named,
                              String source, boolean needRunningStats) {
        String network = spec != null ? spec.name() : "the description";
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Slot slot : description.tensors()) {
            Tensor t = named.get(slot.name());
            if (t == null) {
                if (!slot.isParameter() && !needRunningStats) {
                    continue;
                }
                throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' of shape "
                        + Arrays.toString(slot.shape()) + " is missing (" + network + " needs it"
                        + (slot.isParameter() ? "" : " for the folded norm mode") + ")");
            }
            if (!t.hasShape(slot.shape())) {
                throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' has shape "
                        + Arrays.toString(t.shape()) + ", " + network + " needs " + Arrays.toString(slot.shape()));
            }
            for (double d : t.data()) {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(source + ": tensor '" + slot.name() + "' holds " + d);
                }
            }
            map.put(slot.name(), t);
        }
        return new Weights(description, spec, map);
    }

    public static Weights read(NetworkSpec spec, Path file, boolean needRunningStats) throws IOException {
        return of(spec, SafeTensors.read(file), "safetensors file " + file, needRunningStats);
    }

    /** Reads a safetensors file for any description, checking every tensor's presence and shape. */
    public static Weights read(NetworkDescription description, Path file, boolean needRunningStats) throws IOException {
        return of(description, SafeTensors.read(file), "safetensors file " + file, needRunningStats);
    }

    public void write(Path file) throws IOException {
        SafeTensors.write(file, tensors.values(), Map.of("network", networkName(), "format", "pt"));
    }

    /** Trainable parameters held (running statistics excluded). */
    public long parameterCount() {
        return description.tensors().stream().filter(Slot::isParameter).mapToLong(s -> Tensor.elements(s.shape())).sum();
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
