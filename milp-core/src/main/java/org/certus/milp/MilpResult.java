package org.certus.milp;

import java.util.Arrays;

/**
 * Outcome of one {@link BinaryBranchAndBound} search.
 *
 * @param status         how the search ended
 * @param provenBound    a rigorous bound on the MILP optimum of the objective (no constant) in the
 *                       search's sense — an upper bound when maximising, a lower bound when minimising —
 *                       certified by {@link SafeLpBound} on every node it rests on. {@code -∞} (max) or
 *                       {@code +∞} (min) means the MILP was certified infeasible; {@code +∞} (max) or
 *                       {@code -∞} (min) that nothing could be proved
 * @param incumbent      the best solution found whose binaries the LP put within
 *                       {@link BinaryBranchAndBound#INTEGRALITY_TOLERANCE} of 0 or 1, or {@code null};
 *                       the solver's word, not re-checked
 * @param incumbentValue its objective value (NaN without one)
 * @param nodes          branch-and-bound nodes whose LP was solved
 * @param uncertifiedNodes nodes closed on their parent's bound because their LP failed, ran out of time
 *                       or said "infeasible" without a certificate
 */
public record MilpResult(MilpStatus status, double provenBound, double[] incumbent, double incumbentValue, long nodes,
                         long uncertifiedNodes) {

    public boolean hasIncumbent() {
        return incumbent != null;
    }

    @Override
    public String toString() {
        return "MilpResult[status=" + status + ", provenBound=" + provenBound + ", incumbent=" + Arrays.toString(incumbent)
                + ", incumbentValue=" + incumbentValue + ", nodes=" + nodes + ", uncertifiedNodes=" + uncertifiedNodes + "]";
    }
}
