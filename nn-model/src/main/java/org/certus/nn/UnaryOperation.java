package org.certus.nn;

import java.util.List;

/**
 * An {@link Operation} with one input: implementations write the single-input forms, the graph forms
 * delegate to them.
 */
public interface UnaryOperation extends Operation {

    /** The output shape for the given input shape; throws {@link NetworkException} on mismatch. */
    Shape outputShape(Shape input);

    /**
     * Exact forward pass in double precision. {@code in} has {@code input.size()} values, {@code out}
     * receives {@code outputShape(input).size()} values.
     */
    void forward(Shape input, double[] in, double[] out);

    /** The float32 forward pass (see {@link Operation#forwardFloat32}). */
    void forwardFloat32(Shape input, float[] in, float[] out);

    /** Sound interval bounds (see {@link Operation#interval}). */
    void interval(Shape input, double[] lo, double[] hi, double[] outLo, double[] outHi);

    /** Own float32 rounding per output (see {@link Operation#float32Error}). */
    double[] float32Error(Shape input, double[] maxAbs);

    /** How input errors pass through (see {@link Operation#propagateError}). */
    double[] propagateError(Shape input, double[] inError);

    /** The lowering (see {@link Operation#lower}). */
    Lowering.Value lower(Lowering lowering, Shape input, Lowering.Value in);

    @Override
    default Shape outputShape(List<Shape> inputs) {
        return outputShape(only(inputs));
    }

    @Override
    default void forward(List<Shape> inputs, double[][] in, double[] out) {
        forward(only(inputs), in[0], out);
    }

    @Override
    default void forwardFloat32(List<Shape> inputs, float[][] in, float[] out) {
        forwardFloat32(only(inputs), in[0], out);
    }

    @Override
    default void interval(List<Shape> inputs, double[][] lo, double[][] hi, double[] outLo, double[] outHi) {
        interval(only(inputs), lo[0], hi[0], outLo, outHi);
    }

    @Override
    default double[] float32Error(List<Shape> inputs, double[][] maxAbs) {
        return float32Error(only(inputs), maxAbs[0]);
    }

    @Override
    default double[] propagateError(List<Shape> inputs, double[][] inError) {
        return propagateError(only(inputs), inError[0]);
    }

    @Override
    default Lowering.Value lower(Lowering lowering, List<Shape> inputs, List<Lowering.Value> in) {
        return lower(lowering, only(inputs), in.get(0));
    }

    private Shape only(List<Shape> inputs) {
        if (inputs.size() != 1) {
            throw new NetworkException(describe() + " takes one input, got " + inputs.size());
        }
        return inputs.get(0);
    }
}
