package org.certus.bnb;

import java.util.List;
import java.util.Random;
import org.certus.bounds.OutputCone;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Projected gradient descent on the violation margin {@code min_d max_k row_{d,k}(y(x))} over the
 * input box, with sign steps (the steepest descent direction for a box) and random restarts.
 * Finding a counterexample early spares the whole search; every candidate it returns is re-checked
 * by the caller with an exact forward pass.
 *
 * <p>Long descents ({@link #LONG_DESCENT_STEPS} steps or more) take turns between two directions. The even ones
 * follow the largest row of the closest disjunct, the margin's own gradient. The odd ones follow the sum of that
 * disjunct's positive rows: once the steps are fine and several rows of a conjunction are close, the largest one
 * changes from step to step and its gradient zigzags between them, while the sum pushes them all down at once (it
 * is the largest row's gradient when only one is positive, as in every disjunct of one row). On marabou-cifar10's
 * cifar10_large index 6413 (ε = 0.012, target 7: nine rows), one 400-step descent from the box centre ends 0.049
 * above the property's bound along the largest row and 0.009 below it along the sum. Short descents follow the
 * largest row only: their steps stay coarse, where it is the steepest way down. With every second one of 40 steps
 * along the sum, five of the targeted cifar10_large instances at a tenth of the time were found only after the
 * first stage (3.0–3.4 s against 1.2–1.5 s).
 */
public final class PgdAttack {
    private final ReluChain chain;
    private final List<AffineMap> disjuncts;
    /**
     * Per map of the chain, the rows the disjuncts' outputs depend on (null: all): a TinyYOLO property reads 5
     * of 21,125 outputs, and its forward and backward passes need only their cone ({@link OutputCone}).
     */
    private final boolean[][] rows;
    /** Descents at least this long alternate between the largest row and the sum of the positive rows. */
    public static final int LONG_DESCENT_STEPS = 200;

    public PgdAttack(ReluChain chain, List<AffineMap> disjuncts) {
        this.chain = chain;
        this.disjuncts = disjuncts;
        int k = chain.reluLayerCount();
        boolean[] read = new boolean[chain.affine(k).rows()];
        for (AffineMap d : disjuncts) {
            for (int c : d.colIndex()) {
                read[c] = true;
            }
        }
        boolean[][] cone = OutputCone.of(chain, read);
        rows = new boolean[k + 1][];
        for (int j = 0; j < k && cone != null; j++) {
            rows[j] = cone[j];
        }
        rows[k] = read;
    }

    /** The input with the smallest margin found; {@code starts} may be null (random starts only). */
    public double[] run(double[] lo, double[] hi, int restarts, int steps, Random rnd, double[][] starts, CancelToken cancel,
                        long deadlineNanos) {
        return run(lo, hi, restarts, steps, rnd, starts, cancel, deadlineNanos, 0.0);
    }

    /**
     * As above, stopping early once the margin is at most {@code stopAt} (0 for a feasibility
     * search; −∞ to keep descending, for the worst-margin objective).
     */
    public double[] run(double[] lo, double[] hi, int restarts, int steps, Random rnd, double[][] starts, CancelToken cancel,
                        long deadlineNanos, double stopAt) {
        double[] best = null;
        double bestMargin = Double.POSITIVE_INFINITY;
        int total = restarts + (starts == null ? 0 : starts.length);
        for (int r = 0; r < total; r++) {
            if (cancel.isCancelled() || System.nanoTime() > deadlineNanos) {
                break;
            }
            double[] x = new double[lo.length];
            if (starts != null && r < starts.length) {
                System.arraycopy(starts[r], 0, x, 0, x.length);
            } else {
                for (int i = 0; i < x.length; i++) {
                    x[i] = r == 0 && starts == null ? 0.5 * (lo[i] + hi[i]) : lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
                }
            }
            double[] candidate = descend(x, lo, hi, steps, stopAt, cancel, deadlineNanos, steps >= LONG_DESCENT_STEPS && r % 2 == 1);
            double m = margin(candidate);
            if (m < bestMargin) {
                bestMargin = m;
                best = candidate;
            }
            if (bestMargin <= stopAt) {
                break;
            }
        }
        return best;
    }

    private double[] descend(double[] x, double[] lo, double[] hi, int steps, double stopAt, CancelToken cancel, long deadlineNanos,
                             boolean positiveRows) {
        double[] bestX = x.clone();
        double bestM = margin(x);
        double[] grad = new double[x.length];
        for (int s = 0; s < steps; s++) {
            // A step of a large network is a second or so (TinyYOLO): the time limit must reach inside a restart.
            if (cancel.isCancelled() || System.nanoTime() > deadlineNanos) {
                break;
            }
            // Step size decays from a quarter of the box to a small fraction: coarse moves first.
            double frac = 0.25 * Math.pow(0.02 / 0.25, s / (double) Math.max(1, steps - 1));
            gradient(x, grad, positiveRows);
            for (int i = 0; i < x.length; i++) {
                double step = frac * (hi[i] - lo[i]);
                double v = x[i] - step * Math.signum(grad[i]);
                x[i] = Math.min(hi[i], Math.max(lo[i], v));
            }
            double m = margin(x);
            if (m < bestM) {
                bestM = m;
                bestX = x.clone();
                if (m <= stopAt) {
                    break;
                }
            }
        }
        return bestX;
    }

    /** The violation margin computed on the chain (the caller re-checks on the network itself). */
    public double margin(double[] x) {
        double[][] z = chain.preActivations(x, rows);
        double[] y = z[z.length - 1];
        double m = Double.POSITIVE_INFINITY;
        for (AffineMap d : disjuncts) {
            m = Math.min(m, VerificationQuery.worstRow(d, y));
        }
        return m;
    }

    /**
     * Gradient with respect to the input of the closest disjunct's largest row, or with {@code positiveRows} of the
     * sum of its positive rows (its largest row alone when none is positive).
     */
    private void gradient(double[] x, double[] grad, boolean positiveRows) {
        double[][] z = chain.preActivations(x, rows);
        double[] y = z[z.length - 1];
        AffineMap bestD = null;
        double[] bestValues = null;
        int bestRow = -1;
        double m = Double.POSITIVE_INFINITY;
        for (AffineMap d : disjuncts) {
            double[] v = new double[d.rows()];
            d.apply(y, v);
            int arg = 0;
            for (int r = 1; r < v.length; r++) {
                if (v[r] > v[arg]) {
                    arg = r;
                }
            }
            if (v[arg] < m) {
                m = v[arg];
                bestD = d;
                bestValues = v;
                bestRow = arg;
            }
        }
        if (bestD == null) {
            // No row below +∞: the outputs overflowed (an input box reaching ±1e308) or are NaN. There is
            // no direction to follow; a zero gradient leaves x where it is.
            java.util.Arrays.fill(grad, 0.0);
            return;
        }
        double[] g = new double[y.length];
        for (int row = 0; row < bestValues.length; row++) {
            if (row != bestRow && !(positiveRows && bestValues[row] > 0 && m > 0)) {
                continue;
            }
            for (int q = bestD.rowStart()[row]; q < bestD.rowStart()[row + 1]; q++) {
                g[bestD.colIndex()[q]] += bestD.values()[q];
            }
        }
        for (int j = chain.reluLayerCount(); j >= 0; j--) {
            AffineMap a = chain.affine(j);
            double[] prev = new double[a.cols()];
            boolean[] on = rows[j];
            for (int r = 0; r < a.rows(); r++) {
                if (on != null && !on[r]) {
                    continue;
                }
                double gr = g[r];
                if (gr == 0.0) {
                    continue;
                }
                for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                    prev[a.colIndex()[q]] += gr * a.values()[q];
                }
            }
            if (j > 0) {
                double[] zj = z[j - 1];
                for (int n = 0; n < prev.length; n++) {
                    if (zj[n] <= 0) {
                        prev[n] = 0.0;
                    }
                }
            }
            g = prev;
        }
        System.arraycopy(g, 0, grad, 0, grad.length);
    }
}
