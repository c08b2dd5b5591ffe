package org.certus.nn;

/** Validation shared by the layer constructors. */
final class Layers {
    private Layers() {
    }

    static void requireFinite(double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new NetworkException(what + " contain a non-finite value (" + values[i] + ") at index " + i);
            }
        }
    }

    static void requirePositive(String what, int... values) {
        for (int v : values) {
            if (v <= 0) {
                throw new NetworkException(what + " must be positive, got " + v);
            }
        }
    }

    static void requireNonNegative(String what, int... values) {
        for (int v : values) {
            if (v < 0) {
                throw new NetworkException(what + " must not be negative, got " + v);
            }
        }
    }
}
