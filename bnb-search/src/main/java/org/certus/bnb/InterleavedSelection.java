package org.certus.bnb;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Open nodes in two orders taken in turn: the lowest bound first (the order that raises the proven bound), and, every
 * {@link #EVERY}th time, the lowest {@link SearchNode#pointMargin} first (the node whose checked points came closest
 * to a violation).
 *
 * <p>For a goal whose threshold never moves (a feasibility question), the nodes a search must bound to prove a
 * property do not depend on the order it takes them in: every open node is split until it closes. The order only
 * decides how soon a violation is found, and there the bound misleads: a wide box's bound is low wherever the region
 * is, while a violating region a few 1e-5 wide (reach_prob_density's robot network) is found by following the points
 * that nearly violate. Taking the two orders in turn keeps most nodes on the best-first path, so the proven bound
 * of a search that runs out of time rises almost as it did.
 *
 * <p>A node taken through one order is marked in the other one's heap and skipped there when it comes up (its
 * reference dropped at once, so it holds no memory).
 */
final class InterleavedSelection implements NodeSelection {
    private static final class Entry {
        SearchNode node;
        final double bound;
        final double pointMargin;

        Entry(SearchNode node) {
            this.node = node;
            this.bound = node.bound;
            this.pointMargin = node.pointMargin;
        }
    }

    private final PriorityQueue<Entry> byBound = new PriorityQueue<>(Comparator.comparingDouble((Entry e) -> e.bound));
    private final PriorityQueue<Entry> byPoint = new PriorityQueue<>(
            Comparator.comparingDouble((Entry e) -> e.pointMargin).thenComparingDouble(e -> e.bound));
    /**
     * Every this many polls, one is the point order's. On reach_prob_density's nine sat instances (three runs each,
     * medians summed): best-first alone 26.7 s; every poll by points 31.1 s and erratic (12.8–46.0 s a run, a near miss
     * holds the search); every second 14.3 s, every third 11.4 s, every fifth 12.4 s.
     */
    static final int EVERY = 3;
    private int size;
    private long polls;

    @Override
    public void add(SearchNode node) {
        Entry e = new Entry(node);
        byBound.add(e);
        byPoint.add(e);
        size++;
    }

    @Override
    public SearchNode poll() {
        if (size == 0) {
            return null;
        }
        PriorityQueue<Entry> from = (polls++ % EVERY) == EVERY - 1 ? byPoint : byBound;
        Entry e = from.poll();
        while (e.node == null) {
            e = from.poll();
        }
        SearchNode n = e.node;
        e.node = null;
        size--;
        return n;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public double minBound() {
        Entry e = byBound.peek();
        while (e != null && e.node == null) {
            byBound.poll();
            e = byBound.peek();
        }
        return e == null ? Double.POSITIVE_INFINITY : e.bound;
    }

    @Override
    public SearchNode keepLocal(SearchNode a, SearchNode b) {
        return null;
    }
}
