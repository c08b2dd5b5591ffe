package org.certus.encode;

import java.util.Arrays;

/**
 * Builds linear combinations of {@link LinearExpression}s in a dense scratch row with a list of
 * touched indices, so composing a sparse affine row with substituted expressions costs the number
 * of terms touched, not the number of model variables.
 */
final class ExpressionAccumulator {
    private double[] acc = new double[0];
    private boolean[] used = new boolean[0];
    private int[] touched = new int[0];
    private int count;
    private double constant;

    void reset(int variables) {
        if (acc.length < variables) {
            int n = Math.max(variables, 2 * acc.length);
            acc = new double[n];
            used = new boolean[n];
            touched = new int[n];
        }
        count = 0;
        constant = 0.0;
    }

    void addConstant(double c) {
        constant += c;
    }

    void add(double w, LinearExpression e) {
        if (w == 0.0) {
            return;
        }
        constant += w * e.constant();
        int[] idx = e.idx();
        double[] coef = e.coef();
        for (int k = 0; k < idx.length; k++) {
            int j = idx[k];
            if (!used[j]) {
                used[j] = true;
                touched[count++] = j;
            }
            acc[j] += w * coef[k];
        }
    }

    /** The accumulated expression; resets the scratch row (exact zeros dropped). */
    LinearExpression build() {
        Arrays.sort(touched, 0, count);
        int nz = 0;
        for (int t = 0; t < count; t++) {
            if (acc[touched[t]] != 0.0) {
                nz++;
            }
        }
        int[] idx = new int[nz];
        double[] coef = new double[nz];
        int k = 0;
        for (int t = 0; t < count; t++) {
            int j = touched[t];
            if (acc[j] != 0.0) {
                idx[k] = j;
                coef[k++] = acc[j];
            }
            acc[j] = 0.0;
            used[j] = false;
        }
        LinearExpression e = new LinearExpression(idx, coef, constant);
        count = 0;
        constant = 0.0;
        return e;
    }
}
