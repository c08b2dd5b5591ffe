package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * One row's optimisation: its α and β with Adam's moments, the best bound so far, and what the last
 * back-substitution chose (lines, multipliers, minimising vertex) for the relaxed forward pass.
 */
final class AlphaBetaLane {
    final int row;
    final double[][] alpha;
    final double[][] beta;
    final double[][] mA, vA, mB, vB;
    /** Largest coefficient magnitude of the row: β's step scale. */
    final double scale;
    final double[][] slope;
    final double[][] intercept;
    final double[][] lamH;
    final boolean[][] usedLowerLine;
    final double[][] zHat;
    /** Per layer, which pre-activations the last relaxed forward pass needed (scratch). */
    final boolean[][] needed;
    double[] vertex;
    /** The bound of the last back-substitution. */
    double value;
    double best = Double.NEGATIVE_INFINITY;
    double[] bestX;
    AlphaBetaStart bestStart;
    /**
     * The first layer's pre-activations at the last vertex: successive steps move the minimising
     * vertex in few inputs, so the largest product of the forward pass is updated by the columns of
     * the inputs that moved instead of recomputed (null until the first forward pass).
     */
    IncrementalProduct first;
    /** The first layer's box-hull planes, or null when its ReLUs take the triangle's upper line. */
    final BoxHullPlanes planes;
    /** Scratch: the planes' coefficients over the inputs in the last back-substitution. */
    final double[] planeInputs;
    /** The plane weights this lane started from (shared with its start), or null. */
    float[][] planeStart;
    /** The substituted planes of the layers after the first on this node, or null when their ReLUs take the triangle. */
    SubstitutedPlanes substituted;
    /** The substituted planes' weights this lane started from (shared with its start), or null. */
    SubstitutedStart substitutedStart;

    /** {@code boxHull}: bound the first layer's ReLUs above by their box-hull planes ({@link BoxHullPlanes}). */
    AlphaBetaLane(ReluChain chain, int k, AffineMap objective, int row, boolean boxHull) {
        this(chain, k, objective, row, boxHull, true);
    }

    /**
     * A lane for one back-substitution only ({@link AlphaBetaOptimizer#boundWith}): without Adam's moments and the
     * forward pass's scratch, which it never reads. Filtered smart branching builds one per candidate and phase; on
     * mnist-wk17a their allocation took 4% of a search's time (JFR, sample 3604).
     */
    static AlphaBetaLane forOnePass(ReluChain chain, int k, AffineMap objective, int row) {
        return new AlphaBetaLane(chain, k, objective, row, false, false);
    }

    private AlphaBetaLane(ReluChain chain, int k, AffineMap objective, int row, boolean boxHull, boolean optimised) {
        this.row = row;
        this.planes = boxHull ? new BoxHullPlanes(chain.affine(0)) : null;
        this.planeInputs = boxHull ? new double[chain.inputSize()] : null;
        alpha = new double[k][];
        beta = new double[k][];
        mA = new double[k][];
        vA = new double[k][];
        mB = new double[k][];
        vB = new double[k][];
        slope = new double[k][];
        intercept = new double[k][];
        lamH = new double[k][];
        usedLowerLine = new boolean[k][];
        zHat = new double[k][];
        needed = new boolean[k][];
        for (int j = 0; j < k; j++) {
            int w = chain.width(j);
            slope[j] = new double[w];
            intercept[j] = new double[w];
            lamH[j] = new double[w];
            usedLowerLine[j] = new boolean[w];
            if (optimised) {
                mA[j] = new double[w];
                vA[j] = new double[w];
                mB[j] = new double[w];
                vB[j] = new double[w];
                zHat[j] = new double[w];
                needed[j] = new boolean[w];
            }
        }
        double s = 0;
        for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
            s = Math.max(s, Math.abs(objective.values()[q]));
        }
        scale = s;
    }

    /** One projected Adam step on α and β along the supergradients of the last pass (step {@code it}, from 0). */
    void adamStep(NetworkBounds bounds, ReluSplits splits, int it) {
        double b1 = 0.9, b2 = 0.999, t = it + 1;
        // Adam's bias corrections, once per step.
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        for (int j = 0; j < alpha.length; j++) {
            double[] l = bounds.lower(j), u = bounds.upper(j);
            double[] zh = zHat[j];
            for (int n = 0; n < l.length; n++) {
                byte p = splits.raw(j, n);
                if (p != 0) {
                    // g = −σ z <= 0 on the node's region; ascent on β_n along −σ ẑ_n.
                    double g = -p * zh[n];
                    mB[j][n] = b1 * mB[j][n] + (1 - b1) * g;
                    vB[j][n] = b2 * vB[j][n] + (1 - b2) * g * g;
                    double step = AlphaBetaOptimizer.BETA_STEP * Math.max(scale, 1e-12) * (mB[j][n] / c1)
                            / (Math.sqrt(vB[j][n] / c2) + 1e-12);
                    beta[j][n] = Math.max(0.0, beta[j][n] + step);
                } else if (l[n] < 0 && u[n] > 0 && usedLowerLine[j][n]) {
                    double g = lamH[j][n] * zh[n];
                    mA[j][n] = b1 * mA[j][n] + (1 - b1) * g;
                    vA[j][n] = b2 * vA[j][n] + (1 - b2) * g * g;
                    double step = AlphaBetaOptimizer.ALPHA_STEP * (mA[j][n] / c1)
                            / (Math.sqrt(vA[j][n] / c2) + 1e-12);
                    alpha[j][n] = Math.min(1.0, Math.max(0.0, alpha[j][n] + step));
                }
            }
        }
    }
}
