package org.certus.nn;

import java.util.Arrays;

/**
 * 2-D transposed convolution (ONNX ConvTranspose, PyTorch ConvTranspose2d), dilation 1, groups 1:
 * every input pixel scatters its kernel-weighted value to the outputs it reaches. Weights are stored
 * {@code [inC][outC][kH][kW]} (the ONNX layout). Output size per axis is
 * {@code (in − 1)·stride − padBegin − padEnd + kernel + outputPadding}. Affine, one float32 dot
 * product per output.
 */
public final class ConvTranspose2d implements UnaryAffineOperation {
    private final int inChannels;
    private final int outChannels;
    private final int kernelH, kernelW, strideH, strideW;
    private final int padTop, padLeft, padBottom, padRight, outPadH, outPadW;
    private final double[] weights;
    private final double[] bias;

    public ConvTranspose2d(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                           int padBottom, int padRight, int outPadH, int outPadW, double[] weights, double[] bias) {
        Layers.requirePositive("ConvTranspose2d channel count", inChannels, outChannels);
        Layers.requirePositive("ConvTranspose2d kernel and stride", kernelH, kernelW, strideH, strideW);
        Layers.requireNonNegative("ConvTranspose2d padding", padTop, padLeft, padBottom, padRight, outPadH, outPadW);
        long expected = (long) inChannels * outChannels * kernelH * kernelW;
        if (weights.length != expected) {
            throw new NetworkException("ConvTranspose2d(" + inChannels + "->" + outChannels + ", " + kernelH + "x" + kernelW
                    + ") expects " + expected + " weights, got " + weights.length);
        }
        if (bias.length != outChannels) {
            throw new NetworkException("ConvTranspose2d expects " + outChannels + " biases, got " + bias.length);
        }
        if (outPadH >= strideH && outPadH > 0 || outPadW >= strideW && outPadW > 0) {
            throw new NetworkException("ConvTranspose2d output padding must be smaller than the stride");
        }
        Layers.requireFinite(weights, "ConvTranspose2d weights");
        Layers.requireFinite(bias, "ConvTranspose2d bias");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padTop = padTop;
        this.padLeft = padLeft;
        this.padBottom = padBottom;
        this.padRight = padRight;
        this.outPadH = outPadH;
        this.outPadW = outPadW;
        this.weights = weights.clone();
        this.bias = bias.clone();
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** {@code [kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, outPadH, outPadW]}. */
    public int[] geometry() {
        return new int[] {kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, outPadH, outPadW};
    }

    /** {@code [inC][outC][kH][kW]} weights (a copy). */
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
        int h = (input.height() - 1) * strideH - padTop - padBottom + kernelH + outPadH;
        int w = (input.width() - 1) * strideW - padLeft - padRight + kernelW + outPadW;
        if (h <= 0 || w <= 0) {
            throw new NetworkException(describe() + " on " + input + " leaves no output (" + h + "x" + w + ")");
        }
        return Shape.chw(outChannels, h, w);
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        Shape os = outputShape(input);
        int inH = input.height(), inW = input.width(), outH = os.height(), outW = os.width();
        int rows = os.size();
        // Count, then fill, each output's contributions in ascending input order.
        int[] count = new int[rows];
        forEachTerm(inH, inW, outH, outW, (row, col, w) -> count[row]++);
        int[] start = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
            start[r + 1] = start[r] + count[r];
        }
        int[] fill = Arrays.copyOf(start, rows);
        int[] idx = new int[start[rows]];
        double[] val = new double[start[rows]];
        forEachTerm(inH, inW, outH, outW, (row, col, w) -> {
            idx[fill[row]] = col;
            val[fill[row]++] = w;
        });
        double[] b = new double[rows];
        int plane = outH * outW;
        for (int r = 0; r < rows; r++) {
            b[r] = bias[r / plane];
        }
        return new AffineMap(rows, input.size(), start, idx, val, b);
    }

    private interface Term {
        void accept(int row, int col, double weight);
    }

    /** Every nonzero weight's (output, input) pair, inputs visited in ascending order. */
    private void forEachTerm(int inH, int inW, int outH, int outW, Term t) {
        for (int ic = 0; ic < inChannels; ic++) {
            for (int y = 0; y < inH; y++) {
                for (int x = 0; x < inW; x++) {
                    int col = (ic * inH + y) * inW + x;
                    for (int oc = 0; oc < outChannels; oc++) {
                        int wBase = (ic * outChannels + oc) * kernelH * kernelW;
                        for (int ky = 0; ky < kernelH; ky++) {
                            int oy = y * strideH - padTop + ky;
                            if (oy < 0 || oy >= outH) {
                                continue;
                            }
                            for (int kx = 0; kx < kernelW; kx++) {
                                int ox = x * strideW - padLeft + kx;
                                double w = weights[wBase + ky * kernelW + kx];
                                if (ox >= 0 && ox < outW && w != 0.0) {
                                    t.accept((oc * outH + oy) * outW + ox, col, w);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    @Override
    public long parameterCount() {
        return (long) weights.length + bias.length;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("ConvTranspose2d(").append(inChannels).append("->").append(outChannels).append(", ")
                .append(kernelH).append('x').append(kernelW);
        if (strideH != 1 || strideW != 1) {
            sb.append(", stride ").append(strideH == strideW ? String.valueOf(strideH) : strideH + "x" + strideW);
        }
        if (padTop + padLeft + padBottom + padRight > 0) {
            sb.append(", pad ").append(padTop).append('/').append(padBottom).append('/').append(padLeft).append('/').append(padRight);
        }
        return sb.append(')').toString();
    }
}
