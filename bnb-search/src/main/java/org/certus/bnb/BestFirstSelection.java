package org.certus.bnb;

import java.util.Comparator;
import java.util.PriorityQueue;

/** Open nodes best-first: the lowest proven bound (the node most likely to hold a violation) is branched next. */
final class BestFirstSelection implements NodeSelection {
    private final PriorityQueue<SearchNode> open = new PriorityQueue<>(Comparator.comparingDouble((SearchNode n) -> n.bound));

    @Override
    public void add(SearchNode node) {
        open.add(node);
    }

    @Override
    public SearchNode poll() {
        return open.poll();
    }

    @Override
    public int size() {
        return open.size();
    }

    @Override
    public double minBound() {
        SearchNode first = open.peek();
        return first == null ? Double.POSITIVE_INFINITY : first.bound;
    }

    @Override
    public SearchNode keepLocal(SearchNode a, SearchNode b) {
        return null;
    }
}
