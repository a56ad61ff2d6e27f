package org.odegen.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.odegen.fixed.QFormat;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;

/**
 * A buildable description of one network engine (NETWORK.md): which network of the zoo (variant, depth N),
 * its number format, norm mode and solver, and its parallelism (lanes: output channels computed at once,
 * one multiply-add unit each). Only valid descriptions exist: the constructor refuses the others with
 * one message naming the valid choices.
 */
public record NetworkDesign(NetworkSpec spec, int lanes, QFormat format, NormMode norm, OdeSolver solver) {

    public static final int MAX_LANES = 64;

    public NetworkDesign {
        if (!validLanes().contains(lanes)) {
            throw new IllegalArgumentException("lanes = " + lanes + " cannot be used by the network engine; valid: "
                    + validLanes());
        }
        if (solver == null) {
            throw new IllegalArgumentException("the solver is missing; valid: " + OdeSolver.validNames());
        }
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

    /** What the engine runs, as {@code network.json} describes it (MODEL.md): the zoo network with this norm and solver. */
    public NetworkDescription description() {
        return NetworkDescription.zoo(spec, norm, solver);
    }

    /** {@code rodenet-3-20_x16} ({@code _heun}, {@code _rk4} after it for those): this configuration's output folder. */
    public String id() {
        return spec.variant().id() + "-" + spec.depth() + "_x" + lanes + (solver == OdeSolver.EULER ? "" : "_" + solver.id());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, %d lanes, %s, %s, %s", spec.name(), lanes, format, norm.id(), solver.id());
    }
}
