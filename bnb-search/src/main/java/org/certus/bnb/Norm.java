package org.certus.bnb;

/** The norm in which a perturbation's size is measured. */
public enum Norm {
    /** The largest absolute difference of any coordinate. */
    LINF,
    /** The sum of the absolute differences. */
    L1,
    /** The Euclidean distance. */
    L2;

    /**
     * The distance between two points in this norm.
     *
     * @param a a point
     * @param b a point of the same length
     * @return {@code ‖a − b‖}
     */
    public double distance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double v = Math.abs(a[i] - b[i]);
            switch (this) {
                case LINF -> d = Math.max(d, v);
                case L1 -> d += v;
                case L2 -> d += v * v;
            }
        }
        return this == L2 ? Math.sqrt(d) : d;
    }
}
