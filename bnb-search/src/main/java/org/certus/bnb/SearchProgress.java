package org.certus.bnb;

/**
 * A running search's progress, as its listeners see it every few seconds. Immutable snapshot.
 *
 * @param nodes         nodes bounded so far
 * @param openNodes     nodes waiting to be branched
 * @param provenBound   the proven lower bound on the violation margin so far
 * @param elapsedMillis time since branching started
 */
public record SearchProgress(long nodes, int openNodes, double provenBound, long elapsedMillis) {
}
