package org.certus.nn;

/**
 * The float32 rounding model the operations' {@link Operation#float32Error} rules use. The error of
 * one evaluated dot product {@code z = Σ_q w_q h_q + b} of length m is at most
 * {@code γ_{m+1} (Σ|w_q||h_q| + |b|)} with {@code γ_k = k u / (1 − k u)}, {@code u = 2^-24} (Higham,
 * Accuracy and Stability of Numerical Algorithms, §3.1, for any summation order), plus an underflow
 * term of {@code (m+1)·2^-149}. Weights and inputs are taken as exactly representable in float32 (true
 * for ONNX weights; inputs are checked as float32 when counterexamples are confirmed).
 */
public final class Float32Rounding {
    /** Unit round-off of IEEE float32. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;
    /** Smallest positive float32 (the gradual-underflow step). */
    public static final double UNDERFLOW = 0x1p-149;

    private Float32Rounding() {
    }

    /** {@code γ_k} of float32, rounded up. */
    public static double gamma(int k) {
        double ku = k * UNIT_ROUNDOFF;
        return Math.nextUp(ku / (1 - ku));
    }

    /**
     * Per-row bound on the float32 evaluation error of {@code a} applied to inputs with magnitude at
     * most {@code maxAbs[i]}.
     */
    public static double[] rowErrors(AffineMap a, double[] maxAbs) {
        double[] e = new double[a.rows()];
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        for (int r = 0; r < a.rows(); r++) {
            double s = Math.abs(a.bias()[r]);
            for (int q = start[r]; q < start[r + 1]; q++) {
                s += Math.abs(val[q]) * maxAbs[col[q]];
            }
            int m = start[r + 1] - start[r] + 1;
            // The sum s is itself computed in double: inflate it by a double γ before using it.
            double sUp = OutwardRounding.up(s, s, m);
            e[r] = Math.nextUp(gamma(m) * sUp + m * UNDERFLOW);
        }
        return e;
    }

    /**
     * The same bound as a nonnegative affine map of the input magnitudes: row r is
     * {@code γ_{m+1}·|w_r|} with constant {@code γ_{m+1}·|b_r| + (m+1)·2^-149}, every entry rounded up, so
     * that {@code errorMap(a)} applied to {@code maxAbs} (and rounded up) bounds {@link #rowErrors}.
     */
    public static AffineMap errorMap(AffineMap a) {
        return errorMap(a, 0);
    }

    /**
     * {@link #errorMap(AffineMap)} for an operation that rounds {@code extraRoundings} more times per
     * output than one dot product (e.g. a subtraction before a division).
     */
    public static AffineMap errorMap(AffineMap a, int extraRoundings) {
        int[] start = a.rowStart();
        double[] val = a.values();
        double[] v = new double[val.length];
        double[] c = new double[a.rows()];
        for (int r = 0; r < a.rows(); r++) {
            int m = start[r + 1] - start[r] + 1;
            double g = gamma(m + extraRoundings);
            // γ times a double product: one more double rounding, covered by nextUp.
            for (int q = start[r]; q < start[r + 1]; q++) {
                v[q] = Math.nextUp(g * Math.abs(val[q]) * (1 + 0x1p-50));
            }
            c[r] = Math.nextUp((g * Math.abs(a.bias()[r]) + (m + extraRoundings) * UNDERFLOW) * (1 + 0x1p-50));
        }
        return new AffineMap(a.rows(), a.cols(), start.clone(), a.colIndex().clone(), v, c);
    }
}
