package org.certus.bnb;

import org.certus.bounds.LinearBounds;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;

/**
 * Where a node's relaxation puts a conjunction nearest to violated: {@code min t} over the node's box subject to
 * {@code L_r(x) <= t} for each of the disjunct's rows, where {@code L_r} is the row's linear lower bound in the inputs.
 * A counterexample must make every row at most 0 at once; the rows' own minimising vertices each satisfy one row,
 * usually at a corner where another row is far positive. On reach_prob_density's robot network the violating
 * regions are a few 1e-5 wide in the margin and lie where three rows are near 0 together: the vertices found them
 * only after 200,000 input splits.
 *
 * <p>The result is a candidate (re-checked by exact forward passes like every other) and the LP's row weights, a
 * convex combination the caller may bound soundly ({@link RowCombination}); the LP's value itself proves nothing.
 */
final class ConjunctionLp {
    /**
     * The LP's minimiser in the inputs, its weights on the rows (nonnegative, summing to about 1) and its value (the
     * solver's, not a bound).
     */
    record Result(double[] point, double[] weights, double value) {
    }

    /** Inputs beyond which the LP is not solved (its size grows with them, a node's bounds do not have to). */
    static final int MAX_INPUTS = 256;

    private ConjunctionLp() {
    }

    /** Solves the LP for rows {@code [from, to)} of {@code lb} over {@code [lo, hi]}; null when the solver gives none. */
    static Result solve(LinearBounds lb, int from, int to, double[] lo, double[] hi) {
        int n = lo.length;
        int k = to - from;
        ModelBuilder mb = new ModelBuilder();
        for (int i = 0; i < n; i++) {
            mb.addContinuous(lo[i], hi[i]);
        }
        int t = mb.addContinuous(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        for (int r = from; r < to; r++) {
            double[] c = lb.inputCoefficients()[r];
            // L_r(x) = c·x + d, with d recovered from the row's minimum over the box (a candidate needs no rounding care).
            double d = lb.lower()[r];
            int[] idx = new int[n + 1];
            double[] coef = new double[n + 1];
            for (int i = 0; i < n; i++) {
                d -= Math.min(c[i] * lo[i], c[i] * hi[i]);
                idx[i] = i;
                coef[i] = -c[i];
            }
            idx[n] = t;
            coef[n] = 1.0;
            if (!Double.isFinite(d)) {
                // An unbounded input, a row without a finite bound or a coefficient that is not finite (each makes d
                // infinite or NaN): no LP to solve (the builder refuses them).
                return null;
            }
            // t − c·x >= d
            mb.addConstraint(d, idx, coef, Double.POSITIVE_INFINITY);
        }
        mb.setObjective(Sense.MINIMIZE, new int[] {t}, new double[] {1.0}, 0.0);
        LpResult r = new OjAlgoLpSolver(mb.build()).solve();
        if (r.status() != LpStatus.OPTIMAL || !r.hasPrimal()) {
            return null;
        }
        double[] x = java.util.Arrays.copyOf(r.primal(), n);
        double[] w = new double[k];
        if (r.hasDuals()) {
            for (int j = 0; j < k; j++) {
                w[j] = Math.max(0.0, r.rowDual(j));
            }
        }
        return new Result(x, w, r.objectiveValue());
    }
}
