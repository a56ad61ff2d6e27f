package org.odegen.net;

/**
 * The stages of the CIFAR ResNet the paper builds on (Table 2), in order. Each has a fixed shape;
 * the variant decides how many block instances a stage stacks and how often each executes.
 */
public enum Stage {
    CONV1("conv1", 3, 16, 32, 1),
    LAYER1("layer1", 16, 16, 32, 1),
    LAYER2_1("layer2_1", 16, 32, 16, 2),
    LAYER2_2("layer2_2", 32, 32, 16, 1),
    LAYER3_1("layer3_1", 32, 64, 8, 2),
    LAYER3_2("layer3_2", 64, 64, 8, 1),
    FC("fc", 64, 100, 1, 1);

    private final String id;
    private final int inChannels;
    private final int outChannels;
    private final int outSize;
    private final int stride;

    Stage(String id, int inChannels, int outChannels, int outSize, int stride) {
        this.id = id;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.outSize = outSize;
        this.stride = stride;
    }

    public String id() {
        return id;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** Height and width of the stage's output feature map (1 for the classifier). */
    public int outSize() {
        return outSize;
    }

    public int stride() {
        return stride;
    }

    /** True for the three stages that the ODE variants turn into ODEBlocks. */
    public boolean canBeOde() {
        return this == LAYER1 || this == LAYER2_2 || this == LAYER3_2;
    }

    @Override
    public String toString() {
        return id;
    }
}
