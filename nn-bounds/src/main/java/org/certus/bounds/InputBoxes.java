package org.certus.bounds;

import org.certus.nn.ReluChain;

/** Validation of an input box against a network. */
final class InputBoxes {
    private InputBoxes() {
    }

    static void check(ReluChain chain, double[] lo, double[] hi) {
        if (lo.length != chain.inputSize() || hi.length != chain.inputSize()) {
            throw new BoundsException("input box has " + lo.length + "/" + hi.length + " values, network '"
                    + chain.network().name() + "' has " + chain.inputSize() + " inputs");
        }
        for (int i = 0; i < lo.length; i++) {
            if (!(lo[i] <= hi[i]) || Double.isInfinite(lo[i]) || Double.isInfinite(hi[i])) {
                throw new BoundsException("input box element " + i + " is empty, infinite or NaN: [" + lo[i] + ", " + hi[i] + "]");
            }
        }
        chain.requireWithinRegion(lo);
    }
}
