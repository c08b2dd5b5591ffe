package org.certus.nn;

/**
 * Fully connected layer {@code y = W x + b}. Weights are stored row-major as {@code [out][in]}
 * (ONNX Gemm with transB=1, PyTorch Linear), so each output is one contiguous dot product.
 * Importers with an {@code [in][out]} layout (MIPVerify, ONNX MatMul) transpose at import.
 */
public final class Dense implements UnaryAffineOperation {
    private final int inputSize;
    private final int outputSize;
    private final double[] weights;
    private final double[] bias;
    /** See {@link #extraFloat32Roundings()}. */
    private final int extraRoundings;
    /** {@code [in][out]} copy of the weights for {@link #forward}; a pure cache, built on first use. */
    /** The weight columns as separate arrays: the JIT vectorises {@code out[o] += col[o] · x} only so. */
    private volatile double[][] columnMajor;
    /** The same copy in float32 for {@link #forwardFloat32}; a pure cache, built on first use. */
    private volatile float[] columnMajorFloat;

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
        this.extraRoundings = 0;
    }


    private Dense(Dense o, int extraRoundings) {
        if (extraRoundings < 0) {
            throw new NetworkException("extra roundings must not be negative");
        }
        this.inputSize = o.inputSize;
        this.outputSize = o.outputSize;
        this.weights = o.weights;
        this.bias = o.bias;
        this.extraRoundings = extraRoundings;
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
        double[][] wt = columnMajor();
        System.arraycopy(bias, 0, out, 0, outputSize);
        AffineMap.addColumns(wt, in, out);
    }

    private double[][] columnMajor() {
        double[][] wt = columnMajor;
        if (wt == null) {
            wt = new double[inputSize][outputSize];
            for (int o = 0; o < outputSize; o++) {
                for (int i = 0; i < inputSize; i++) {
                    wt[i][o] = weights[o * inputSize + i];
                }
            }
            columnMajor = wt;
        }
        return wt;
    }

    /**
     * Column by column like {@link #forward}: each output is still summed in ascending input order from 0
     * with the bias added last, bit for bit a dot product per output (skipping a zero input adds ±0).
     */
    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        outputShape(inputs);
        float[] w = columnMajorFloat();
        float[] x = in[0];
        java.util.Arrays.fill(out, 0f);
        for (int c = 0; c < inputSize; c++) {
            float v = x[c];
            if (v == 0f) {
                continue;
            }
            int off = c * outputSize;
            for (int r = 0; r < outputSize; r++) {
                out[r] += w[off + r] * v;
            }
        }
        for (int r = 0; r < outputSize; r++) {
            out[r] = out[r] + (float) bias[r];
        }
    }

    private float[] columnMajorFloat() {
        float[] wt = columnMajorFloat;
        if (wt == null) {
            wt = new float[weights.length];
            for (int o = 0; o < outputSize; o++) {
                for (int i = 0; i < inputSize; i++) {
                    wt[i * outputSize + o] = (float) weights[o * inputSize + i];
                }
            }
            columnMajorFloat = wt;
        }
        return wt;
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
    public Dense withExtraFloat32Roundings(int roundings) {
        return new Dense(this, roundings);
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
