package org.certus.bnb;

/**
 * MIPVerify's {@code worst} objective as a search goal: minimise the violation margin over the region. A region
 * point's exactly checked margin is the incumbent, and a disjunct closes on a node once its proven bound is
 * within the tolerance of it; while no violating point is known a bound {@code <= 0} stays open, so that a
 * completed search also decides the sign.
 */
final class MarginGoal extends SearchGoal {
    private final double tolerance;
    /**
     * For a caller that only needs the sign while no violating point is known (the root tightening's per-neuron
     * searches: a neuron proved stable has no relaxation, so how far below zero it stays does not matter):
     * disjuncts then close at 0 instead of within the tolerance of the incumbent.
     */
    private final boolean signSuffices;
    /** The smallest double-precision margin of any checked region point so far. */
    private volatile double incumbent = Double.POSITIVE_INFINITY;
    private double[] incumbentInput;

    MarginGoal(double tolerance, boolean signSuffices) {
        this.tolerance = tolerance;
        this.signSuffices = signSuffices;
    }

    double tolerance() {
        return tolerance;
    }

    /** The region point with the smallest margin found, or null. */
    synchronized double[] incumbentInput() {
        return incumbentInput;
    }

    /**
     * The incumbent minus the tolerance (no point of the node can improve on it by more), but while no violating
     * point is known at least 0 ({@link #signSuffices}: exactly 0 then).
     */
    @Override
    double pruneThreshold() {
        double inc = incumbent;
        double t = inc - tolerance;
        if (inc > 0) {
            return signSuffices ? 0.0 : Math.max(t, 0.0);
        }
        return t;
    }

    /** The incumbent is the double-precision margin (float32 is evaluated for the final example only); never stops the search. */
    @Override
    void offer(double[] x, double[] y, double margin) {
        synchronized (this) {
            if (margin < incumbent) {
                incumbent = margin;
                incumbentInput = x.clone();
            }
        }
    }

    @Override
    double attackStopAt() {
        return Double.NEGATIVE_INFINITY;
    }

    @Override
    boolean closesStaleNodes() {
        return true;
    }

    @Override
    boolean decidesExactLeaves() {
        return true;
    }

    @Override
    boolean leafBoundsWithSymbolic() {
        return true;
    }

    /** Whatever the LPs proved is a valid bound of this leaf; the gap it leaves shows in the result. */
    @Override
    void leaf(SearchNode node, double proven, boolean stopped, ProvenBound bound) {
        if (!stopped) {
            bound.pruned(proven);
        } else {
            bound.undecided(node.bound);
        }
    }
}
