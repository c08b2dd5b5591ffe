package org.certus.bnb;

/**
 * A memory cap on another selection: above {@code cap} open nodes, a worker keeps the lower-bounded of its two
 * children and dives into it depth-first instead of queueing both.
 */
final class DiveAboveCap implements NodeSelection {
    private final NodeSelection inner;
    /** Lowered at most once, before the workers start ({@link #lowerCap}); read under the workers' lock. */
    private int cap;

    DiveAboveCap(NodeSelection inner, int cap) {
        this.inner = inner;
        this.cap = cap;
    }

    /** Lowers the cap to {@code limit} (never raises it): the memory a node takes is known only once the root is bounded. */
    void lowerCap(int limit) {
        cap = Math.min(cap, limit);
    }

    int cap() {
        return cap;
    }

    @Override
    public void add(SearchNode node) {
        inner.add(node);
    }

    @Override
    public SearchNode poll() {
        return inner.poll();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public double minBound() {
        return inner.minBound();
    }

    @Override
    public SearchNode keepLocal(SearchNode a, SearchNode b) {
        SearchNode kept = inner.keepLocal(a, b);
        if (kept != null || inner.size() <= cap) {
            return kept;
        }
        return a.bound <= b.bound ? a : b;
    }
}
