package org.certus.bnb;

/**
 * An input that violates the property, with the network's outputs computed by an exact forward pass
 * and the margin by which it violates ({@code <= 0}; more negative is a clearer violation).
 */
public record Counterexample(double[] input, double[] output, double margin) {
    public Counterexample {
        input = input.clone();
        output = output.clone();
    }
}
