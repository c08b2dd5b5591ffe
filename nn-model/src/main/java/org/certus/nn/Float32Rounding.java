package org.certus.nn;

/**
 * The float32 rounding model the operations' {@link Operation#float32Error} rules use. The error of
 * one evaluated dot product {@code z = Σ_q w_q h_q + b} of length m is at most
 * {@code γ_{m+1} (Σ|w_q||h_q| + |b|)} with {@code γ_k = k u / (1 − k u)}, {@code u = 2^-24} (Higham,
 * Accuracy and Stability of Numerical Algorithms, §3.1, for any summation order), plus an underflow
 * term of {@code (m+1)·2^-149}. Weights and inputs are taken as exactly representable in float32 (true
 * for ONNX weights; inputs are checked as float32 when counterexamples are confirmed).
 *
 * <p>Only terms that can be nonzero count towards m: a product with an input that is exactly 0 (a ReLU output
 * where the float32 pre-activation is at most 0) or a zero weight is exact, and so is any addition with a zero
 * operand. Each rounded addition on the path from a nonzero term to the result joins a subtree holding another
 * nonzero term, so in any summation order a term meets at most (nonzero terms + bias − 1) roundings plus its
 * product's. On mnist-wk17a about half of the dense layer's 1,568 inputs are 0 over an ε = 0.1 box, which halves
 * its error bound.
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
            // Terms that are exactly zero (an input known to be 0, as a ReLU's output where its pre-activation is
            // at most 0) add nothing and round nothing: only the others count towards m.
            int m = 1;
            for (int q = start[r]; q < start[r + 1]; q++) {
                s += Math.abs(val[q]) * maxAbs[col[q]];
                if (val[q] != 0 && maxAbs[col[q]] != 0) {
                    m++;
                }
            }
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
        return errorMap(a, extraRoundings, null);
    }

    /**
     * {@link #errorMap(AffineMap, int)} over inputs of which those with {@code zeroInputs[j]} are exactly 0 (null:
     * none known): their terms round nothing, so m counts only the others (as {@link #rowErrors} does with
     * magnitudes of 0). Valid only where those inputs are 0.
     */
    public static AffineMap errorMap(AffineMap a, int extraRoundings, boolean[] zeroInputs) {
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        double[] v = new double[val.length];
        double[] c = new double[a.rows()];
        for (int r = 0; r < a.rows(); r++) {
            int m = 1;
            for (int q = start[r]; q < start[r + 1]; q++) {
                if (val[q] != 0 && (zeroInputs == null || !zeroInputs[col[q]])) {
                    m++;
                }
            }
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
