package org.certus.milp;

/** Direction of optimisation of a linear objective. */
public enum Sense {
    MINIMIZE,
    MAXIMIZE;

    /** {@code +1} for {@link #MINIMIZE}, {@code -1} for {@link #MAXIMIZE}: multiply to get the minimisation form. */
    public double sign() {
        return this == MINIMIZE ? 1.0 : -1.0;
    }
}
