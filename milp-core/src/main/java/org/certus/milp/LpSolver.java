package org.certus.milp;

/**
 * An LP relaxation of one {@link Model} (binaries relaxed to [0, 1]) that is re-solved many times
 * with changed variable bounds or objective. Changing bounds and calling {@link #solve()} again is the
 * intended path: implementations re-solve warm from the previous basis where they can.
 *
 * <p><b>Thread confinement:</b> an instance is stateful and not thread-safe; use one solver per thread
 * ({@link #copy()} makes an independent one). The {@link Model} itself is immutable and shareable.
 */
public interface LpSolver {

    /** The model this relaxation was created for (its bounds and objective are the initial ones). */
    Model model();

    /** Solves the LP with the current bounds and objective. */
    LpResult solve();

    /**
     * Sets the bounds of variable {@code j} for subsequent solves (binaries: any sub-interval of [0, 1]
     * is allowed, including fixing to 0 or 1). Cheap; the next {@link #solve()} re-solves warm.
     *
     * @throws MilpException on a bad index, NaN or {@code lo > hi}
     */
    void setVariableBounds(int j, double lo, double hi);

    /** Current lower bound of variable {@code j} (after relaxation and any {@link #setVariableBounds}). */
    double variableLower(int j);

    /** Current upper bound of variable {@code j}. */
    double variableUpper(int j);

    /**
     * Replaces the objective by {@code sense: sum_k coef[k] * x[idx[k]]} (no constant) for subsequent
     * solves. Whether this keeps the warm start is implementation-specific; see the implementation.
     */
    void setObjective(int[] idx, double[] coef, Sense sense);

    /** Restores all variable bounds of the model (relaxed), keeping the current objective. */
    void resetBounds();

    /**
     * Limits the wall time of each subsequent {@link #solve()} (0 = none); a solve that runs out
     * returns {@link LpStatus#LIMIT} or {@link LpStatus#ERROR}, never a wrong optimum. Lets a caller
     * with a deadline (the branch-and-bound) honour it even inside one long LP.
     */
    void setTimeLimit(long millis);

    /** An independent solver with the same current bounds and objective; starts cold. */
    LpSolver copy();
}
