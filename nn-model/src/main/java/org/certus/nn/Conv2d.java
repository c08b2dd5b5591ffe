package org.certus.nn;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as in ONNX and PyTorch), dilation 1, groups 1. Weights are
 * stored {@code [outC][inC][kH][kW]} (the ONNX layout); MIPVerify's {@code (h, w, in, out)}
 * filters are permuted at import. Input and output are CHW.
 */
public final class Conv2d implements UnaryAffineOperation {
    private final int inChannels;
    private final int outChannels;
    private final Window2d window;
    private final double[] weights;
    private final double[] bias;
    /** See {@link #extraFloat32Roundings()}. */
    private final int extraRoundings;

    public Conv2d(int inChannels, int outChannels, Window2d window, double[] weights, double[] bias) {
        Layers.requirePositive("Conv2d channel count", inChannels, outChannels);
        long expected = (long) outChannels * inChannels * window.kernelH() * window.kernelW();
        if (weights.length != expected) {
            throw new NetworkException("Conv2d(" + inChannels + "->" + outChannels + ", " + window.kernelH() + "x" + window.kernelW()
                    + ") expects " + expected + " weights, got " + weights.length);
        }
        if (bias.length != outChannels) {
            throw new NetworkException("Conv2d expects " + outChannels + " biases, got " + bias.length);
        }
        Layers.requireFinite(weights, "Conv2d weights");
        Layers.requireFinite(bias, "Conv2d bias");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.window = window;
        this.weights = weights.clone();
        this.bias = bias.clone();
        this.extraRoundings = 0;
    }


    private Conv2d(Conv2d o, int extraRoundings) {
        if (extraRoundings < 0) {
            throw new NetworkException("extra roundings must not be negative");
        }
        this.inChannels = o.inChannels;
        this.outChannels = o.outChannels;
        this.window = o.window;
        this.weights = o.weights;
        this.bias = o.bias;
        this.extraRoundings = extraRoundings;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public Window2d window() {
        return window;
    }

    /** {@code [outC][inC][kH][kW]} weights (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    public double[] bias() {
        return bias.clone();
    }

    @Override
    public Shape outputShape(Shape input) {
        if (!input.isImage() || input.channels() != inChannels) {
            throw new NetworkException(describe() + " expects an image with " + inChannels + " channels, got " + input);
        }
        return Shape.chw(outChannels, window.outHeight(input.height()), window.outWidth(input.width()));
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        Shape os = outputShape(input);
        int inH = input.height(), inW = input.width(), outH = os.height(), outW = os.width();
        int kH = window.kernelH(), kW = window.kernelW();
        for (int oc = 0; oc < outChannels; oc++) {
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * window.strideH() - window.padTop();
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = ox * window.strideW() - window.padLeft();
                    double s = bias[oc];
                    for (int ic = 0; ic < inChannels; ic++) {
                        int wBase = (oc * inChannels + ic) * kH * kW;
                        int iBase = ic * inH * inW;
                        for (int ky = 0; ky < kH; ky++) {
                            int y = y0 + ky;
                            if (y < 0 || y >= inH) {
                                continue;
                            }
                            for (int kx = 0; kx < kW; kx++) {
                                int x = x0 + kx;
                                if (x >= 0 && x < inW) {
                                    s += weights[wBase + ky * kW + kx] * in[iBase + y * inW + x];
                                }
                            }
                        }
                    }
                    out[(oc * outH + oy) * outW + ox] = s;
                }
            }
        }
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        Shape os = outputShape(input);
        int inH = input.height(), inW = input.width(), outH = os.height(), outW = os.width();
        int kH = window.kernelH(), kW = window.kernelW();
        int rows = os.size();
        int[] start = new int[rows + 1];
        int cap = rows * inChannels * kH * kW;
        int[] idx = new int[cap];
        double[] val = new double[cap];
        double[] b = new double[rows];
        int k = 0;
        for (int oc = 0; oc < outChannels; oc++) {
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * window.strideH() - window.padTop();
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = ox * window.strideW() - window.padLeft();
                    int row = (oc * outH + oy) * outW + ox;
                    start[row] = k;
                    b[row] = bias[oc];
                    for (int ic = 0; ic < inChannels; ic++) {
                        int wBase = (oc * inChannels + ic) * kH * kW;
                        for (int ky = 0; ky < kH; ky++) {
                            int y = y0 + ky;
                            if (y < 0 || y >= inH) {
                                continue;
                            }
                            for (int kx = 0; kx < kW; kx++) {
                                int x = x0 + kx;
                                double w = weights[wBase + ky * kW + kx];
                                if (x >= 0 && x < inW && w != 0.0) {
                                    idx[k] = (ic * inH + y) * inW + x;
                                    val[k] = w;
                                    k++;
                                }
                            }
                        }
                    }
                }
            }
        }
        start[rows] = k;
        return new AffineMap(rows, input.size(), start, Arrays.copyOf(idx, k), Arrays.copyOf(val, k), b);
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    /**
     * Roundings beyond one dot product: nonzero when the weights were computed by folding a constant
     * into them (a batch norm, a scale), which a runtime does in float32 or not at all.
     */
    @Override
    public int extraFloat32Roundings() {
        return extraRoundings;
    }

    /** The same layer with weights that came out of folding ({@link #extraFloat32Roundings()}). */
    public Conv2d withExtraFloat32Roundings(int roundings) {
        return new Conv2d(this, roundings);
    }

    @Override
    public long parameterCount() {
        return (long) weights.length + bias.length;
    }

    @Override
    public String describe() {
        return "Conv2d(" + inChannels + "->" + outChannels + ", " + window.describe() + ")";
    }
}
