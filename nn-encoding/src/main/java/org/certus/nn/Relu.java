package org.certus.nn;

/** Elementwise {@code max(0, x)}. */
public record Relu() implements Layer {
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
    public String describe() {
        return "ReLU";
    }
}
