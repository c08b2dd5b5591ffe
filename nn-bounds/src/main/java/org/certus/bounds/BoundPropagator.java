package org.certus.bounds;

import org.certus.nn.ReluChain;

/**
 * Computes sound bounds on every pre-activation of a network over an input box with some ReLU
 * phases fixed. Sound means: every value the network takes on a point of the box that satisfies
 * the splits lies within the returned bounds (up to the rounding treatment documented by the
 * implementation).
 */
public interface BoundPropagator {

    NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper, ReluSplits splits);

    default NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper) {
        int[] widths = new int[chain.reluLayerCount()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = chain.width(i);
        }
        return propagate(chain, inputLower, inputUpper, ReluSplits.none(widths));
    }

    static int[] widths(ReluChain chain) {
        int[] widths = new int[chain.reluLayerCount()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = chain.width(i);
        }
        return widths;
    }
}
