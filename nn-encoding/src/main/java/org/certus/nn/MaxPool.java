package org.certus.nn;

/**
 * Max pooling per channel over (possibly overlapping) windows. Padded positions are ignored (they
 * act as −∞, as in ONNX and PyTorch); a window that covers only padding is rejected.
 */
public record MaxPool(Window2d window) implements Layer {

    @Override
    public Shape outputShape(Shape input) {
        if (!input.isImage()) {
            throw new NetworkException("MaxPool expects an image input, got " + input);
        }
        Shape out = Shape.chw(input.channels(), window.outHeight(input.height()), window.outWidth(input.width()));
        PoolWindows.requireNonEmpty(window, input, out, "MaxPool");
        return out;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        Shape os = outputShape(input);
        int[][] windows = PoolWindows.inputIndices(window, input, os);
        for (int o = 0; o < windows.length; o++) {
            int[] w = windows[o];
            double m = in[w[0]];
            for (int k = 1; k < w.length; k++) {
                m = Math.max(m, in[w[k]]);
            }
            out[o] = m;
        }
    }

    /** For each output position, the flat input indices of its window (padding excluded). */
    public int[][] windowIndices(Shape input) {
        return PoolWindows.inputIndices(window, input, outputShape(input));
    }

    @Override
    public String describe() {
        return "MaxPool(" + window.describe() + ")";
    }
}
