package org.odegen.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.model.PaperLayer;

/**
 * A buildable description of one hardware ODEBlock: what it computes ({@link BlockConfig}: feature
 * map, number format, norm mode, time channel), the steps of its ODE function, its solver and its
 * parallelism (lanes: output channels computed at once, one multiply-add unit each).
 * Only valid descriptions exist: {@link Builder#build()} refuses the others with one message.
 */
public record OdeBlockDesign(BlockConfig block, List<Step> steps, OdeSolver solver, int lanes) {

    /** The paper's ODE function: conv3x3, norm, relu, conv3x3, norm. */
    public static final List<Step> PAPER_STEPS = List.of(new Step.Conv3x3(), new Step.Norm(), new Step.Relu(),
            new Step.Conv3x3(), new Step.Norm());

    public static final int MAX_LANES = 64;

    public OdeBlockDesign {
        steps = List.copyOf(steps);
        validate(block, steps, solver, lanes);
    }

    /** The paper's layer with the given lanes, Q32.20, batch-stats norm, time channel on. */
    public static OdeBlockDesign paper(PaperLayer layer, int lanes) {
        return builder(layer.id()).featureMap(layer.channels(), layer.size(), layer.size()).lanes(lanes).build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Lane counts this block's channels allow: powers of two dividing C, at most 64. */
    public static List<Integer> validLanes(int channels) {
        List<Integer> out = new ArrayList<>();
        for (int l = 1; l <= MAX_LANES; l *= 2) {
            if (channels % l == 0) {
                out.add(l);
            }
        }
        return out;
    }

    /** Cycles of one Euler step if every lane does a multiply-add every cycle: {@code 2*H*W*C*Cin*9 / lanes}. */
    public long macBoundCyclesPerStep() {
        return block.macsPerStep() / lanes;
    }

    /** The bound for one step of this design's solver: s evaluations of f, {@code s * 2*H*W*C*Cin*9 / lanes}. */
    public long macBoundCyclesPerSolverStep() {
        return evaluationsPerStep() * macBoundCyclesPerStep();
    }

    /**
     * {@code layer3_2_x16}: the name of this configuration's output folder and of its top module; a solver
     * other than Euler is appended ({@code layer3_2_x16_rk4}) so that blocks of several solvers can share a
     * folder or a Vivado project.
     */
    public String id() {
        return block.name() + "_x" + lanes + (solver == OdeSolver.EULER ? "" : "_" + solver.id());
    }

    /** Evaluations of the ODE function per step of the solver, s (1, 2 or 4). */
    public int evaluationsPerStep() {
        return solver.evaluations();
    }

    private static void validate(BlockConfig block, List<Step> steps, OdeSolver solver, int lanes) {
        if (block == null) {
            throw new DesignException("the block's feature map is missing: give featureMap(channels, height, width)");
        }
        if (!steps.equals(PAPER_STEPS)) {
            throw new DesignException("steps " + names(steps) + " cannot be built: the ODEBlock's steps are "
                    + names(PAPER_STEPS) + ", in this order");
        }
        if (solver == null) {
            throw new DesignException("the solver is missing; valid: " + OdeSolver.validNames());
        }
        List<Integer> valid = validLanes(block.channels());
        if (!valid.contains(lanes)) {
            throw new DesignException("lanes = " + lanes + " for " + block.channels() + " channels: lanes must be a "
                    + "power of two dividing the channels, at most " + MAX_LANES + "; valid: "
                    + valid.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
    }

    private static String names(List<Step> steps) {
        return steps.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A description that cannot be built; the message names the problem and the valid choices. */
    public static final class DesignException extends IllegalArgumentException {
        public DesignException(String message) {
            super(message);
        }
    }

    /** Fluent description, checked as a whole by {@link #build()}. */
    public static final class Builder {
        private final String name;
        private Integer channels;
        private Integer height;
        private Integer width;
        private int lanes = 1;
        private int formatWidth = QFormat.Q32_20.width();
        private int formatFrac = QFormat.Q32_20.frac();
        private NormMode norm = NormMode.BATCH_STATS;
        private boolean timeChannel = true;
        private List<Step> steps = PAPER_STEPS;
        private OdeSolver solver = OdeSolver.EULER;

        private Builder(String name) {
            this.name = name;
        }

        public Builder featureMap(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        public Builder lanes(int lanes) {
            this.lanes = lanes;
            return this;
        }

        /** Number format Q(W,F). */
        public Builder format(int width, int frac) {
            this.formatWidth = width;
            this.formatFrac = frac;
            return this;
        }

        public Builder format(QFormat q) {
            return format(q.width(), q.frac());
        }

        public Builder norm(NormMode mode) {
            this.norm = mode;
            return this;
        }

        public Builder timeChannel(boolean on) {
            this.timeChannel = on;
            return this;
        }

        public Builder steps(Step... steps) {
            this.steps = Arrays.asList(steps);
            return this;
        }

        public Builder solver(OdeSolver solver) {
            this.solver = solver;
            return this;
        }

        public OdeBlockDesign build() {
            if (channels == null) {
                throw new DesignException("the block's feature map is missing: give featureMap(channels, height, width)");
            }
            if (height * width <= 0 || Integer.bitCount(height * width) != 1) {
                throw new DesignException("feature map " + height + "x" + width + ": height*width = " + height * width
                        + " must be a power of two (e.g. 8x8, 16x16, 32x32)");
            }
            QFormat q;
            try {
                q = new QFormat(formatWidth, formatFrac);
            } catch (IllegalArgumentException e) {
                throw new DesignException(e.getMessage());
            }
            BlockConfig cfg;
            try {
                cfg = new BlockConfig(name, channels, height, width, q, norm, timeChannel);
            } catch (IllegalArgumentException e) {
                throw new DesignException(e.getMessage());
            }
            return new OdeBlockDesign(cfg, steps, solver, lanes);
        }
    }
}
