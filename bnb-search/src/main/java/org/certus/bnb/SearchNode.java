package org.certus.bnb;

import org.certus.bounds.AlphaBetaStart;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;

/**
 * A node of the search: a box and a set of ReLU phase splits, already bounded. Immutable once built
 * (its arrays are never written after {@link NodeBounder} returns it), so workers and branching rules
 * read it without locks.
 */
final class SearchNode {
    final double[] lo;
    final double[] hi;
    final ReluSplits splits;
    final NetworkBounds bounds;
    /** Per disjunct of the query: still open on this node (closed ones are proved empty here). */
    final boolean[] openDisjuncts;
    /** The node's value for node selection: the smallest bound among its open disjuncts (+∞: nothing left open). */
    final double bound;
    final int depth;
    /** BaBSR scores of every ReLU, per layer (from the node's back-substitution). */
    final double[][] reluScores;
    /** Input-split scores per input dimension. */
    final double[] inputScores;
    /** Proven lower bound on the margin over this node (all disjuncts open at the parent). */
    final double proven;
    /** Proven lower bound of each objective row on this node (children inherit them). */
    final double[] rowLower;
    /** Per objective row, the α,β its last optimisation on this branch ended with (null: none yet). */
    final AlphaBetaStart[] starts;
    /**
     * The smallest margin, in double arithmetic, of the candidate points checked on this node (+∞: none): an upper
     * estimate of the node's minimum, which ranks nodes by how close they come to a violation.
     */
    final double pointMargin;

    SearchNode(double[] lo, double[] hi, ReluSplits splits, NetworkBounds bounds, boolean[] openDisjuncts, double bound, int depth,
               double[][] reluScores, double[] inputScores, double proven, double[] rowLower, AlphaBetaStart[] starts,
               double pointMargin) {
        this.lo = lo;
        this.hi = hi;
        this.splits = splits;
        this.bounds = bounds;
        this.openDisjuncts = openDisjuncts;
        this.bound = bound;
        this.depth = depth;
        this.reluScores = reluScores;
        this.inputScores = inputScores;
        this.proven = proven;
        this.rowLower = rowLower;
        this.starts = starts;
        this.pointMargin = pointMargin;
    }
}
