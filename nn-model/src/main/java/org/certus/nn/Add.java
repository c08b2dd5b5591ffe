package org.certus.nn;

import java.util.List;

/**
 * The elementwise sum of two computed tensors of the same shape: a residual connection's join. Affine
 * in both inputs (so never relaxed); one float32 rounding per element.
 */
public record Add() implements AffineOperation {

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (inputs.size() != 2) {
            throw new NetworkException("Add takes two inputs, got " + inputs.size());
        }
        if (!inputs.get(0).equals(inputs.get(1))) {
            throw new NetworkException("Add of " + inputs.get(0) + " and " + inputs.get(1) + ": shapes differ");
        }
        return inputs.get(0);
    }

    @Override
    public void forward(List<Shape> inputs, double[][] in, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = in[0][i] + in[1][i];
        }
    }

    @Override
    public void forwardFloat32(List<Shape> inputs, float[][] in, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = in[0][i] + in[1][i];
        }
    }

    @Override
    public AffineMap toAffineMap(List<Shape> inputs) {
        int n = outputShape(inputs).size();
        int[] start = new int[n + 1];
        int[] col = new int[2 * n];
        double[] val = new double[2 * n];
        for (int i = 0; i < n; i++) {
            start[i + 1] = 2 * (i + 1);
            col[2 * i] = i;
            col[2 * i + 1] = n + i;
            val[2 * i] = 1.0;
            val[2 * i + 1] = 1.0;
        }
        return new AffineMap(n, 2 * n, start, col, val, new double[n]);
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    @Override
    public String describe() {
        return "Add";
    }
}
