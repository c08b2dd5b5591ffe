package org.certus.nn;

/**
 * Elementwise {@code max(0, x)}. Exact in any arithmetic and 1-Lipschitz; it lowers to itself, the
 * normal form's one nonlinear primitive (see {@link Lowering#relu}).
 */
public record Relu() implements UnaryOperation {
    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? in[i] : 0.0;
        }
    }

    @Override
    public void forwardFloat32(Shape input, float[] in, float[] out) {
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? in[i] : 0f;
        }
    }

    @Override
    public void interval(Shape input, double[] lo, double[] hi, double[] outLo, double[] outHi) {
        for (int i = 0; i < lo.length; i++) {
            outLo[i] = Math.max(0.0, lo[i]);
            outHi[i] = Math.max(0.0, hi[i]);
        }
    }

    @Override
    public double[] float32Error(Shape input, double[] maxAbs) {
        return new double[maxAbs.length];
    }

    @Override
    public double[] propagateError(Shape input, double[] inError) {
        return inError.clone();
    }

    @Override
    public Lowering.Value lower(Lowering lowering, Shape input, Lowering.Value in) {
        return lowering.relu(in);
    }

    @Override
    public String describe() {
        return "ReLU";
    }
}
