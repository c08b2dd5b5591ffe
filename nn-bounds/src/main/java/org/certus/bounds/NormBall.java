package org.certus.bounds;

import org.certus.nn.OutwardRounding;

/**
 * A norm ball {@code ‖x − c‖ <= r} that, intersected with the input box, forms the input region of
 * a robustness query in a norm other than L∞ (whose ball is itself a box). The centre must lie in
 * the box. Symbolic bounds concretise their input-linear functions over box ∩ ball through
 * {@link #optimize}; exact for L1, a sound (Lagrangian) lower bound for L2.
 */
public sealed interface NormBall permits L1Ball, L2Ball {

    double[] center();

    double radius();

    /** Distance of x from the centre in this ball's norm (as evaluated in double). */
    double distance(double[] x);

    /**
     * A lower bound on the minimum of {@code Σ λ_i x_i} (an upper bound on the maximum when
     * {@code upper}) over box ∩ ball, in the floating-point evaluation the caller widens: returns the
     * computed value and, through {@code magnitude[0]}, a magnitude such that
     * {@link OutwardRounding} with it covers the rounding of that computation. Writes a point of
     * box ∩ ball attaining (or near) the bound to {@code argmin} when not null. {@code n} limits the
     * coordinates considered (coefficients beyond it are zero).
     */
    double optimize(double[] lambda, int n, double[] lo, double[] hi, boolean upper, double[] argmin, double[] magnitude);
}
