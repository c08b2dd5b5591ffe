package org.certus.bnb;

import org.certus.tighten.Tightening;

/**
 * Observes a search without the search knowing who listens (Choco's search monitors): its stages, its progress
 * every few seconds and its result. Logging is one listener ({@code org.certus.bnb.BranchAndBound}'s SLF4J
 * logger, always attached); a progress bar or a statistics collector is another
 * ({@link SearchOptions#withListener}). Calls come from the thread that runs the search, never from a worker, so
 * a listener needs no locking of its own; it must return quickly, and an exception it throws fails the search.
 * Every method does nothing by default.
 */
public interface SearchListener {
    /** A listener that ignores everything. */
    SearchListener NONE = new SearchListener() {
    };

    /**
     * The search starts.
     *
     * @param start what is searched and how
     */
    default void started(SearchStart start) {
    }

    /**
     * The root's hidden-layer bounds were tightened beyond symbolic propagation.
     *
     * @param kind           LP or MIP strength
     * @param unstableBefore unstable ReLUs before
     * @param unstableAfter  unstable ReLUs after
     * @param bound          the root's proven bound afterwards
     * @param millis         time the tightening took
     */
    default void rootTightened(Tightening kind, long unstableBefore, long unstableAfter, double bound, long millis) {
    }

    /**
     * The root is bounded (after any tightening): branching starts unless it is already decided.
     *
     * @param bound              the proven lower bound on the violation margin at the root
     * @param unstable           ReLUs the root bounds leave unstable
     * @param counterexampleFound whether a counterexample is known already
     * @param millis             time since the search started
     */
    default void rootBounded(double bound, long unstable, boolean counterexampleFound, long millis) {
    }

    /**
     * The attack (PGD) after the root bounds ended.
     *
     * @param found  whether it found a counterexample
     * @param millis time it took
     */
    default void attackFinished(boolean found, long millis) {
    }

    /**
     * Every {@code 5} s while branching.
     *
     * @param progress nodes, open nodes, proven bound and elapsed time
     */
    default void progress(SearchProgress progress) {
    }

    /**
     * A feasibility search ended.
     *
     * @param verdict its verdict, with statistics
     */
    default void finished(Verdict verdict) {
    }

    /**
     * A worst-margin search ended.
     *
     * @param margin its bounds, with statistics
     */
    default void finished(WorstCaseMargin margin) {
    }

    /**
     * One bisection step of the closest-distortion search ended.
     *
     * @param radius the radius searched
     * @param status what the search at that radius decided
     * @param nodes  nodes it took
     */
    default void closestStep(double radius, VerdictStatus status, long nodes) {
    }

    /**
     * Both listeners, {@code first} first.
     *
     * @param first  a listener
     * @param second another
     * @return a listener telling both
     */
    static SearchListener both(SearchListener first, SearchListener second) {
        if (first == NONE) {
            return second;
        }
        if (second == NONE) {
            return first;
        }
        return new SearchListener() {
            @Override
            public void started(SearchStart s) {
                first.started(s);
                second.started(s);
            }

            @Override
            public void rootTightened(Tightening kind, long before, long after, double bound, long millis) {
                first.rootTightened(kind, before, after, bound, millis);
                second.rootTightened(kind, before, after, bound, millis);
            }

            @Override
            public void rootBounded(double bound, long unstable, boolean found, long millis) {
                first.rootBounded(bound, unstable, found, millis);
                second.rootBounded(bound, unstable, found, millis);
            }

            @Override
            public void attackFinished(boolean found, long millis) {
                first.attackFinished(found, millis);
                second.attackFinished(found, millis);
            }

            @Override
            public void progress(SearchProgress p) {
                first.progress(p);
                second.progress(p);
            }

            @Override
            public void finished(Verdict v) {
                first.finished(v);
                second.finished(v);
            }

            @Override
            public void finished(WorstCaseMargin w) {
                first.finished(w);
                second.finished(w);
            }

            @Override
            public void closestStep(double radius, VerdictStatus status, long nodes) {
                first.closestStep(radius, status, nodes);
                second.closestStep(radius, status, nodes);
            }
        };
    }
}
