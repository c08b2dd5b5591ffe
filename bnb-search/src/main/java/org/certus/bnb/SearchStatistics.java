package org.certus.bnb;

/**
 * What a search did: nodes bounded, LPs solved, deepest node, time in each phase, and the bound at
 * the root. Immutable snapshot.
 *
 * @param nodes          branch-and-bound nodes bounded
 * @param lps            LPs solved (leaves whose ReLUs are all fixed, root tightening)
 * @param maxDepth       depth of the deepest node
 * @param rootBound      the proven lower bound on the violation margin at the root
 * @param finalBound     the proven lower bound when the search ended
 * @param attackMillis   time spent in attacks (PGD), milliseconds
 * @param boundMillis    time spent bounding nodes, milliseconds
 * @param totalMillis    wall time of the search, milliseconds
 * @param unstableAtRoot ReLUs the root bounds leave unstable
 */
public record SearchStatistics(long nodes, long lps, int maxDepth, double rootBound, double finalBound,
                               long attackMillis, long boundMillis, long totalMillis, long unstableAtRoot) {
    @Override
    public String toString() {
        return String.format("nodes=%d lps=%d depth=%d root=%.4g bound=%.4g unstable=%d time=%dms (attack %dms, bounds %dms)",
                nodes, lps, maxDepth, rootBound, finalBound, unstableAtRoot, totalMillis, attackMillis, boundMillis);
    }
}
