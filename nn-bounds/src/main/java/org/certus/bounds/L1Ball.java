package org.certus.bounds;

import java.util.Arrays;

/**
 * An L1 ball {@code Σ|x_i − c_i| <= r} that, intersected with the input box, forms the input region
 * of an L1 robustness query. The centre must lie in the box. Linear functions are minimised over
 * box ∩ ball exactly by a greedy knapsack: start at the centre and spend the radius on the
 * coordinates with the largest |coefficient| first, each up to its box bound.
 */
public record L1Ball(double[] center, double radius) implements NormBall {

    public L1Ball {
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new BoundsException("L1 radius must be finite and >= 0, got " + radius);
        }
        center = center.clone();
    }

    /** L1 distance of x from the centre. */
    @Override
    public double distance(double[] x) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d += Math.abs(x[i] - center[i]);
        }
        return d;
    }

    /**
     * Minimum of {@code Σ λ_i x_i} (or maximum when {@code upper}) over the box ∩ ball; writes the
     * minimiser to {@code argmin} when not null. {@code n} limits the coordinates considered
     * (coefficients beyond it are zero). Returns the value and, through {@code magnitude[0]}, the sum of
     * absolute terms for rounding.
     */
    @Override
    public double optimize(double[] lambda, int n, double[] lo, double[] hi, boolean upper, double[] argmin, double[] magnitude) {
        double value = 0, mag = 0;
        int m = 0;
        double[] rate = new double[n];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            double lam = lambda[i];
            value += lam * center[i];
            mag += Math.abs(lam) * Math.max(Math.abs(lo[i]), Math.abs(hi[i]));
            if (argmin != null) {
                argmin[i] = center[i];
            }
            if (lam != 0.0) {
                idx[m] = i;
                rate[m] = Math.abs(lam);
                m++;
            }
        }
        // Moveable coordinates by rate, descending.
        Integer[] perm = new Integer[m];
        for (int t = 0; t < m; t++) {
            perm[t] = t;
        }
        Arrays.sort(perm, (a, b) -> Double.compare(rate[b], rate[a]));
        double budget = radius;
        for (int t = 0; t < m && budget > 0; t++) {
            int i = idx[perm[t]];
            double lam = lambda[i];
            // For a minimum, move against the sign of λ; for a maximum, with it.
            boolean down = (lam > 0) != upper;
            double cap = down ? center[i] - lo[i] : hi[i] - center[i];
            double step = Math.min(cap, budget);
            if (step <= 0) {
                continue;
            }
            budget -= step;
            double x = down ? center[i] - step : center[i] + step;
            value += lam * (x - center[i]);
            if (argmin != null) {
                argmin[i] = x;
            }
        }
        magnitude[0] = 2 * mag;
        return value;
    }
}
