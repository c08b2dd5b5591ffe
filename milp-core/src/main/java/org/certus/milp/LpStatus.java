package org.certus.milp;

/** Outcome of an LP solve. Only {@link #OPTIMAL} carries a meaningful objective value and solution. */
public enum LpStatus {
    /** An optimal basic solution was found (within the solver's tolerances). */
    OPTIMAL,
    /** The solver reports the constraints inconsistent with the bounds. Not a proof: see {@link SafeLpBound}. */
    INFEASIBLE,
    /** The objective is unbounded in the optimisation direction. */
    UNBOUNDED,
    /** An iteration or time limit was hit before optimality. */
    LIMIT,
    /** The solver failed (numerical trouble or internal error). */
    ERROR
}
