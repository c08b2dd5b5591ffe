package org.certus.bounds;

/** Applies a node's phase splits to one layer's bounds. */
final class SplitBounds {
    private SplitBounds() {
    }

    /**
     * Intersects the bounds with the splits of the layer; returns true when some split contradicts
     * the bounds (the node's region is empty).
     */
    static boolean apply(ReluSplits splits, int layer, double[] lo, double[] hi) {
        boolean infeasible = false;
        for (int j = 0; j < lo.length; j++) {
            byte p = splits.raw(layer, j);
            if (p > 0) {
                if (hi[j] < 0) {
                    infeasible = true;
                }
                lo[j] = Math.max(lo[j], 0.0);
            } else if (p < 0) {
                if (lo[j] > 0) {
                    infeasible = true;
                }
                hi[j] = Math.min(hi[j], 0.0);
            }
        }
        return infeasible;
    }
}
