package org.certus.spec;

import java.util.Arrays;
import java.util.Objects;

/**
 * An axis-aligned box of network inputs: {@code lower[i] <= x[i] <= upper[i]}. Bounds are finite (an
 * unbounded input cannot be encoded with big-M constraints) and {@code lower <= upper} (an empty box is a
 * specification bug, not a trivially safe property). Negative zero is stored as zero.
 */
public record InputBox(double[] lower, double[] upper) {

    public InputBox {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        if (lower.length != upper.length) {
            throw new SpecException("box has " + lower.length + " lower bounds but " + upper.length + " upper bounds");
        }
        if (lower.length == 0) {
            throw new SpecException("box needs at least one input");
        }
        lower = lower.clone();
        upper = upper.clone();
        for (int i = 0; i < lower.length; i++) {
            if (!Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
                throw new SpecException("bounds of X_" + i + " must be finite, got [" + lower[i] + ", " + upper[i] + "]");
            }
            if (lower[i] > upper[i]) {
                throw new SpecException("lower bound of X_" + i + " is above its upper bound: " + lower[i] + " > " + upper[i]);
            }
            lower[i] += 0.0;
            upper[i] += 0.0;
        }
    }

    /** Number of inputs. */
    public int dimension() {
        return lower.length;
    }

    /** A copy of the lower bounds (use {@link #lower(int)} in loops). */
    @Override
    public double[] lower() {
        return lower.clone();
    }

    /** A copy of the upper bounds (use {@link #upper(int)} in loops). */
    @Override
    public double[] upper() {
        return upper.clone();
    }

    public double lower(int i) {
        return lower[i];
    }

    public double upper(int i) {
        return upper[i];
    }

    /** Whether {@code lower - tol <= x <= upper + tol} everywhere; NaN coordinates are never contained. */
    public boolean contains(double[] x, double tolerance) {
        LinearConstraint.checkTolerance(tolerance);
        Objects.requireNonNull(x, "x");
        if (x.length != lower.length) {
            throw new IllegalArgumentException("expected " + lower.length + " inputs, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= lower[i] - tolerance && x[i] <= upper[i] + tolerance)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputBox other && Arrays.equals(lower, other.lower) && Arrays.equals(upper, other.upper);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lower) + Arrays.hashCode(upper);
    }

    @Override
    public String toString() {
        return "InputBox[lower=" + Arrays.toString(lower) + ", upper=" + Arrays.toString(upper) + "]";
    }
}
