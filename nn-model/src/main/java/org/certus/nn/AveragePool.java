package org.certus.nn;

/**
 * Average pooling per channel. With {@code countIncludePad} the divisor is the full kernel area
 * (padding counts as zeros); without it (the ONNX default) only the in-bounds positions count.
 */
public record AveragePool(Window2d window, boolean countIncludePad) implements UnaryAffineOperation {

    @Override
    public Shape outputShape(Shape input) {
        if (!input.isImage()) {
            throw new NetworkException("AveragePool expects an image input, got " + input);
        }
        Shape out = Shape.chw(input.channels(), window.outHeight(input.height()), window.outWidth(input.width()));
        PoolWindows.requireNonEmpty(window, input, out, "AveragePool");
        return out;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        toAffineMap(input).apply(in, out);
    }

    /** As runtimes evaluate it: the window's sum in float, then one division by the count. */
    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        Shape input = inputs.get(0);
        int[][] windows = PoolWindows.inputIndices(window, input, outputShape(input));
        int area = window.kernelH() * window.kernelW();
        for (int o = 0; o < windows.length; o++) {
            float s = 0f;
            for (int i : windows[o]) {
                s += in[0][i];
            }
            out[o] = s / (countIncludePad ? area : windows[o].length);
        }
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        Shape os = outputShape(input);
        int[][] windows = PoolWindows.inputIndices(window, input, os);
        int rows = windows.length;
        int nnz = 0;
        for (int[] w : windows) {
            nnz += w.length;
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        int area = window.kernelH() * window.kernelW();
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            double weight = 1.0 / (countIncludePad ? area : windows[r].length);
            for (int i : windows[r]) {
                idx[k] = i;
                val[k] = weight;
                k++;
            }
        }
        start[rows] = k;
        return new AffineMap(rows, input.size(), start, idx, val, new double[rows]);
    }

    @Override
    public String describe() {
        return "AveragePool(" + window.describe() + (countIncludePad ? ", count pad" : "") + ")";
    }
}
