package org.certus.nn;

import java.util.Arrays;

/**
 * {@code y_i = scale_i · x_i + shift_i} per element: ONNX Mul, Div, Add and Sub by constants, and
 * BatchNormalization, where they cannot be folded into a neighbouring layer's weights (e.g. a batch
 * norm after a ReLU). Affine, never relaxed.
 *
 * <p>Float32: a runtime evaluates it in a few rounded steps whose intermediates may be larger than
 * {@code |scale·x| + |shift|} (batch norm's {@code (x − mean)·s + β}); {@code offset_i} adds those
 * magnitudes to the rounding bound, and {@code roundings} says how many rounded steps it takes.
 */
public final class ElementwiseAffine implements UnaryAffineOperation {
    private final String label;
    private final double[] scale;
    private final double[] shift;
    private final double[] offset;
    private final int roundings;

    /**
     * @param label     what it stands for (Mul, BatchNormalization, …), for descriptions
     * @param offset    per element, extra magnitude of a runtime's intermediates (null: none)
     * @param roundings rounded float32 steps per element (at least 1)
     */
    public ElementwiseAffine(String label, double[] scale, double[] shift, double[] offset, int roundings) {
        if (scale.length != shift.length || offset != null && offset.length != scale.length) {
            throw new NetworkException(label + ": scale, shift and offset sizes differ");
        }
        if (roundings < 1) {
            throw new NetworkException(label + ": at least one rounding per element");
        }
        Layers.requireFinite(scale, label + " scales");
        Layers.requireFinite(shift, label + " shifts");
        this.label = label;
        this.scale = scale.clone();
        this.shift = shift.clone();
        this.offset = offset == null ? new double[scale.length] : offset.clone();
        Layers.requireFinite(this.offset, label + " offsets");
        this.roundings = roundings;
    }

    public double[] scale() {
        return scale.clone();
    }

    public double[] shift() {
        return shift.clone();
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != scale.length) {
            throw new NetworkException(describe() + " has " + scale.length + " elements, input " + input + " has " + input.size());
        }
        return input;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = scale[i] * in[i] + shift[i];
        }
    }

    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) scale[i] * in[0][i] + (float) shift[i];
        }
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        int n = scale.length;
        int[] start = new int[n + 1];
        int[] col = new int[n];
        for (int i = 0; i < n; i++) {
            start[i + 1] = i + 1;
            col[i] = i;
        }
        return new AffineMap(n, n, start, col, scale.clone(), shift.clone());
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    @Override
    public int extraFloat32Roundings() {
        return roundings;
    }

    @Override
    public boolean float32IsOneDotProduct() {
        return false;
    }

    @Override
    public AffineMap float32ErrorMapOf(AffineMap map) {
        AffineMap e = Float32Rounding.errorMap(map, roundings);
        double[] c = e.bias().clone();
        double g = Float32Rounding.gamma(2 + roundings);
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.nextUp(c[i] + g * offset[i] * (1 + 0x1p-50));
        }
        return new AffineMap(e.rows(), e.cols(), e.rowStart(), e.colIndex(), e.values(), c);
    }

    @Override
    public long parameterCount() {
        return 2L * scale.length;
    }

    @Override
    public String describe() {
        boolean constant = true;
        for (int i = 1; i < scale.length; i++) {
            constant &= scale[i] == scale[0] && shift[i] == shift[0];
        }
        return label + "(" + scale.length + " elements" + (constant && scale.length > 0 ? ", " + scale[0] + "x + " + shift[0] : "") + ")";
    }

    @Override
    public String toString() {
        return describe() + Arrays.hashCode(scale);
    }
}
