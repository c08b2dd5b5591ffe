package org.certus.bnb;

/**
 * A branching decision: split ReLU {@code (layer, neuron)} into its two phases, bisect input {@code dimension},
 * or nothing (a leaf). {@code reluSplitsExhausted} marks a decision of the mixed rule on a node whose unstable
 * ReLUs are all split already: such a node's LP is exact, which the margin goal uses before splitting its box.
 */
record Branching(Kind kind, int layer, int neuron, int dimension, boolean reluSplitsExhausted) {
    enum Kind { RELU, INPUT, LEAF }

    static final Branching LEAF = new Branching(Kind.LEAF, -1, -1, -1, false);

    static Branching relu(int layer, int neuron) {
        return new Branching(Kind.RELU, layer, neuron, -1, false);
    }

    static Branching input(int dimension) {
        return new Branching(Kind.INPUT, -1, -1, dimension, false);
    }

    /** The same decision, taken after no ReLU was left to split. */
    Branching afterReluSplitsExhausted() {
        return new Branching(kind, layer, neuron, dimension, true);
    }
}
