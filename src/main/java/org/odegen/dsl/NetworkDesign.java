package org.odegen.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;

/**
 * A buildable description of one network engine (NETWORK.md): which network (its {@link NetworkDescription}: a zoo
 * network or any other of MODEL.md), its number format and its parallelism (lanes: output channels computed at
 * once, one multiply-add unit each) and the multiply-adds each lane does a cycle (1; 2 or 3: two or three input
 * channels of a 3x3 conv at once, on a DSP48E1 each, for formats of at most 18 bits). The norm mode and the ODE layers'
 * solvers are the description's. Only valid designs exist: the constructor refuses the others with one message
 * naming the valid choices.
 */
public record NetworkDesign(NetworkDescription description, int lanes, QFormat format, int macsPerLane) {

    public static final int MAX_LANES = 64;
    /** The widest format whose multiply-add is one DSP48E1 (25 x 18) and whose weights are two banks a lane. */
    public static final int MAX_PAIRED_WIDTH = 18;

    public NetworkDesign {
        if (description == null) {
            throw new IllegalArgumentException("the network's description is missing");
        }
        if (!validLanes().contains(lanes)) {
            throw new IllegalArgumentException("lanes = " + lanes + " cannot be used by the network engine; valid: "
                    + validLanes());
        }
        if (format == null) {
            throw new IllegalArgumentException("the number format is missing");
        }
        if (macsPerLane < 1 || macsPerLane > 3) {
            throw new IllegalArgumentException("macs-per-lane = " + macsPerLane + " cannot be used; valid: 1, 2, 3");
        }
        if (macsPerLane > 1 && lanes < 2) {
            throw new IllegalArgumentException(macsPerLane + " multiply-adds a lane need at least 2 lanes (the "
                    + "channels taken at once are in neighbouring lanes); use --lanes 2 or more, or macs-per-lane 1");
        }
        if (macsPerLane > 1 && format.width() > MAX_PAIRED_WIDTH) {
            throw new IllegalArgumentException(macsPerLane + " multiply-adds a lane need a format of at most "
                    + MAX_PAIRED_WIDTH + " bits, not " + format + "; use --format Q16.10 (or another of W <= 18), or "
                    + "macs-per-lane 1");
        }
    }

    /** One multiply-add a lane. */
    public NetworkDesign(NetworkDescription description, int lanes, QFormat format) {
        this(description, lanes, format, 1);
    }

    /** The zoo network {@code spec} with its norms in {@code norm} and its ODEBlocks run by {@code solver}. */
    public NetworkDesign(NetworkSpec spec, int lanes, QFormat format, NormMode norm, OdeSolver solver) {
        this(zoo(spec, norm, solver), lanes, format, 1);
    }

    /** The same, with {@code macsPerLane} multiply-adds a lane. */
    public NetworkDesign(NetworkSpec spec, int lanes, QFormat format, NormMode norm, OdeSolver solver, int macsPerLane) {
        this(zoo(spec, norm, solver), lanes, format, macsPerLane);
    }

    private static NetworkDescription zoo(NetworkSpec spec, NormMode norm, OdeSolver solver) {
        if (solver == null) {
            throw new IllegalArgumentException("the solver is missing; valid: " + OdeSolver.validNames());
        }
        return NetworkDescription.zoo(spec, norm, solver);
    }

    /** The paper's choices: Q32.20, batch-stats, Euler. */
    public static NetworkDesign of(Variant variant, int depth, int lanes) {
        return new NetworkDesign(NetworkSpec.of(variant, depth), lanes, QFormat.Q32_20, NormMode.BATCH_STATS, OdeSolver.EULER);
    }

    /** Powers of two up to 64: a group of lanes computes that many output channels at once. */
    public static List<Integer> validLanes() {
        List<Integer> out = new ArrayList<>();
        for (int l = 1; l <= MAX_LANES; l *= 2) {
            out.add(l);
        }
        return out;
    }

    /** The zoo network this is, if it is one (MODEL.md: a description equal to the zoo's). */
    public Optional<NetworkSpec> zoo() {
        return description.zooSpec();
    }

    /** The zoo network; refused for a custom one. */
    public NetworkSpec spec() {
        return zoo().orElseThrow(() -> new IllegalStateException("the design's network is custom, not the zoo's"));
    }

    public NormMode norm() {
        return description.norm();
    }

    /**
     * The solver the hardware is built for: the largest its ODE layers use (RK4 > Heun > Euler; each holds the smaller
     * ones' update modes), Euler without ODE layers.
     */
    public OdeSolver solver() {
        OdeSolver s = OdeSolver.EULER;
        for (NetworkDescription.Ode o : description.odeLayers()) {
            s = o.solver().code() > s.code() ? o.solver() : s;
        }
        return s;
    }

    /** "rODENet-3-20", or "custom 0x1a2b3c4d" (its NETWORK_ID). */
    public String name() {
        return zoo().map(NetworkSpec::name).orElse("custom " + description.networkIdHex());
    }

    /**
     * {@code rodenet-3-20_x16} ({@code _heun}, {@code _rk4} after it for those, then {@code _mac2} with two
     * multiply-adds a lane): this configuration's output folder; {@code custom-1a2b3c4d_x16} for a custom network (its
     * NETWORK_ID).
     */
    public String id() {
        return zoo().map(s -> s.variant().id() + "-" + s.depth() + "_x" + lanes + (solver() == OdeSolver.EULER ? ""
                : "_" + solver().id())).orElse(String.format(Locale.ROOT, "custom-%08x_x%d", description.networkId(), lanes))
                + macsSuffix();
    }

    /** {@code _mac2} with two multiply-adds a lane, else nothing: folders and top modules of the two differ. */
    public String macsSuffix() {
        return macsPerLane == 1 ? "" : "_mac" + macsPerLane;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %d lanes%s, %s, %s, %s", name(), lanes,
                macsPerLane == 1 ? "" : " of " + macsPerLane + " multiply-adds", format, norm().id(), description.solverId());
    }
}
