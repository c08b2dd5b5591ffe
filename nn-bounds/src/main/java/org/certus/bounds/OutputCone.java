package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * The ReLUs on which some of a chosen set of outputs depend: the neurons with a path of non-zero weights to one of
 * them. A neuron outside it never enters a back-substitution from those outputs, so its interval bounds (sound, and
 * free) serve as well as symbolic ones. A TinyYOLO property reads 5 of 21,125 outputs, all at the centre of the
 * 13 × 13 grid; its last ReLU layer's cone is a 3 × 3 window of the 13 × 13 (576 of 10,816 neurons).
 */
public final class OutputCone {
    private OutputCone() {
    }

    /**
     * Per ReLU layer {@code 0 … k−1} of {@code chain}, which neurons the outputs marked in {@code outputs} depend
     * on; null when that is every neuron of every layer (nothing to skip).
     */
    public static boolean[][] of(ReluChain chain, boolean[] outputs) {
        int k = chain.reluLayerCount();
        boolean[][] in = new boolean[k][];
        boolean[] need = outputs;
        boolean everything = true;
        for (int i = k; i >= 1; i--) {
            AffineMap a = chain.affine(i);
            boolean[] below = new boolean[a.cols()];
            int[] rs = a.rowStart();
            int[] ci = a.colIndex();
            double[] v = a.values();
            for (int r = 0; r < a.rows(); r++) {
                if (!need[r]) {
                    continue;
                }
                for (int q = rs[r]; q < rs[r + 1]; q++) {
                    if (v[q] != 0.0) {
                        below[ci[q]] = true;
                    }
                }
            }
            for (boolean b : below) {
                everything &= b;
            }
            in[i - 1] = below;
            need = below;
        }
        return everything ? null : in;
    }
}
