package org.certus.bnb;

/** The norm in which a perturbation's size is measured. */
public enum Norm {
    LINF,
    L1,
    L2;

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
