package org.certus.bnb;

import java.util.concurrent.atomic.AtomicReference;
import org.certus.bounds.ArithmeticModel;
import org.certus.nn.Float32Evaluation;

/**
 * The feasibility question: is some point of the region unsafe? A disjunct closes on a node once its bound
 * is positive; the first checked counterexample ends the search.
 */
final class FeasibilityGoal extends SearchGoal {
    private final SearchProblem problem;
    private final SearchLimits limits;
    private final AtomicReference<Counterexample> found = new AtomicReference<>();

    FeasibilityGoal(SearchProblem problem, SearchLimits limits) {
        this.problem = problem;
        this.limits = limits;
    }

    /** The first counterexample found, or null. */
    Counterexample counterexample() {
        return found.get();
    }

    @Override
    double pruneThreshold() {
        return 0.0;
    }

    /**
     * Checks the point in float32 too: counterexamples that exist only in the arithmetic ONNX runtimes use count
     * in sound mode (the bounds of {@link ArithmeticModel#FLOAT32} keep such points from being "verified" away).
     */
    @Override
    void offer(double[] x, double[] y, double margin) {
        VerificationQuery query = problem.query;
        if (margin > 0 && problem.options.arithmetic() != ArithmeticModel.FLOAT32) {
            // Real arithmetic counts only double violations: no float32 pass for a point that is safe in double. On
            // wk17a the candidates cost a seventh of the search's time (JFR, sample 3604), about half of it that pass.
            return;
        }
        double[] xf = Float32Evaluation.roundInto(x, query.inputLower(), query.inputUpper());
        double marginF = query.inBox(xf) ? query.margin(problem.float32.evaluate(xf)) : Double.POSITIVE_INFINITY;
        Counterexample ce = null;
        if (margin <= 0) {
            ce = new Counterexample(x, y, margin, marginF);
        } else if (marginF <= 0 && problem.options.arithmetic() == ArithmeticModel.FLOAT32) {
            // Only a float32 evaluation violates: a real witness for users who run the network in
            // float32, reported as such (validInDouble() is false). In REAL mode it does not count.
            double[] yf = query.network().evaluate(xf);
            ce = new Counterexample(xf, yf, query.margin(yf), marginF);
        }
        if (ce == null) {
            return;
        }
        if (found.compareAndSet(null, ce)) {
            limits.stop();
        }
    }

    @Override
    double attackStopAt() {
        return 0.0;
    }

    @Override
    boolean closesStaleNodes() {
        return false;
    }

    @Override
    boolean decidesExactLeaves() {
        return false;
    }

    @Override
    boolean leafBoundsWithSymbolic() {
        return false;
    }

    @Override
    void leaf(SearchNode node, double proven, boolean stopped, ProvenBound bound) {
        if (proven > 0) {
            bound.pruned(proven);
        } else {
            bound.undecided(node.bound);
        }
    }
}
