package org.certus.bnb;

/**
 * What a search did: nodes bounded, LPs solved, deepest node, time in each phase, and the bound at
 * the root. Immutable snapshot.
 */
public record SearchStatistics(long nodes, long lps, int maxDepth, double rootBound, double finalBound,
                               long attackMillis, long boundMillis, long totalMillis, long unstableAtRoot) {
    @Override
    public String toString() {
        return String.format("nodes=%d lps=%d depth=%d root=%.4g bound=%.4g unstable=%d time=%dms (attack %dms, bounds %dms)",
                nodes, lps, maxDepth, rootBound, finalBound, unstableAtRoot, totalMillis, attackMillis, boundMillis);
    }
}
