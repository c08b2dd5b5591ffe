package org.certus.bounds;

/**
 * The α and β an {@link AlphaBetaOptimizer} run ended with for one objective row on one node, kept
 * so that the node's children start from them instead of from scratch (as α,β-CROWN does): a child
 * differs from its parent by one split, so its optimum is usually close to the parent's.
 *
 * <p>Compact because a search keeps one per open row of every queued node: one float per ReLU. A
 * neuron that was split when the start was taken stores {@code −1 − β} (negative); any other stores
 * its slope α ∈ [0, 1]. A neuron split since (the child's new split) starts with β = 0, and every
 * value is only a starting point: the bound the optimizer returns is valid for any α and β, so a
 * start can never make a bound unsound, only the search for a good one faster.
 */
public final class AlphaBetaStart {
    private final float[][] values;
    /**
     * The box-hull plane weights to start from ({@link BoxHullPlanes}), or null. Shared, never written: a node's
     * children take the array its optimisation started from, so a whole subtree holds one copy (a float per input
     * for each first-layer ReLU that used a plane: 227 × 784 for mnist-rsl18a sample 7, label 9 against 0) rather
     * than one per node.
     */
    private final float[][] planes;
    /** The substituted planes' weights to start from ({@link SubstitutedStart}: shared like {@link #planes}), or null. */
    private final SubstitutedStart substituted;

    private AlphaBetaStart(float[][] values, float[][] planes, SubstitutedStart substituted) {
        this.values = values;
        this.planes = planes;
        this.substituted = substituted;
    }

    /** The start holding {@code alpha} for unsplit neurons and {@code beta} for neurons split in {@code splits}. */
    static AlphaBetaStart of(double[][] alpha, double[][] beta, ReluSplits splits) {
        return of(alpha, beta, splits, null);
    }

    /** As {@link #of(double[][], double[][], ReluSplits)}, with plane weights {@code planes} (kept, not copied; or null). */
    static AlphaBetaStart of(double[][] alpha, double[][] beta, ReluSplits splits, float[][] planes) {
        return of(alpha, beta, splits, planes, null);
    }

    /** As {@link #of(double[][], double[][], ReluSplits, float[][])}, with substituted planes' weights (kept; or null). */
    static AlphaBetaStart of(double[][] alpha, double[][] beta, ReluSplits splits, float[][] planes,
                             SubstitutedStart substituted) {
        float[][] v = new float[alpha.length][];
        for (int j = 0; j < alpha.length; j++) {
            v[j] = new float[alpha[j].length];
            for (int n = 0; n < v[j].length; n++) {
                v[j][n] = splits.raw(j, n) != 0 ? (float) (-1.0 - beta[j][n]) : (float) alpha[j][n];
            }
        }
        return new AlphaBetaStart(v, planes, substituted);
    }

    /** This start with plane weights {@code planes} (kept, not copied). */
    AlphaBetaStart withPlanes(float[][] planes) {
        return new AlphaBetaStart(values, planes, substituted);
    }

    /** This start with substituted planes' weights {@code start} (kept, not copied). */
    AlphaBetaStart withSubstituted(SubstitutedStart start) {
        return new AlphaBetaStart(values, planes, start);
    }

    /** The substituted planes' weights to start from, or null. */
    SubstitutedStart substituted() {
        return substituted;
    }

    /** The plane weights to start from, or null. */
    float[][] planes() {
        return planes;
    }

    /**
     * Overwrites {@code alpha} (unsplit neurons) and {@code beta} (neurons split in {@code splits})
     * with the stored values; a neuron split since the start was taken gets β = 0.
     */
    void fill(double[][] alpha, double[][] beta, ReluSplits splits) {
        for (int j = 0; j < values.length; j++) {
            float[] v = values[j];
            for (int n = 0; n < v.length; n++) {
                double s = v[n];
                if (splits.raw(j, n) != 0) {
                    beta[j][n] = s < 0 ? Math.max(0.0, -1.0 - s) : 0.0;
                } else if (s >= 0) {
                    alpha[j][n] = Math.min(1.0, s);
                }
            }
        }
    }

    /** The β that {@link #fill} gives neuron {@code n} of layer {@code j} when it is split. */
    double splitBeta(int j, int n) {
        double s = values[j][n];
        return s < 0 ? Math.max(0.0, -1.0 - s) : 0.0;
    }

    /** Equal when every stored α and β is the same float. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AlphaBetaStart other && java.util.Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(values);
    }
}
