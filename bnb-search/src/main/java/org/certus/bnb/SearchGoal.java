package org.certus.bnb;

/**
 * What a search is after (Choco's objective manager): the first violating point of the region
 * ({@link FeasibilityGoal}), or the smallest violation margin to within a tolerance ({@link MarginGoal}). The goal
 * decides when a disjunct is closed on a node, what an exactly checked region point means, and what a leaf
 * that cannot be split proves; the rest of the search does not know which goal it serves.
 */
abstract class SearchGoal {
    /** A disjunct whose proven bound on a node exceeds this is closed there; it only ever falls. */
    abstract double pruneThreshold();

    /** A point of the region with its double-precision outputs and margin (both exact forward passes). */
    abstract void offer(double[] x, double[] y, double margin);

    /** Where the attack may stop descending: 0 when any violation will do, −∞ when the margin is minimised. */
    abstract double attackStopAt();

    /** Whether a queued node whose bound no longer beats the threshold is closed when taken (the incumbent improved meanwhile). */
    abstract boolean closesStaleNodes();

    /** Whether a node whose unstable ReLUs are all split is decided by its exact LP before the box is split further. */
    abstract boolean decidesExactLeaves();

    /** Whether the leaf LP's bound is raised to the node's symbolic row bounds. */
    abstract boolean leafBoundsWithSymbolic();

    /**
     * A node that cannot be split further, with {@code proven} its leaf LPs' bound: what it adds to the proven
     * bound. {@code stopped}: the search was stopping while the LPs ran.
     */
    abstract void leaf(SearchNode node, double proven, boolean stopped, ProvenBound bound);
}
