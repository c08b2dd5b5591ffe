package org.certus.bounds;

import org.certus.nn.OutwardRounding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.certus.nn.AffineMap;

/**
 * Linear constraints on the input, {@code A x + b <= 0} row by row, grouped into ranges
 * {@code sL_k <= a_k·x <= sU_k} (a row and its exact negation form one two-sided range, as the
 * blurring family's kernel-sum rows do), used to bound linear functions over box ∩ constraints.
 *
 * <p>Lagrangian relaxation: for any multipliers {@code μ_k} (of either sign),
 * {@code min c·x >= min_box (c + Σ μ_k a_k)·x − Σ (μ_k⁺ sU_k − μ_k⁻ sL_k)} over the region, because on
 * it every added term is {@code <= 0}. So every μ gives a sound bound, and it is evaluated rigorously
 * (the caller rounds outward with the magnitude this class reports). For one range the best μ is
 * found exactly (the LP dual of a fractional knapsack) by walking the sorted breakpoints
 * {@code −c_i / a_i}, O(n log n); with several ranges, block coordinate ascent over them, a few
 * passes. Never worse than the box alone: μ = 0 is the box bound and the ascent starts there.
 *
 * <p>The minimiser reported (an attack candidate) is the knapsack's primal point: the box vertex of
 * the relaxed coefficients with the breakpoint coordinate moved to meet the active range bound.
 * It is only a candidate; it may miss the constraints by rounding and is re-checked by callers.
 */
public final class InputConstraints {
    /** Coordinate-ascent passes over the ranges when there are several (each pass is exact per range). */
    static final int ASCENT_PASSES = 3;

    private final int dimension;
    /** Dense range rows a_k, and their bounds (±∞ for a one-sided row). */
    private final double[][] rows;
    private final double[] lowerLimit;
    private final double[] upperLimit;

    private InputConstraints(int dimension, double[][] rows, double[] lowerLimit, double[] upperLimit) {
        this.dimension = dimension;
        this.rows = rows;
        this.lowerLimit = lowerLimit;
        this.upperLimit = upperLimit;
    }

    /** From rows {@code map(x) <= 0}; null for null. A row whose exact negation is also a row forms a range with it. */
    public static InputConstraints of(AffineMap map) {
        if (map == null) {
            return null;
        }
        int n = map.cols();
        double[] dense = map.toDense();
        boolean[] used = new boolean[map.rows()];
        List<double[]> a = new ArrayList<>();
        List<Double> lo = new ArrayList<>();
        List<Double> hi = new ArrayList<>();
        for (int r = 0; r < map.rows(); r++) {
            if (used[r]) {
                continue;
            }
            used[r] = true;
            double[] row = Arrays.copyOfRange(dense, r * n, (r + 1) * n);
            // a·x + b <= 0  <=>  a·x <= −b (negation is exact).
            double upper = -map.bias()[r];
            double lower = Double.NEGATIVE_INFINITY;
            for (int s = r + 1; s < map.rows(); s++) {
                if (!used[s] && negationOf(dense, s * n, row)) {
                    // −a·x + b' <= 0  <=>  a·x >= b'.
                    used[s] = true;
                    lower = Math.max(lower, map.bias()[s]);
                }
            }
            a.add(row);
            lo.add(lower);
            hi.add(upper);
        }
        return new InputConstraints(n, a.toArray(new double[0][]), lo.stream().mapToDouble(Double::doubleValue).toArray(),
                hi.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static boolean negationOf(double[] dense, int offset, double[] row) {
        boolean nonZero = false;
        for (int i = 0; i < row.length; i++) {
            if (dense[offset + i] != -row[i]) {
                return false;
            }
            nonZero |= row[i] != 0.0;
        }
        return nonZero;
    }

    public int dimension() {
        return dimension;
    }

    /** Number of ranges (a two-sided pair of rows counts once). */
    public int rangeCount() {
        return rows.length;
    }

    /**
     * A sound bound of {@code Σ c_i x_i} ({@code i < n}, coefficients beyond are zero) over the box
     * {@code [lo, hi]} ∩ constraints: a value below the minimum (above the maximum when {@code upper})
     * up to floating-point rounding, which the caller covers with {@link OutwardRounding} using
     * {@code magnitude[0]} (the sum of absolute terms) and {@link #extraTerms}. Returns +∞ (−∞ when
     * {@code upper}) when the region is proved empty. {@code argmin} (may be null) receives the
     * knapsack's primal point.
     */
    double optimize(double[] c, int n, double[] lo, double[] hi, boolean upper, double[] argmin, double[] magnitude) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = upper ? -c[i] : c[i];
        }
        double v = minimize(d, lo, hi, argmin, magnitude);
        return upper ? -v : v;
    }

    /**
     * How much longer the chain of rounded operations of {@link #optimize} is than a plain box
     * concretisation's (each relaxed coefficient is a sum of {@code K + 1} terms, and K multiplier
     * terms join the sum): add it to the term count given to {@link OutwardRounding}.
     */
    int extraTerms() {
        return 2 * rows.length + 2;
    }

    /** Proves the region empty when some range cannot be met on the box even with outward rounding. */
    private boolean provedEmpty(double[] lo, double[] hi) {
        for (int k = 0; k < rows.length; k++) {
            double[] a = rows[k];
            double mn = 0, mx = 0, mag = 0;
            for (int i = 0; i < dimension; i++) {
                if (a[i] == 0.0) {
                    continue;
                }
                mn += a[i] > 0 ? a[i] * lo[i] : a[i] * hi[i];
                mx += a[i] > 0 ? a[i] * hi[i] : a[i] * lo[i];
                mag += Math.abs(a[i]) * Math.max(Math.abs(lo[i]), Math.abs(hi[i]));
            }
            if (OutwardRounding.down(mn, mag, dimension + 1) > upperLimit[k] || OutwardRounding.up(mx, mag, dimension + 1) < lowerLimit[k]) {
                return true;
            }
        }
        return false;
    }

    private double minimize(double[] c, double[] lo, double[] hi, double[] argmin, double[] magnitude) {
        int n = c.length;
        if (provedEmpty(lo, hi)) {
            magnitude[0] = 0;
            if (argmin != null) {
                for (int i = 0; i < n; i++) {
                    argmin[i] = 0.5 * (lo[i] + hi[i]);
                }
            }
            return Double.POSITIVE_INFINITY;
        }
        double[] mu = new double[rows.length];
        double[] d = c.clone();
        int passes = rows.length == 1 ? 1 : ASCENT_PASSES;
        for (int pass = 0; pass < passes; pass++) {
            for (int k = 0; k < rows.length; k++) {
                double[] a = rows[k];
                // d = c + Σ_{j≠k} μ_j a_j: remove range k's current term, re-optimise its μ exactly.
                if (mu[k] != 0.0) {
                    for (int i = 0; i < n; i++) {
                        d[i] -= mu[k] * a[i];
                    }
                }
                mu[k] = bestMultiplier(d, a, lowerLimit[k], upperLimit[k], lo, hi);
                if (mu[k] != 0.0) {
                    for (int i = 0; i < n; i++) {
                        d[i] += mu[k] * a[i];
                    }
                }
            }
        }
        // Evaluate the bound for these μ from the original coefficients (d carries the ascent's drift).
        double value = 0, mag = 0;
        double[] coef = new double[n];
        for (int i = 0; i < n; i++) {
            double v = c[i];
            double m = Math.abs(c[i]);
            for (int k = 0; k < rows.length; k++) {
                double t = mu[k] * rows[k][i];
                v += t;
                m += Math.abs(t);
            }
            coef[i] = v;
            double x = v > 0 ? lo[i] : v < 0 ? hi[i] : lo[i];
            value += v * x;
            mag += m * Math.max(Math.abs(lo[i]), Math.abs(hi[i]));
        }
        for (int k = 0; k < rows.length; k++) {
            double t = mu[k] > 0 ? -mu[k] * upperLimit[k] : mu[k] < 0 ? -mu[k] * lowerLimit[k] : 0.0;
            value += t;
            mag += Math.abs(t);
        }
        magnitude[0] = mag;
        if (argmin != null) {
            primal(coef, mu, lo, hi, argmin);
        }
        return value;
    }

    /**
     * The μ maximising {@code h(μ) = min_box (d + μ a)·x − μ⁺ sU + μ⁻ sL}: h is concave and
     * piecewise linear with breakpoints {@code −d_i / a_i}; its slope right of 0 is
     * {@code a·x*(0+) − sU}, and each breakpoint passed flips one coordinate, lowering {@code a·x*}
     * by {@code |a_i| (hi_i − lo_i)}. The optimum is the first breakpoint where the slope turns
     * non-positive (mirrored for {@code μ < 0}). When the walk runs out (the range is, up to rounding,
     * unreachable on the box) the last breakpoint is returned: still a valid multiplier.
     */
    private static double bestMultiplier(double[] d, double[] a, double sL, double sU, double[] lo, double[] hi) {
        int n = d.length;
        // a·x* just right of μ = 0 (ties d_i = 0 go to the end that lowers a·x) and just left of it.
        double right = 0, left = 0;
        for (int i = 0; i < n; i++) {
            double ai = a[i];
            if (ai == 0.0) {
                continue;
            }
            double di = d[i];
            boolean atLoRight = di > 0 || (di == 0 && ai > 0);
            boolean atLoLeft = di > 0 || (di == 0 && ai < 0);
            right += ai * (atLoRight ? lo[i] : hi[i]);
            left += ai * (atLoLeft ? lo[i] : hi[i]);
        }
        if (right > sU) {
            return walk(d, a, sU, lo, hi, right, true);
        }
        if (left < sL) {
            return walk(d, a, sL, lo, hi, left, false);
        }
        return 0.0;
    }

    private static double walk(double[] d, double[] a, double limit, double[] lo, double[] hi, double start, boolean up) {
        int n = d.length;
        double[] bp = new double[n];
        int[] idx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == 0.0 || d[i] == 0.0) {
                continue;
            }
            double b = -d[i] / a[i];
            if (up ? b > 0 : b < 0) {
                bp[m] = up ? b : -b;
                idx[m] = i;
                m++;
            }
        }
        Integer[] order = new Integer[m];
        for (int t = 0; t < m; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (p, q) -> Double.compare(bp[p], bp[q]));
        double s = start;
        double mu = 0.0;
        for (int t = 0; t < m; t++) {
            int i = idx[order[t]];
            mu = bp[order[t]];
            double drop = Math.abs(a[i]) * (hi[i] - lo[i]);
            s = up ? s - drop : s + drop;
            if (up ? s <= limit : s >= limit) {
                break;
            }
        }
        return up ? mu : -mu;
    }

    /**
     * The box minimiser of the relaxed coefficients, then — for each range it violates — the
     * coordinates with the smallest relaxed cost per unit of the row moved towards it (greedy knapsack).
     */
    private void primal(double[] coef, double[] mu, double[] lo, double[] hi, double[] x) {
        int n = coef.length;
        for (int i = 0; i < n; i++) {
            x[i] = coef[i] > 0 ? lo[i] : coef[i] < 0 ? hi[i] : 0.5 * (lo[i] + hi[i]);
        }
        for (int k = 0; k < rows.length; k++) {
            double[] a = rows[k];
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[i] * x[i];
            }
            // A range with a non-zero multiplier is active at the optimum (complementary slackness):
            // meet its bound exactly; otherwise only repair a violation.
            double target = mu[k] > 0 ? upperLimit[k] : mu[k] < 0 ? lowerLimit[k]
                    : s > upperLimit[k] ? upperLimit[k] : s < lowerLimit[k] ? lowerLimit[k] : s;
            boolean down = s > target;
            double need = Math.abs(s - target);
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Double.compare(Math.abs(coef[p]) / Math.max(Math.abs(a[p]), 1e-300),
                    Math.abs(coef[q]) / Math.max(Math.abs(a[q]), 1e-300)));
            for (int t = 0; t < n && need > 0; t++) {
                int i = order[t];
                if (a[i] == 0.0) {
                    continue;
                }
                // Moving x_i by δ changes a·x by a_i δ: lower a·x by moving against a_i's sign (raise: with it).
                boolean towardsLo = (a[i] > 0) == down;
                double room = towardsLo ? x[i] - lo[i] : hi[i] - x[i];
                double step = Math.min(room, need / Math.abs(a[i]));
                x[i] = towardsLo ? x[i] - step : x[i] + step;
                need -= step * Math.abs(a[i]);
            }
        }
    }
}
