package org.certus.nn;

/**
 * Fully connected layer {@code y = W x + b}. Weights are stored row-major as {@code [out][in]}
 * (ONNX Gemm with transB=1, PyTorch Linear), so each output is one contiguous dot product.
 * Importers with an {@code [in][out]} layout (MIPVerify, ONNX MatMul) transpose at import.
 */
public final class Dense implements AffineLayer {
    private final int inputSize;
    private final int outputSize;
    private final double[] weights;
    private final double[] bias;
    /** {@code [in][out]} copy of the weights for {@link #forward}; a pure cache, built on first use. */
    private volatile double[] columnMajor;

    public Dense(int inputSize, int outputSize, double[] weights, double[] bias) {
        if (inputSize <= 0 || outputSize <= 0) {
            throw new NetworkException("Dense layer sizes must be positive: " + inputSize + "->" + outputSize);
        }
        if (weights.length != (long) inputSize * outputSize) {
            throw new NetworkException("Dense(" + inputSize + "->" + outputSize + ") expects " + (long) inputSize * outputSize
                    + " weights, got " + weights.length);
        }
        if (bias.length != outputSize) {
            throw new NetworkException("Dense(" + inputSize + "->" + outputSize + ") expects " + outputSize + " biases, got " + bias.length);
        }
        Layers.requireFinite(weights, "Dense weights");
        Layers.requireFinite(bias, "Dense bias");
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.weights = weights.clone();
        this.bias = bias.clone();
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /** Row-major {@code [out][in]} weights (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    public double[] bias() {
        return bias.clone();
    }

    public double weight(int out, int in) {
        return weights[out * inputSize + in];
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != inputSize || !input.isFlat()) {
            throw new NetworkException(describe() + " expects a flat input of " + inputSize + " values, got " + input);
        }
        return Shape.flat(outputSize);
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        // Column by column: every output is still bias + w·x summed in ascending input order (the same
        // bits as a dot product per output), but the inner loop runs across outputs and vectorises, and
        // zero inputs (half of them after a ReLU) are skipped; adding a product ±0 changes no sum.
        double[] wt = columnMajor();
        System.arraycopy(bias, 0, out, 0, outputSize);
        AffineMap.addColumns(wt, outputSize, inputSize, in, out);
    }

    private double[] columnMajor() {
        double[] wt = columnMajor;
        if (wt == null) {
            wt = new double[weights.length];
            for (int o = 0; o < outputSize; o++) {
                for (int i = 0; i < inputSize; i++) {
                    wt[i * outputSize + o] = weights[o * inputSize + i];
                }
            }
            columnMajor = wt;
        }
        return wt;
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        return AffineMap.fromDense(outputSize, inputSize, weights, bias);
    }

    @Override
    public long parameterCount() {
        return (long) weights.length + bias.length;
    }

    @Override
    public String describe() {
        return "Dense(" + inputSize + "->" + outputSize + ")";
    }
}
