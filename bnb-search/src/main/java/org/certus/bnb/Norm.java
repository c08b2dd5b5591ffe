package org.certus.bnb;

/** The norm in which a perturbation's size is measured. */
public enum Norm {
    LINF,
    L1;

    public double distance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double v = Math.abs(a[i] - b[i]);
            d = this == LINF ? Math.max(d, v) : d + v;
        }
        return d;
    }
}
