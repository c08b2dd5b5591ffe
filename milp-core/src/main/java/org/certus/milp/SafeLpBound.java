package org.certus.milp;

/**
 * Rigorous bounds for linear programs from approximate duals, after Neumaier &amp; Shcherbina,
 * "Safe bounds in linear and mixed-integer programming", Math. Programming 99 (2004).
 *
 * <p>For {@code min c·x} subject to {@code lo_i <= a_i·x <= hi_i} and {@code l <= x <= u}, any vector
 * {@code y} gives {@code c·x = yᵀAx + (c - Aᵀy)·x}. The first term is at least
 * {@code Σ_i (y_i > 0 ? y_i·lo_i : y_i·hi_i)} on the feasible set, the second at least
 * {@code Σ_j min over [l_j,u_j] of r_j·x_j} with {@code r = c - Aᵀy}. Every operation here is
 * rounded outward (the exact error of each round-to-nearest result is recovered with {@code fma} or
 * TwoSum and the result moved one ulp when needed), so the returned number is a true lower bound on the
 * exact LP optimum over the given data whatever {@code y} is: good duals give a tight bound, bad ones a
 * weak but valid one. A dual whose sign needs an infinite row side is treated as 0 (a different, equally
 * valid {@code y}); a nonzero residual against an infinite variable bound makes the bound {@code -∞}
 * (nothing certified).
 *
 * <p>The bound concerns the model as stored in doubles; it does not account for errors made before
 * (e.g. when the model coefficients were computed).
 */
public final class SafeLpBound {

    private SafeLpBound() {
    }

    /** Lower bound on {@code min objective·x} over the model's rows and its own variable bounds. */
    public static double lowerBound(Model m, double[] objective, double[] rowDuals) {
        return lowerBound(m, objective, rowDuals, m.variableLowers(), m.variableUppers());
    }

    /**
     * Rigorous lower bound on {@code min objective·x} subject to the rows of {@code m} and
     * {@code varLo <= x <= varHi} (binaries taken as relaxed; the bound holds for the MILP too).
     *
     * @param objective dense, one per variable, in minimisation form (no constant)
     * @param rowDuals any values, one per constraint (e.g. {@link LpResult#rowDuals()} of a minimisation)
     * @return a lower bound, {@code +∞} if the data are certified infeasible, or {@code -∞} if nothing
     *         could be certified
     */
    public static double lowerBound(Model m, double[] objective, double[] rowDuals, double[] varLo, double[] varHi) {
        int n = m.numVariables();
        int rows = m.numConstraints();
        checkLength("objective", objective, n);
        checkLength("rowDuals", rowDuals, rows);
        checkLength("varLo", varLo, n);
        checkLength("varHi", varHi, n);
        // Enclosure [rLo, rHi] of r = c - Aᵀy.
        double[] rLo = objective.clone();
        double[] rHi = objective.clone();
        double sum = 0.0;
        for (int i = 0; i < rows; i++) {
            double y = rowDuals[i];
            if (y == 0.0) {
                continue;
            }
            if (!Double.isFinite(y)) {
                return Double.NEGATIVE_INFINITY;
            }
            double side = y > 0 ? m.constraintLower(i) : m.constraintUpper(i);
            if (Double.isInfinite(side)) {
                // A dual of the sign that needs a missing side is replaced by 0: any y is allowed, and
                // solvers return such values (tiny, of the wrong sign) routinely.
                continue;
            }
            sum = addDown(sum, mulDown(y, side));
            for (int k = m.rowStart(i), end = m.rowEnd(i); k < end; k++) {
                int j = m.entryColumn(k);
                double a = m.entryValue(k);
                rLo[j] = addDown(rLo[j], -mulUp(a, y));
                rHi[j] = addUp(rHi[j], -mulDown(a, y));
            }
        }
        for (int j = 0; j < n; j++) {
            double t = minProduct(rLo[j], rHi[j], varLo[j], varHi[j]);
            if (Double.isNaN(t) || t == Double.NEGATIVE_INFINITY) {
                return Double.NEGATIVE_INFINITY;
            }
            sum = addDown(sum, t);
        }
        if (Double.isNaN(sum)) {
            return Double.NEGATIVE_INFINITY;
        }
        return sum;
    }

    /**
     * Rigorous upper bound on {@code max objective·x} over the rows of {@code m} and the box; the duals are
     * in the convention of {@link LpResult} for a maximisation ({@code r = c - Aᵀy}).
     */
    public static double upperBound(Model m, double[] objective, double[] rowDuals, double[] varLo, double[] varHi) {
        // max c·x = -min (-c)·x, and the duals of the negated problem are -y; negation is exact.
        return -lowerBound(m, negate(objective), negate(rowDuals), varLo, varHi);
    }

    /** {@link #upperBound(Model, double[], double[], double[], double[])} with the model's own variable bounds. */
    public static double upperBound(Model m, double[] objective, double[] rowDuals) {
        return upperBound(m, objective, rowDuals, m.variableLowers(), m.variableUppers());
    }

    /**
     * Whether {@code y} proves (Farkas) that no {@code x} in the model's variable bounds satisfies all rows.
     * Equivalent to a certified lower bound {@code > 0} on {@code min 0·x}: the box maximum of
     * {@code (Aᵀy)·x} is then provably below {@code Σ_i (y_i > 0 ? y_i·lo_i : y_i·hi_i)}.
     */
    public static boolean certifiesInfeasible(Model m, double[] y) {
        return certifiesInfeasible(m, y, m.variableLowers(), m.variableUppers());
    }

    /** As {@link #certifiesInfeasible(Model, double[])} with explicit variable bounds. */
    public static boolean certifiesInfeasible(Model m, double[] y, double[] varLo, double[] varHi) {
        return lowerBound(m, new double[m.numVariables()], y, varLo, varHi) > 0.0;
    }

    /**
     * Lower bound on {@code min r·x} over {@code r in [rLo, rHi]}, {@code x in [xLo, xHi]}, rounded down.
     * A zero factor contributes exactly zero even against an infinite bound.
     */
    static double minProduct(double rLo, double rHi, double xLo, double xHi) {
        double best = Double.POSITIVE_INFINITY;
        best = Math.min(best, productDown(rLo, xLo));
        best = Math.min(best, productDown(rLo, xHi));
        best = Math.min(best, productDown(rHi, xLo));
        best = Math.min(best, productDown(rHi, xHi));
        return best;
    }

    private static double productDown(double a, double b) {
        if (a == 0.0 || b == 0.0) {
            return 0.0;
        }
        return mulDown(a, b);
    }

    /*
     * Directed rounding without changing the FPU mode: compute the round-to-nearest result, recover its
     * exact error (fma for products, TwoSum for sums; both exact away from overflow and underflow), and
     * step one ulp only when the error points the wrong way. Staying exact when the operation is exact
     * matters: a residual that is exactly 0 against an infinite bound must stay 0.
     */

    /** Smallest magnitude at which the fma error term of a product is certainly exact. */
    private static final double EXACT_PRODUCT_MIN = 0x1p-960;

    static double mulDown(double a, double b) {
        if (a == 0.0 || b == 0.0) {
            return 0.0 * a * b; // exact (and NaN for 0·∞)
        }
        double p = a * b;
        if (Double.isNaN(p)) {
            return p;
        }
        if (Double.isInfinite(p)) {
            // Overflow of finite factors: the exact value is finite, beyond ±MAX_VALUE.
            return p > 0 && Double.isFinite(a) && Double.isFinite(b) ? Double.MAX_VALUE : p;
        }
        if (Math.abs(p) < EXACT_PRODUCT_MIN) {
            return Math.nextDown(p);
        }
        return Math.fma(a, b, -p) < 0 ? Math.nextDown(p) : p;
    }

    static double mulUp(double a, double b) {
        return -mulDown(-a, b);
    }

    static double addDown(double x, double y) {
        double s = x + y;
        if (Double.isNaN(s)) {
            return s;
        }
        if (Double.isInfinite(s)) {
            return s > 0 && Double.isFinite(x) && Double.isFinite(y) ? Double.MAX_VALUE : s;
        }
        double bb = s - x;
        double err = (x - (s - bb)) + (y - bb);
        return err < 0 ? Math.nextDown(s) : s;
    }

    static double addUp(double x, double y) {
        return -addDown(-x, -y);
    }

    private static double[] negate(double[] v) {
        if (v == null) {
            throw new MilpException("array must not be null");
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static void checkLength(String what, double[] v, int expected) {
        if (v == null || v.length != expected) {
            throw new MilpException(what + ": expected length " + expected + ", got "
                    + (v == null ? "null" : String.valueOf(v.length)));
        }
        for (int k = 0; k < v.length; k++) {
            if (Double.isNaN(v[k])) {
                throw new MilpException(what + "[" + k + "] is NaN");
            }
        }
    }
}
