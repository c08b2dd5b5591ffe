package org.certus.encode;

/** What the encoded MILP optimises (MIPVerify's objectives). */
public enum EncodingObjective {
    /** Zero objective: is the unsafe output condition reachable at all? */
    FEASIBILITY,
    /** Minimise the L∞ distance {@code t ≥ |x − x0|} to the centre over inputs meeting the unsafe condition. */
    CLOSEST,
    /**
     * Maximise the margin {@code max over disjuncts of min over rows of (rhs − c·y)} over the input box
     * (no unsafe constraint): the property is violated iff the optimum is {@code >= 0}.
     */
    WORST
}
