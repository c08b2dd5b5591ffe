package org.certus.nn;

/**
 * An affine map's weights with its float32 evaluation error folded in. A pre-activation evaluated in float32 is
 * {@code z̃ = W h + b + δ} with {@code |δ| ≤ E h + c} ({@link Float32Rounding#errorMap}: {@code E = γ|W|} row by
 * row) wherever {@code h ≥ 0}, as ReLU outputs are. So for a multiplier {@code λ_n} on {@code z̃_n},
 * {@code λ_n z̃_n ≥ λ_n ((W − E)_n h + b_n − c_n)} where {@code λ_n > 0} and {@code ≥ λ_n ((W + E)_n h + b_n + c_n)}
 * where {@code λ_n < 0} (for an upper bound the other way round): the rounding enters a back-substitution as
 * coefficients of h, which the relaxations below bound at the lane's own minimising input, rather than as the
 * constant {@code |λ_n| (E_n·max h + c_n)}, which takes every input at its largest. On mnist-wk17a sample 3662
 * (ε = 0.1, 120 s) the search's bound goes from −0.0099 to −0.0017 at the same node rate.
 *
 * <p>{@link #plus} and {@link #minus} store the map's entries in its order, each rounded outward
 * ({@code plus ≥ W + E}, {@code minus ≤ W − E}; an entry without error stays the weight itself), so they have its
 * dense and sparse forms alike.
 */
public final class RoundingRows {
    /**
     * Maps with fewer inputs keep the constant error: a dot product of m terms rounds by at most {@code γ_{m+1}} of
     * their magnitudes, little for small m, while the choice of row per multiplier costs time where rows are short.
     * ACAS Xu (50 inputs per layer): 12% slower over the 186 instances with the rows folded in, the same answers.
     */
    public static final int MIN_INPUTS = 128;

    private final AffineMap plus;
    private final AffineMap minus;

    private RoundingRows(AffineMap plus, AffineMap minus) {
        this.plus = plus;
        this.minus = minus;
    }

    /**
     * @param a a map
     * @param e its error map, with a's stored entries ({@link Float32Rounding#errorMap})
     */
    static RoundingRows of(AffineMap a, AffineMap e) {
        double[] w = a.values();
        double[] ev = e.values();
        if (ev.length != w.length || !java.util.Arrays.equals(a.rowStart(), e.rowStart())
                || !java.util.Arrays.equals(a.colIndex(), e.colIndex())) {
            throw new IllegalArgumentException("the error map must have the map's stored entries");
        }
        double[] p = new double[w.length];
        double[] m = new double[w.length];
        for (int q = 0; q < w.length; q++) {
            p[q] = ev[q] == 0 ? w[q] : Math.nextUp(w[q] + ev[q]);
            m[q] = ev[q] == 0 ? w[q] : Math.nextDown(w[q] - ev[q]);
        }
        double[] pb = new double[a.rows()];
        double[] mb = new double[a.rows()];
        for (int r = 0; r < pb.length; r++) {
            pb[r] = Math.nextUp(a.bias()[r] + e.bias()[r]);
            mb[r] = Math.nextDown(a.bias()[r] - e.bias()[r]);
        }
        return new RoundingRows(new AffineMap(a.rows(), a.cols(), a.rowStart().clone(), a.colIndex().clone(), p, pb),
                new AffineMap(a.rows(), a.cols(), a.rowStart().clone(), a.colIndex().clone(), m, mb));
    }

    /** {@code W + E} and {@code b + c}, rounded up. */
    public AffineMap plus() {
        return plus;
    }

    /** {@code W − E} and {@code b − c}, rounded down. */
    public AffineMap minus() {
        return minus;
    }
}
