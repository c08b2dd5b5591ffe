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
     * most {@code maxAbs}: the smaller of {@code γ_{m+1}·Σ} and {@link #treeBound}, both valid in any summation order.
     */
    public static double[] rowErrors(AffineMap a, double[] maxAbs) {
        double[] e = new double[a.rows()];
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        for (int r = 0; r < a.rows(); r++) {
            double bias = Math.abs(a.bias()[r]);
            double s = bias, largest = bias;
            // Terms that are exactly zero (an input known to be 0, as a ReLU's output where its pre-activation is
            // at most 0) add nothing and round nothing: only the others count towards m.
            int m = 1;
            for (int q = start[r]; q < start[r + 1]; q++) {
                double t = Math.abs(val[q]) * maxAbs[col[q]];
                s += t;
                largest = Math.max(largest, t);
                if (val[q] != 0 && maxAbs[col[q]] != 0) {
                    m++;
                }
            }
            // The sum s is itself computed in double: inflate it by a double γ before using it.
            double sUp = OutwardRounding.up(s, s, m);
            double bound = gamma(m) * sUp;
            if (m >= TREE_MIN_TERMS) {
                // sUp bounds the products' sum too (it adds the bias's magnitude).
                bound = Math.min(bound, treeBound(m, sUp, sUp, Math.nextUp(largest * (1 + 0x1p-52)), largest * (1 - 0x1p-50)));
            }
            e[r] = Math.nextUp(bound + m * UNDERFLOW);
        }
        return e;
    }

    /**
     * Fewest terms for which {@link #rowErrors} tries {@link #treeBound}: short dot products round little whichever
     * bound is taken, while evaluating it for every row cost ACAS Xu's 50-input layers 2–3% of a search (JFR).
     */
    static final int TREE_MIN_TERMS = 64;

    /**
     * A bound on the float32 error of a sum of {@code n} terms (products, each rounded once, and the bias) in any
     * summation order, sharper than {@code γ_n·Σ|x|} when the terms are of similar size (about half of it then).
     * Any order of binary additions is a tree whose addition at node v rounds by at most {@code u·|ŝ_v|}, and
     * {@code |ŝ_v|} is at most {@code (1 + γ_n)} times the magnitudes below v, so the sum's error is at most
     * {@code u (1 + γ_n) Σ_i |x_i| d_i} with {@code d_i} the depth of term i. A tree with n leaves has at least
     * {@code j − 1} additions over at most j leaves (descend from the root into a child of at least j leaves
     * while there is one: the node reached has two children of fewer, holding its size − 2 additions), so the
     * k largest terms' depths sum to at most the chain's, {@code Σ_{s=2..n} min(k, s)}; then
     * {@code Σ|x_i| d_i <= Σ_{k=1..n} T_k − |x|_max}, with {@code T_k <= min(S, k·M)} the sum of the k largest
     * magnitudes ({@code S} all of them, {@code M} the largest). The products' own roundings add {@code u·Σ|w h|}, and
     * {@code u·S} more covers weights and a bias that are not float32 numbers themselves (a network built in double,
     * evaluated in float32, rounds them first): {@code γ_{m+1}·Σ} has room for that, and where it is the smaller bound
     * (few terms) this one must not undercut it there.
     *
     * @param sum      upper bound on the sum of all n magnitudes
     * @param products upper bound on the products' magnitudes (the sum without the bias)
     * @param largest  upper bound on the largest magnitude
     * @param floor    lower bound on the largest magnitude
     */
    static double treeBound(int n, double sum, double products, double largest, double floor) {
        // Rounding each product, and each weight and the bias to float32 (γ_1 ≤ u (1 + 2^-20) covers one rounding each).
        double leaves = UNIT_ROUNDOFF * (products + sum);
        if (n <= 1 || largest <= 0) {
            return leaves * (1 + 0x1p-20);
        }
        // Σ_k min(S, k M): k M up to K = ⌊S/M⌋, S after (any K in [0, n] gives an upper bound).
        double k = Math.min(n, Math.floor(sum / largest));
        double depthSum = largest * k * (k + 1) / 2 + (n - k) * sum - Math.max(0.0, floor);
        double sumsError = UNIT_ROUNDOFF * (1 + gamma(n + 1)) * depthSum;
        // A handful of double operations on positive numbers: a relative 2^-40 covers them.
        return (leaves * (1 + 0x1p-20) + sumsError) * (1 + 0x1p-40);
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
