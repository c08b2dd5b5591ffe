package org.certus.milp;

/**
 * Immutable outcome of one LP solve.
 *
 * <p>Sign conventions, for either {@link Sense}: with {@code c} the objective coefficients as given
 * (in the problem's own sense), the row duals {@code y} and reduced costs {@code r} satisfy
 * {@code r = c - Aᵀy} (up to solver round-off). For a minimisation, {@code y[i] > 0} means row
 * {@code i} is active at its lower side; for a maximisation, at its upper side. These are exactly the
 * duals {@link SafeLpBound} expects for the minimisation form (negate both for a maximisation).
 *
 * <p>Arrays are copied on the way in and out; use the indexed accessors in loops.
 */
public final class LpResult {

    private static final double[] EMPTY = new double[0];

    private final LpStatus status;
    private final double objectiveValue;
    private final double[] primal;
    private final double[] rowDuals;
    private final double[] reducedCosts;

    /**
     * @param objectiveValue objective including the constant, in the problem's sense; NaN unless OPTIMAL
     * @param primal variable values, or {@code null} when not available
     * @param rowDuals one per model constraint, or {@code null}
     * @param reducedCosts one per variable, or {@code null}
     */
    public LpResult(LpStatus status, double objectiveValue, double[] primal, double[] rowDuals, double[] reducedCosts) {
        if (status == null) {
            throw new MilpException("LpResult: status must not be null");
        }
        this.status = status;
        this.objectiveValue = objectiveValue;
        this.primal = primal == null ? null : primal.clone();
        // Duals with a NaN or an infinity certify nothing (SafeLpBound refuses them): ojAlgo 57 returned
        // one on mnist-wk17a sample 8871's LP tightening. Reporting "no duals" makes every certifying
        // caller keep its previous bound instead of failing.
        this.rowDuals = rowDuals == null || !allFinite(rowDuals) ? null : rowDuals.clone();
        this.reducedCosts = reducedCosts == null ? null : reducedCosts.clone();
    }

    public LpStatus status() {
        return status;
    }

    public boolean isOptimal() {
        return status == LpStatus.OPTIMAL;
    }

    /** Objective value including the model constant, in the problem's sense; NaN unless {@link #isOptimal()}. */
    public double objectiveValue() {
        return objectiveValue;
    }

    public boolean hasPrimal() {
        return primal != null;
    }

    public boolean hasDuals() {
        return rowDuals != null;
    }

    /** Copy of the primal solution; empty if not available. */
    public double[] primal() {
        return primal == null ? EMPTY : primal.clone();
    }

    public double primal(int j) {
        return primal[j];
    }

    /** Copy of the row duals (one per model constraint); empty if not available. */
    public double[] rowDuals() {
        return rowDuals == null ? EMPTY : rowDuals.clone();
    }

    public double rowDual(int i) {
        return rowDuals[i];
    }

    /** Copy of the reduced costs (one per variable); empty if not available. */
    public double[] reducedCosts() {
        return reducedCosts == null ? EMPTY : reducedCosts.clone();
    }

    public double reducedCost(int j) {
        return reducedCosts[j];
    }

    @Override
    public String toString() {
        return "LpResult[" + status + (isOptimal() ? ", objective=" + objectiveValue : "") + "]";
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
