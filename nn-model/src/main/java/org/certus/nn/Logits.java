package org.certus.nn;

/** Reading a classifier's outputs. */
public final class Logits {
    private Logits() {
    }

    /** The predicted label: the index of the largest output (the first one on ties). */
    public static int argmax(double[] y) {
        int best = 0;
        for (int k = 1; k < y.length; k++) {
            if (y[k] > y[best]) {
                best = k;
            }
        }
        return best;
    }
}
