package org.certus.nn;

/**
 * The sliding-window geometry shared by {@link Conv2d}, {@link MaxPool} and {@link AveragePool}:
 * kernel size, stride and explicit padding on each side (dilation 1). Output size per axis is
 * {@code floor((in + padBefore + padAfter - kernel) / stride) + 1}, as in ONNX and PyTorch.
 */
public record Window2d(int kernelH, int kernelW, int strideH, int strideW,
                       int padTop, int padBottom, int padLeft, int padRight) {

    public Window2d {
        Layers.requirePositive("kernel size", kernelH, kernelW);
        Layers.requirePositive("stride", strideH, strideW);
        Layers.requireNonNegative("padding", padTop, padBottom, padLeft, padRight);
    }

    /** Square kernel, equal stride and equal padding on all sides. */
    public static Window2d square(int kernel, int stride, int pad) {
        return new Window2d(kernel, kernel, stride, stride, pad, pad, pad, pad);
    }

    /** No padding. */
    public static Window2d valid(int kernelH, int kernelW, int strideH, int strideW) {
        return new Window2d(kernelH, kernelW, strideH, strideW, 0, 0, 0, 0);
    }

    /**
     * TensorFlow / MIPVerify / ONNX {@code SAME_UPPER} padding for an input of the given size: the
     * output has {@code ceil(in / stride)} positions and any odd padding goes to the bottom/right.
     */
    public static Window2d same(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW) {
        int padH = samePadTotal(inH, kernelH, strideH);
        int padW = samePadTotal(inW, kernelW, strideW);
        return new Window2d(kernelH, kernelW, strideH, strideW, padH / 2, padH - padH / 2, padW / 2, padW - padW / 2);
    }

    /** ONNX {@code SAME_LOWER}: like {@link #same} but odd padding goes to the top/left. */
    public static Window2d sameLower(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW) {
        int padH = samePadTotal(inH, kernelH, strideH);
        int padW = samePadTotal(inW, kernelW, strideW);
        return new Window2d(kernelH, kernelW, strideH, strideW, padH - padH / 2, padH / 2, padW - padW / 2, padW / 2);
    }

    private static int samePadTotal(int in, int kernel, int stride) {
        int out = (in + stride - 1) / stride;
        return Math.max((out - 1) * stride + kernel - in, 0);
    }

    public int outHeight(int inH) {
        int span = inH + padTop + padBottom - kernelH;
        if (span < 0) {
            throw new NetworkException("kernel height " + kernelH + " exceeds padded input height " + (inH + padTop + padBottom));
        }
        return span / strideH + 1;
    }

    public int outWidth(int inW) {
        int span = inW + padLeft + padRight - kernelW;
        if (span < 0) {
            throw new NetworkException("kernel width " + kernelW + " exceeds padded input width " + (inW + padLeft + padRight));
        }
        return span / strideW + 1;
    }

    String describe() {
        StringBuilder sb = new StringBuilder().append(kernelH).append('x').append(kernelW);
        if (strideH != 1 || strideW != 1) {
            sb.append(", stride ").append(strideH == strideW ? String.valueOf(strideH) : strideH + "x" + strideW);
        }
        if (padTop == padBottom && padTop == padLeft && padTop == padRight) {
            if (padTop != 0) {
                sb.append(", pad ").append(padTop);
            }
        } else {
            sb.append(", pad ").append(padTop).append('/').append(padBottom).append('/').append(padLeft).append('/').append(padRight);
        }
        return sb.toString();
    }
}
