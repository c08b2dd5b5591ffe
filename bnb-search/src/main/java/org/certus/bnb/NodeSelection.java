package org.certus.bnb;

/**
 * Which open node a worker takes next, and whether it keeps one of the children it just made (Timefold's node
 * orderings as plug-ins). Not thread-safe: {@link SearchWorkers} calls it under its lock.
 */
interface NodeSelection {
    void add(SearchNode node);

    /** The next node to branch, or null when none is open. */
    SearchNode poll();

    int size();

    /** The smallest bound among the open nodes (+∞ when none is open). */
    double minBound();

    /**
     * Of two children just bounded, the one the worker goes on with itself (depth first), or null to queue both.
     * The other one is queued.
     */
    SearchNode keepLocal(SearchNode a, SearchNode b);
}
