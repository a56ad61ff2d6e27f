package org.odegen.net;

/** What one instance of a stage is. */
public enum BlockKind {
    /** conv3x3 3->16, norm, relu. */
    STEM,
    /** ResNet basic block, two conv3x3 and a shortcut (stride 2 with the parameter-free "option A" shortcut). */
    RESNET,
    /** ODEBlock: two conv3x3 with the time channel, iterated by the Euler solver. */
    ODE,
    /** Average pool and the 100-way fully connected layer. */
    CLASSIFIER
}
