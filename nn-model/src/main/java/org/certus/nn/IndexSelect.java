package org.certus.nn;

import java.util.Arrays;

/**
 * A static rearrangement of one tensor: each output element is one input element, or a constant —
 * ONNX's Slice, Gather with constant indices, Transpose, Pad (constant mode), Squeeze and the like all
 * become one of these. It only moves values (exact in any arithmetic) and lowers to a 0/1 map.
 *
 * @param label  the operation it stands for (Slice, Gather, Transpose, Pad, …), for descriptions
 * @param output the output shape
 * @param source for each output element, the input element it copies, or −1 for {@code fill}
 * @param fill   the value of the output elements that copy nothing (Pad's constant)
 */
public record IndexSelect(String label, Shape output, int[] source, double fill) implements UnaryAffineOperation {

    public IndexSelect {
        if (source.length != output.size()) {
            throw new NetworkException(label + ": " + source.length + " sources for an output of " + output);
        }
        if (!Double.isFinite(fill)) {
            throw new NetworkException(label + ": the fill value " + fill + " is not finite");
        }
        source = source.clone();
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    @Override
    public Shape outputShape(Shape input) {
        for (int s : source) {
            if (s < -1 || s >= input.size()) {
                throw new NetworkException(label + ": source index " + s + " is out of range for an input of " + input);
            }
        }
        return output;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = source[i] >= 0 ? in[source[i]] : fill;
        }
    }

    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = source[i] >= 0 ? in[0][source[i]] : (float) fill;
        }
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        int n = source.length;
        int nnz = 0;
        for (int s : source) {
            if (s >= 0) {
                nnz++;
            }
        }
        int[] start = new int[n + 1];
        int[] col = new int[nnz];
        double[] val = new double[nnz];
        double[] bias = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (source[i] >= 0) {
                col[k] = source[i];
                val[k++] = 1.0;
            } else {
                bias[i] = fill;
            }
            start[i + 1] = k;
        }
        return new AffineMap(n, input.size(), start, col, val, bias);
    }

    /** Only a fill value that float32 cannot hold rounds (ONNX's constants are float32 already). */
    @Override
    public boolean roundsInFloat32() {
        return fill != (float) fill;
    }

    @Override
    public boolean float32IsOneDotProduct() {
        return false;
    }

    /** The fill's own rounding on the rows it fills; copies are exact. */
    @Override
    public AffineMap float32ErrorMapOf(AffineMap map) {
        if (!roundsInFloat32()) {
            return null;
        }
        int n = source.length;
        double e = Math.nextUp(Math.abs(fill - (float) fill));
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = source[i] < 0 ? e : 0.0;
        }
        return new AffineMap(n, map.cols(), new int[n + 1], new int[0], new double[0], c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexSelect s && label.equals(s.label) && output.equals(s.output) && Arrays.equals(source, s.source)
                && Double.compare(fill, s.fill) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(source) + output.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public String describe() {
        return label + "(-> " + output + (fill != 0.0 ? ", fill " + fill : "") + ")";
    }
}
