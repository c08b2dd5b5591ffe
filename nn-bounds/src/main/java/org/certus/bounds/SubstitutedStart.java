package org.certus.bounds;

/**
 * The weights a node's {@link SubstitutedPlanes} ended with, kept as a start for the nodes below it: per ReLU layer and
 * neuron that used a plane, its θ and its plane weights {@code m} by variable (sorted variable indices and one weight
 * each). Shared and never written, like {@link BoxHullPlanes}' start: the first optimisation of a subtree takes it,
 * and every node below starts from it, so a search holds one per subtree rather than one per node. A variable the
 * start has no weight for (a neuron active where the start was taken and unstable in the node) starts at the
 * triangle's slope; any weights give valid planes.
 */
final class SubstitutedStart {
    /** Per layer and neuron: θ, or NaN where the neuron used no plane. */
    private final float[][] theta;
    /** Per layer and neuron: the variables of its weights, sorted, or null. */
    private final int[][][] vars;
    private final float[][][] weights;

    SubstitutedStart(float[][] theta, int[][][] vars, float[][][] weights) {
        this.theta = theta;
        this.vars = vars;
        this.weights = weights;
    }

    /** θ of neuron {@code n} of layer {@code j}, or NaN. */
    double theta(int j, int n) {
        return theta[j] == null ? Double.NaN : theta[j][n];
    }

    /** The weight of variable {@code v} in neuron {@code n} of layer {@code j}'s plane, or {@code otherwise}. */
    double weight(int j, int n, int v, double otherwise) {
        if (vars[j] == null || vars[j][n] == null) {
            return otherwise;
        }
        int at = java.util.Arrays.binarySearch(vars[j][n], v);
        return at >= 0 ? weights[j][n][at] : otherwise;
    }
}
