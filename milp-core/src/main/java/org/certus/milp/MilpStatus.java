package org.certus.milp;

/** How a {@link BinaryBranchAndBound} search ended. */
public enum MilpStatus {
    /** Every node was closed: the proven bound is the optimum up to the search's gap tolerance. */
    OPTIMAL,
    /** Every node was closed and every one of them was certified infeasible: the MILP has no solution. */
    INFEASIBLE,
    /** The proven bound reached the caller's "good enough" threshold before the search finished. */
    THRESHOLD,
    /**
     * A time or node limit stopped the search, or some node's LP could not be solved or certified (it
     * kept its parent's bound): the proven bound is valid but may not be tight.
     */
    LIMIT
}
