package org.certus.milp;

import java.util.Random;

/** Seeded generators of random LP models for property tests. */
final class RandomLps {

    private RandomLps() {
    }

    /**
     * A feasible LP: finite box bounds, {@code rows} random rows (density ~0.6) built around a random
     * interior point so the point satisfies every row; a mix of ≤, ≥, ranged and (rarely) equality rows
     * and a random objective.
     */
    static Model feasible(Random rnd, int n, int rows, Sense sense) {
        ModelBuilder b = new ModelBuilder();
        double[] x0 = new double[n];
        for (int j = 0; j < n; j++) {
            double lo = -1 - 4 * rnd.nextDouble();
            double hi = 1 + 4 * rnd.nextDouble();
            b.addContinuous(lo, hi);
            x0[j] = lo + (hi - lo) * (0.2 + 0.6 * rnd.nextDouble());
        }
        for (int i = 0; i < rows; i++) {
            int[] idx = new int[n];
            double[] coef = new double[n];
            int nz = 0;
            for (int j = 0; j < n; j++) {
                if (rnd.nextDouble() < 0.6) {
                    idx[nz] = j;
                    coef[nz++] = rnd.nextGaussian();
                }
            }
            idx = java.util.Arrays.copyOf(idx, nz);
            coef = java.util.Arrays.copyOf(coef, nz);
            double act = 0;
            for (int k = 0; k < nz; k++) {
                act += coef[k] * x0[idx[k]];
            }
            double kind = rnd.nextDouble();
            double lo = act - 0.05 - rnd.nextDouble();
            double hi = act + 0.05 + rnd.nextDouble();
            if (kind < 0.35) {
                b.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, hi);
            } else if (kind < 0.7) {
                b.addConstraint(lo, idx, coef, Double.POSITIVE_INFINITY);
            } else if (kind < 0.95 || nz == 0) {
                b.addConstraint(lo, idx, coef, hi);
            } else {
                // Equality through a single variable with a large margin keeps the LP feasible exactly.
                b.addConstraint(act, idx, coef, act);
            }
        }
        int[] all = new int[n];
        double[] c = new double[n];
        for (int j = 0; j < n; j++) {
            all[j] = j;
            c[j] = rnd.nextGaussian();
        }
        b.setObjective(sense, all, c, rnd.nextGaussian());
        return b.build();
    }
}
