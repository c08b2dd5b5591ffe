package org.certus.encode;

import java.util.Arrays;

/**
 * A sparse affine expression {@code constant + Σ coef[k]·x[idx[k]]} over model variables, indices
 * distinct. Immutable; the arrays are owned and must not be modified by callers.
 */
public record LinearExpression(int[] idx, double[] coef, double constant) {
    static final LinearExpression ZERO = new LinearExpression(new int[0], new double[0], 0.0);

    static LinearExpression variable(int v) {
        return new LinearExpression(new int[] {v}, new double[] {1.0}, 0.0);
    }

    public int size() {
        return idx.length;
    }

    /** Value at a full assignment of the model's variables (plain floating point). */
    public double evaluate(double[] x) {
        double s = constant;
        for (int k = 0; k < idx.length; k++) {
            s += coef[k] * x[idx[k]];
        }
        return s;
    }

    /** The dense coefficient vector over {@code n} variables (the constant dropped). */
    public double[] dense(int n) {
        double[] d = new double[n];
        for (int k = 0; k < idx.length; k++) {
            d[idx[k]] += coef[k];
        }
        return d;
    }

    @Override
    public String toString() {
        return "LinearExpression[idx=" + Arrays.toString(idx) + ", coef=" + Arrays.toString(coef) + ", constant=" + constant + "]";
    }
}
