package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Interval arithmetic, layer by layer: the cheapest and loosest bounds. Splits are applied after
 * each layer by intersecting with {@code [0, ∞)} (active) or {@code (−∞, 0]} (inactive).
 */
public final class IntervalPropagator implements BoundPropagator {

    @Override
    public NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper, ReluSplits splits) {
        InputBoxes.check(chain, inputLower, inputUpper);
        int k = chain.reluLayerCount();
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        double[] hLo = inputLower;
        double[] hHi = inputUpper;
        boolean infeasible = false;
        for (int i = 0; i <= k; i++) {
            AffineMap a = chain.affine(i);
            lo[i] = new double[a.rows()];
            hi[i] = new double[a.rows()];
            affineInterval(a, hLo, hHi, lo[i], hi[i]);
            for (int j = 0; j < lo[i].length && !infeasible; j++) {
                infeasible = lo[i][j] > hi[i][j];
            }
            if (i < k) {
                infeasible |= SplitBounds.apply(splits, i, lo[i], hi[i]);
                hLo = new double[a.rows()];
                hHi = new double[a.rows()];
                for (int j = 0; j < hLo.length; j++) {
                    hLo[j] = Math.max(0.0, lo[i][j]);
                    hHi[j] = Math.max(0.0, hi[i][j]);
                }
            }
        }
        return new NetworkBounds(lo, hi, infeasible);
    }

    /** {@code [lo, hi] ⊇ A [inLo, inHi] + b}, with the rounding widening of {@link OutwardRounding}. */
    static void affineInterval(AffineMap a, double[] inLo, double[] inHi, double[] lo, double[] hi) {
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        double[] bias = a.bias();
        for (int r = 0; r < a.rows(); r++) {
            double l = bias[r], u = bias[r], mag = Math.abs(bias[r]);
            int n = start[r + 1] - start[r];
            for (int q = start[r]; q < start[r + 1]; q++) {
                double w = val[q];
                double x0 = inLo[col[q]], x1 = inHi[col[q]];
                double p0 = w * x0, p1 = w * x1;
                if (p0 < p1) {
                    l += p0;
                    u += p1;
                } else {
                    l += p1;
                    u += p0;
                }
                mag += Math.max(Math.abs(p0), Math.abs(p1));
            }
            lo[r] = OutwardRounding.down(l, mag, n + 1);
            hi[r] = OutwardRounding.up(u, mag, n + 1);
        }
    }
}
