package org.certus.nn;

/**
 * The values of one forward pass: {@code value(0)} is the input, {@code value(i + 1)} the output of
 * layer i. For a ReLU layer i, {@code value(i)} are its pre-activations and {@code value(i + 1)} its
 * post-activations.
 */
public final class Activations {
    private final double[][] values;

    Activations(double[][] values) {
        this.values = values;
    }

    /** Values after {@code i} layers (a copy). */
    public double[] value(int i) {
        return values[i].clone();
    }

    public double[] input() {
        return value(0);
    }

    public double[] output() {
        return value(values.length - 1);
    }

    public int count() {
        return values.length;
    }
}
