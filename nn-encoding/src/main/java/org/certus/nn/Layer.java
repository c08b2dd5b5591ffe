package org.certus.nn;

/**
 * One layer of a {@link Network}. Each layer type owns its forward pass here; affine layers also
 * expose themselves as an explicit {@link AffineMap} so that bound propagation and the MILP
 * encoding treat Dense, Conv2d, Flatten, Normalize and AveragePool alike.
 */
public sealed interface Layer permits AffineLayer, Relu, MaxPool, Residual {

    /** The output shape for the given input shape; throws {@link NetworkException} on mismatch. */
    Shape outputShape(Shape input);

    /**
     * Exact forward pass in double precision. {@code in} has {@code input.size()} values, {@code out}
     * receives {@code outputShape(input).size()} values.
     */
    void forward(Shape input, double[] in, double[] out);

    /** Number of trainable parameters (weights and biases). */
    default long parameterCount() {
        return 0;
    }

    /** Short human-readable description, e.g. {@code Conv2d(1->16, 4x4, stride 2, pad 1)}. */
    String describe();
}
