package org.certus.nn;

/**
 * Per-channel normalisation {@code (x − mean[c]) / std[c]}. On a flat input, a single channel's
 * mean and std apply to every value.
 */
public final class Normalize implements UnaryAffineOperation {
    private final double[] mean;
    private final double[] std;

    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new NetworkException("Normalize needs one mean and one std per channel, got " + mean.length + " and " + std.length);
        }
        Layers.requireFinite(mean, "Normalize means");
        Layers.requireFinite(std, "Normalize stds");
        for (double s : std) {
            if (s == 0.0) {
                throw new NetworkException("Normalize std must not be zero");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.channels() != mean.length && mean.length != 1) {
            throw new NetworkException(describe() + " has " + mean.length + " channels, input " + input + " has " + input.channels());
        }
        return input;
    }

    private int channelOf(Shape input, int i) {
        if (mean.length == 1) {
            return 0;
        }
        return i / (input.size() / input.channels());
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        outputShape(input);
        for (int i = 0; i < in.length; i++) {
            int c = channelOf(input, i);
            out[i] = (in[i] - mean[c]) / std[c];
        }
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        int n = input.size();
        int[] start = new int[n + 1];
        int[] idx = new int[n];
        double[] val = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            int c = channelOf(input, i);
            start[i + 1] = i + 1;
            idx[i] = i;
            val[i] = 1.0 / std[c];
            b[i] = -mean[c] / std[c];
        }
        return new AffineMap(n, n, start, idx, val, b);
    }

    /** As runtimes evaluate it: a float subtraction, then a float division. */
    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        Shape input = inputs.get(0);
        outputShape(input);
        float[] v = in[0];
        for (int j = 0; j < v.length; j++) {
            int c = channelOf(input, j);
            out[j] = (v[j] - (float) mean[c]) / (float) std[c];
        }
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    /** A subtraction and a division: one rounding more than the map's one-term dot product. */
    @Override
    public int extraFloat32Roundings() {
        return 1;
    }

    @Override
    public long parameterCount() {
        return 2L * mean.length;
    }

    @Override
    public String describe() {
        return "Normalize(" + mean.length + " channels)";
    }
}
