package org.certus.spec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One linear constraint over the network outputs {@code y}: {@code Σ_j coefficients[j]·y[j] <= rhs}.
 *
 * <p>Coefficients are dense (one per output). Values are finite, and at least one coefficient is non-zero:
 * a constraint without outputs would be a constant truth value, which a specification never means to say.
 * Negative zero is stored as zero so that equal constraints compare equal.
 */
public record LinearConstraint(double[] coefficients, double rhs) {

    public LinearConstraint {
        Objects.requireNonNull(coefficients, "coefficients");
        if (coefficients.length == 0) {
            throw new SpecException("a linear constraint needs at least one output coefficient, got none");
        }
        coefficients = coefficients.clone();
        boolean anyNonZero = false;
        for (int j = 0; j < coefficients.length; j++) {
            double c = coefficients[j];
            if (!Double.isFinite(c)) {
                throw new SpecException("coefficient of Y_" + j + " is not finite: " + c);
            }
            coefficients[j] = c + 0.0; // -0.0 + 0.0 == +0.0
            anyNonZero |= c != 0.0;
        }
        if (!anyNonZero) {
            throw new SpecException("a linear constraint needs a non-zero coefficient, all "
                    + coefficients.length + " are zero");
        }
        if (!Double.isFinite(rhs)) {
            throw new SpecException("right-hand side of a linear constraint is not finite: " + rhs);
        }
        rhs = rhs + 0.0;
    }

    /** A copy of the coefficients (use {@link #coefficient(int)} in loops to avoid the copy). */
    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** The coefficient of output {@code j}. */
    public double coefficient(int j) {
        return coefficients[j];
    }

    /** Number of network outputs this constraint is stated over. */
    public int outputCount() {
        return coefficients.length;
    }

    /** {@code rhs − a·y}: non-negative iff the constraint holds exactly. */
    public double slack(double[] y) {
        checkOutputs(y);
        double dot = 0.0;
        for (int j = 0; j < coefficients.length; j++) {
            dot += coefficients[j] * y[j];
        }
        return rhs - dot;
    }

    /**
     * Whether {@code a·y <= rhs + tolerance}. A NaN output makes the slack NaN and the answer false, so a
     * broken forward pass can never produce a counterexample.
     */
    public boolean isSatisfiedBy(double[] y, double tolerance) {
        checkTolerance(tolerance);
        return slack(y) >= -tolerance;
    }

    private void checkOutputs(double[] y) {
        Objects.requireNonNull(y, "y");
        if (y.length != coefficients.length) {
            throw new IllegalArgumentException("expected " + coefficients.length + " outputs, got " + y.length);
        }
    }

    static void checkTolerance(double tolerance) {
        if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearConstraint other
                && Double.compare(rhs, other.rhs) == 0
                && Arrays.equals(coefficients, other.coefficients);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(coefficients) + Double.hashCode(rhs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < coefficients.length; j++) {
            double c = coefficients[j];
            if (c == 0.0) {
                continue;
            }
            sb.append(sb.length() == 0 ? (c < 0 ? "-" : "") : (c < 0 ? " - " : " + "));
            if (Math.abs(c) != 1.0) {
                sb.append(Math.abs(c)).append('*');
            }
            sb.append("Y_").append(j);
        }
        return sb.append(" <= ").append(rhs).toString();
    }
}
