package org.certus.nn;

import java.util.List;

/** An {@link AffineOperation} with one input: implementations write the single-input forms. */
public interface UnaryAffineOperation extends AffineOperation {

    /** The output shape for the given input shape; throws {@link NetworkException} on mismatch. */
    Shape outputShape(Shape input);

    /** This operation as an explicit sparse affine map for the given input shape. */
    AffineMap toAffineMap(Shape input);

    /** Exact forward pass; the default applies the map (implementations may use a faster kernel). */
    default void forward(Shape input, double[] in, double[] out) {
        toAffineMap(input).apply(in, out);
    }

    @Override
    default Shape outputShape(List<Shape> inputs) {
        return outputShape(only(inputs));
    }

    @Override
    default AffineMap toAffineMap(List<Shape> inputs) {
        return toAffineMap(only(inputs));
    }

    @Override
    default void forward(List<Shape> inputs, double[][] in, double[] out) {
        forward(only(inputs), in[0], out);
    }

    private Shape only(List<Shape> inputs) {
        if (inputs.size() != 1) {
            throw new NetworkException(describe() + " takes one input, got " + inputs.size());
        }
        return inputs.get(0);
    }
}
