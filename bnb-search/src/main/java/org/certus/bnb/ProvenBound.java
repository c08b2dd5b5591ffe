package org.certus.bnb;

/**
 * The proven lower bound on the margin over the regions the search has closed: the smallest bound of a
 * pruned node (the verified bound when the search completes) and the smallest bound of a node that could
 * be neither pruned nor split (any such node makes a completed search undecided). Together with the open
 * nodes' bounds this is the bound a stopped search still proves.
 */
final class ProvenBound {
    private double pruned = Double.POSITIVE_INFINITY;
    private double undecided = Double.POSITIVE_INFINITY;

    /** A region closed with this proven bound. */
    synchronized void pruned(double bound) {
        pruned = Math.min(pruned, bound);
    }

    /** A region left undecided, with the bound it still proves. */
    synchronized void undecided(double bound) {
        undecided = Math.min(undecided, bound);
    }

    /** Whether some region was left undecided. */
    synchronized boolean anyUndecided() {
        return undecided < Double.POSITIVE_INFINITY;
    }

    /** The smallest bound over closed and undecided regions. */
    synchronized double value() {
        return Math.min(pruned, undecided);
    }
}
