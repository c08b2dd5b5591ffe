package org.certus.nn;

/**
 * Rigorous widening of a floating-point sum so that it bounds the exact real value.
 *
 * <p>A sum of {@code n} products evaluated in IEEE double in any order differs from its exact
 * value by at most {@code γ_n · Σ|a_i x_i|} plus an underflow term, where {@code γ_n = n·u / (1 − n·u)}
 * and {@code u = 2^-53} (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1).
 * We use {@code γ_{n+1}} to cover the products' own rounding too, add {@code (n+1)·2^-1074} for
 * gradual underflow, and round the result outward once more with {@code nextDown}/{@code nextUp}.
 * This makes interval bounds contain the real-arithmetic value of every pre-activation, hence also
 * every value a double evaluation computes up to the same error; float32 evaluations of the network
 * are covered separately when counterexamples are checked.
 */
public final class OutwardRounding {
    /** Unit round-off of IEEE double. */
    public static final double UNIT_ROUNDOFF = 0x1p-53;

    private OutwardRounding() {
    }

    /** {@code γ_n} of Higham; n is the number of rounded operations in the longest chain. */
    public static double gamma(int n) {
        double nu = (n + 1) * UNIT_ROUNDOFF;
        return nu / (1 - nu);
    }

    /** A value below the exact sum whose floating-point evaluation gave {@code value}. */
    public static double down(double value, double magnitude, int terms) {
        return Math.nextDown(value - (gamma(terms) * magnitude + (terms + 1) * Double.MIN_VALUE));
    }

    /** A value above the exact sum whose floating-point evaluation gave {@code value}. */
    public static double up(double value, double magnitude, int terms) {
        return Math.nextUp(value + (gamma(terms) * magnitude + (terms + 1) * Double.MIN_VALUE));
    }
}
