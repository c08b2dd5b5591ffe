package org.certus.bounds;

import org.certus.nn.OutwardRounding;
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
        org.certus.nn.AffineOperation.intervalOf(a, inLo, inHi, lo, hi);
    }
}
