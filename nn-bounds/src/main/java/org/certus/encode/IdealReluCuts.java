package org.certus.encode;

import java.util.Arrays;
import org.certus.milp.Model;

/**
 * Cutting planes from the ideal formulation of one ReLU over a box (Anderson, Huchette, Ma, Tjandraatmadja,
 * Vielma, <i>Strong mixed-integer programming formulations for trained neural networks</i>, 2020). For
 * {@code h = max(0, z)}, {@code z = c₀ + Σ c_k v_k}, every {@code v_k} within its variable bounds
 * {@code [L_k, U_k]} and the indicator {@code a}, each subset {@code I} of the terms gives the valid inequality
 *
 * <pre>  h ≤ Σ_{k∈I} c_k (v_k − L̆_k (1 − a)) + (c₀ + Σ_{k∉I} c_k Ŭ_k) a</pre>
 *
 * where {@code L̆_k}, {@code Ŭ_k} are the bounds of {@code v_k} that make {@code c_k v_k} smallest and largest.
 * {@code I = ∅} and {@code I = all} are the two big-M rows with interval constants; the others cut off points of
 * the triangle relaxation that no input reaches. Together they describe the convex hull of the ReLU's graph over
 * the box, so a layer-1 neuron that reads one unstable ReLU is bounded exactly by the LP once the violated ones
 * are added. There are 2ⁿ of them; {@link #separate} finds the most violated one at a point in O(n).
 *
 * <p>Validity: at {@code a = 1} ({@code h = z}) the right side is {@code z} plus {@code Σ_{k∉I} c_k (Ŭ_k − v_k) ≥ 0};
 * at {@code a = 0} ({@code h = 0}) it is {@code Σ_{k∈I} c_k (v_k − L̆_k) ≥ 0}. The encoding's evaluation error
 * {@code e} is added to the right side as it is to the big-M rows, and the right side is raised by
 * {@link #ROUNDING_RELATIVE} of the magnitudes summed, so the rounded cut never cuts off a point of the MILP.
 */
public final class IdealReluCuts {
    /**
     * Relative slack on a cut's right-hand side for the rounding of its two computed constants (the
     * indicator's coefficient and the right side): each is a sum of at most n products, off by less than
     * n·2⁻⁵³ of its magnitude; 1e-10 covers n up to 10⁵ with room to spare.
     */
    static final double ROUNDING_RELATIVE = 1e-10;

    /** A cut {@code Σ coef[k]·x[idx[k]] ≤ upper}. */
    public record Cut(int[] idx, double[] coef, double upper) {
        @Override
        public String toString() {
            return "Cut[idx=" + Arrays.toString(idx) + ", coef=" + Arrays.toString(coef) + ", upper=" + upper + "]";
        }
    }

    private IdealReluCuts() {
    }

    /**
     * The inequality of {@code relu}'s ideal formulation most violated at {@code point} (values of all model
     * variables), or null when none is violated by more than {@code minViolation} or a variable of its
     * pre-activation has an infinite bound.
     */
    public static Cut separate(EncodedRelu relu, Model model, double[] point, double minViolation) {
        LinearExpression z = relu.preActivation();
        int n = z.size();
        double a = point[relu.indicator()];
        double rhs = z.constant() * a + relu.evaluationError();
        boolean[] inI = new boolean[n];
        for (int q = 0; q < n; q++) {
            int k = z.idx()[q];
            double c = z.coef()[q];
            double lo = model.variableLower(k);
            double hi = model.variableUpper(k);
            if (Double.isInfinite(lo) || Double.isInfinite(hi)) {
                return null;
            }
            double small = c >= 0 ? lo : hi;
            double large = c >= 0 ? hi : lo;
            double included = c * (point[k] - small * (1 - a));
            double excluded = c * large * a;
            inI[q] = included < excluded;
            rhs += inI[q] ? included : excluded;
        }
        if (!(point[relu.activation()] - rhs > minViolation)) {
            return null;
        }
        return cut(relu, model, inI);
    }

    /** The inequality for the subset {@code inI} as a row {@code h − Σ_I c_k v_k − A a ≤ R}. */
    static Cut cut(EncodedRelu relu, Model model, boolean[] inI) {
        LinearExpression z = relu.preActivation();
        int n = z.size();
        int[] idx = new int[n + 2];
        double[] coef = new double[n + 2];
        double indicatorCoef = z.constant();
        double indicatorMagnitude = Math.abs(z.constant());
        double right = relu.evaluationError();
        double rightMagnitude = Math.abs(right);
        int m = 0;
        for (int q = 0; q < n; q++) {
            int k = z.idx()[q];
            double c = z.coef()[q];
            double lo = model.variableLower(k);
            double hi = model.variableUpper(k);
            if (inI[q]) {
                double t = c * (c >= 0 ? lo : hi);
                idx[m] = k;
                coef[m++] = -c;
                indicatorCoef += t;
                right -= t;
                rightMagnitude += Math.abs(t);
            } else {
                double t = c * (c >= 0 ? hi : lo);
                indicatorCoef += t;
            }
            indicatorMagnitude += Math.abs(c) * Math.max(Math.abs(lo), Math.abs(hi));
        }
        idx[m] = relu.activation();
        coef[m++] = 1.0;
        idx[m] = relu.indicator();
        coef[m++] = -indicatorCoef;
        double upper = Math.nextUp(right + ROUNDING_RELATIVE * (rightMagnitude + indicatorMagnitude) + Double.MIN_NORMAL);
        return new Cut(Arrays.copyOf(idx, m), Arrays.copyOf(coef, m), upper);
    }
}
