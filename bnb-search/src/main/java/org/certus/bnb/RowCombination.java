package org.certus.bnb;

import org.certus.bounds.NetworkBounds;
import org.certus.nn.OutwardRounding;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * A disjunct of the unsafe set is a conjunction of rows ({@code row_r(y) <= 0} for every r); it is
 * empty on a region when at every point some row is positive. Bounding each row on its own proves
 * that only when one row is positive everywhere; near a boundary where the winning row changes
 * (ACAS Xu prop_2: "output 0 is maximal" with two other outputs close to it) each row stays
 * slightly negative however small the box. Any convex combination {@code Σ μ_r row_r} with a
 * positive lower bound proves the conjunction empty (if every row were {@code <= 0} at x, so would be the
 * combination), which is the Lagrangian relaxation of {@code min max_r row_r}: this class searches
 * μ between the two best rows.
 *
 * <p>Soundness: μ takes dyadic values (so {@code 1 − μ} is exact), and the rounding of the combined
 * coefficients is subtracted from the bound using the proven bounds of the outputs.
 */
final class RowCombination {
    /** Weights tried: 1/2, then a pattern search with steps 1/4, 1/8, 1/16 (all dyadic). */
    static final int SEARCH_STEPS = 3;

    private RowCombination() {
    }

    /**
     * A proven lower bound of {@code max(row_a(y), row_b(y))} over the node, or −∞ when no
     * combination was tried. Stops as soon as the bound is positive.
     */
    static double bestBound(SymbolicPropagator propagator, ReluChain chain, NetworkBounds bounds, double[] lo, double[] hi,
                            AffineMap objective, int rowA, int rowB) {
        double mu = 0.5;
        double best = bound(propagator, chain, bounds, lo, hi, objective, rowA, rowB, mu);
        double step = 0.25;
        for (int s = 0; s < SEARCH_STEPS && !(best > 0); s++, step *= 0.5) {
            double up = bound(propagator, chain, bounds, lo, hi, objective, rowA, rowB, mu + step);
            double down = up > 0 ? Double.NEGATIVE_INFINITY
                    : bound(propagator, chain, bounds, lo, hi, objective, rowA, rowB, mu - step);
            if (up >= down && up > best) {
                best = up;
                mu += step;
            } else if (down > best) {
                best = down;
                mu -= step;
            }
        }
        return best;
    }

    /** Dyadic steps the weights of {@link #weightedBound} are rounded to, so that they sum to exactly 1. */
    static final int WEIGHT_BITS = 20;

    /**
     * A proven lower bound of {@code max_r row_r(y)} over rows {@code [from, to)}, from the combination with weights
     * proportional to {@code weights} (nonnegative); −∞ when they are all 0. The weights are rounded to multiples of
     * 2^−20 summing to exactly 1.
     */
    static double weightedBound(SymbolicPropagator propagator, ReluChain chain, NetworkBounds bounds, double[] lo, double[] hi,
                                AffineMap objective, int from, int to, double[] weights) {
        int k = to - from;
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        if (!(sum > 0) || !Double.isFinite(sum)) {
            return Double.NEGATIVE_INFINITY;
        }
        long scale = 1L << WEIGHT_BITS;
        long[] q = new long[k];
        long total = 0;
        int largest = 0;
        for (int j = 0; j < k; j++) {
            q[j] = Math.round(Math.max(0.0, weights[j]) / sum * scale);
            total += q[j];
            if (q[j] > q[largest]) {
                largest = j;
            }
        }
        q[largest] += scale - total;
        if (q[largest] < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        int[] rows = new int[k];
        double[] w = new double[k];
        int terms = 0;
        for (int j = 0; j < k; j++) {
            if (q[j] != 0) {
                rows[terms] = from + j;
                w[terms++] = (double) q[j] / scale; // exact
            }
        }
        return combinationBound(propagator, chain, bounds, lo, hi, objective, java.util.Arrays.copyOf(rows, terms),
                java.util.Arrays.copyOf(w, terms));
    }

    /** Lower bound of μ·row_a + (1 − μ)·row_b, less the rounding of its coefficients. */
    private static double bound(SymbolicPropagator propagator, ReluChain chain, NetworkBounds bounds, double[] lo, double[] hi,
                                AffineMap objective, int rowA, int rowB, double mu) {
        double nu = 1.0 - mu; // exact: μ is dyadic in (0, 1)
        return combinationBound(propagator, chain, bounds, lo, hi, objective, new int[] {rowA, rowB}, new double[] {mu, nu});
    }

    /**
     * Lower bound of {@code Σ w_j row_{rows[j]}} (weights dyadic, nonnegative, summing to exactly 1), less the rounding
     * of its coefficients, each {@code rows.length} products and sums (γ_{2·terms}; the error sum itself is rounded
     * too), over the proven bounds of the outputs.
     */
    private static double combinationBound(SymbolicPropagator propagator, ReluChain chain, NetworkBounds bounds, double[] lo,
                                           double[] hi, AffineMap objective, int[] rows, double[] w) {
        int outputs = objective.cols();
        double[] val = new double[outputs];
        double[] mag = new double[outputs];
        double bias = 0, biasMag = 0;
        for (int j = 0; j < rows.length; j++) {
            int r = rows[j];
            for (int e = objective.rowStart()[r]; e < objective.rowStart()[r + 1]; e++) {
                int o = objective.colIndex()[e];
                val[o] += w[j] * objective.values()[e];
                mag[o] += w[j] * Math.abs(objective.values()[e]);
            }
            bias += w[j] * objective.bias()[r];
            biasMag += w[j] * Math.abs(objective.bias()[r]);
        }
        int k = bounds.reluLayerCount();
        double err = 0;
        for (int o = 0; o < outputs; o++) {
            err += mag[o] * Math.max(Math.abs(bounds.lower(k)[o]), Math.abs(bounds.upper(k)[o]));
        }
        err += biasMag;
        double slack = Math.nextUp(2 * OutwardRounding.gamma(outputs + 2 * rows.length) * err);
        int[] start = {0, outputs};
        int[] idx = new int[outputs];
        for (int o = 0; o < outputs; o++) {
            idx[o] = o;
        }
        AffineMap row = new AffineMap(1, outputs, start, idx, val, new double[] {bias});
        double l = propagator.minimize(chain, bounds, lo, hi, row).lower()[0];
        return Math.nextDown(l - slack);
    }
}
