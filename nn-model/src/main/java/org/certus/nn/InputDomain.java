package org.certus.nn;

import java.util.Arrays;

/**
 * The values a network's input may take, per element: [0,1] for image pixels, the NNet ranges for
 * ACAS Xu. Perturbation regions are intersected with it.
 */
public final class InputDomain {
    private final double[] lower;
    private final double[] upper;

    public InputDomain(double[] lower, double[] upper) {
        if (lower.length != upper.length) {
            throw new NetworkException("input domain bounds differ in length: " + lower.length + " vs " + upper.length);
        }
        for (int i = 0; i < lower.length; i++) {
            if (Double.isNaN(lower[i]) || Double.isNaN(upper[i]) || lower[i] > upper[i]) {
                throw new NetworkException("input domain bound " + i + " is empty or NaN: [" + lower[i] + ", " + upper[i] + "]");
            }
        }
        this.lower = lower.clone();
        this.upper = upper.clone();
    }

    /** Every element in {@code [lo, hi]}. */
    public static InputDomain uniform(int size, double lo, double hi) {
        double[] l = new double[size];
        double[] u = new double[size];
        Arrays.fill(l, lo);
        Arrays.fill(u, hi);
        return new InputDomain(l, u);
    }

    public int size() {
        return lower.length;
    }

    public double lower(int i) {
        return lower[i];
    }

    public double upper(int i) {
        return upper[i];
    }

    public double[] lower() {
        return lower.clone();
    }

    public double[] upper() {
        return upper.clone();
    }

    public boolean contains(double[] x, double tolerance) {
        if (x.length != lower.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= lower[i] - tolerance && x[i] <= upper[i] + tolerance)) {
                return false;
            }
        }
        return true;
    }

    /** A one-line summary, e.g. {@code [0, 1]} or {@code per-element, within [-3.14, 1200]}. */
    public String describe() {
        double minL = Double.POSITIVE_INFINITY, maxU = Double.NEGATIVE_INFINITY;
        boolean uniform = true;
        for (int i = 0; i < lower.length; i++) {
            minL = Math.min(minL, lower[i]);
            maxU = Math.max(maxU, upper[i]);
            uniform &= lower[i] == lower[0] && upper[i] == upper[0];
        }
        return uniform ? "[" + fmt(lower[0]) + ", " + fmt(upper[0]) + "]"
                : "per-element, within [" + fmt(minL) + ", " + fmt(maxU) + "]";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
