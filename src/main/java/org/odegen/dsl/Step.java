package org.odegen.dsl;

/** One step of the ODE function, in the paper's words. The ODEBlock is conv3x3, norm, relu, conv3x3, norm. */
public sealed interface Step permits Step.Conv3x3, Step.Norm, Step.Relu {

    /** 3x3 convolution, stride 1, zero padding 1, no bias (with the time channel when the block has one). */
    record Conv3x3() implements Step {
        @Override
        public String toString() {
            return "conv3x3";
        }
    }

    /** Normalization, in the block's norm mode. */
    record Norm() implements Step {
        @Override
        public String toString() {
            return "norm";
        }
    }

    /** max(v, 0). */
    record Relu() implements Step {
        @Override
        public String toString() {
            return "relu";
        }
    }
}
