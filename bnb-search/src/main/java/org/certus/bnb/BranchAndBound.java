package org.certus.bnb;

import org.certus.bounds.NetworkBounds;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.LoweringStopped;
import org.certus.nn.Network;

/**
 * The branch and bound's entry point: bound a node with symbolic propagation, prune it when every disjunct of
 * the unsafe set is proved empty on it, check the input vertices where the relaxation is tightest as
 * counterexamples, otherwise split (a ReLU's phase, or the input box) and bound the children. Several workers
 * share the open nodes, ordered best-first by bound; above {@link SearchOptions#maxOpenNodes()} a worker dives
 * into one child to cap memory.
 *
 * <p>The search is assembled from parts that do not know each other (Choco's strategies, Timefold's phases):
 * {@link NodeSelection} (which open node next), {@link Brancher} (where to split: one class per
 * {@link BrancherKind}, input splitting, the mixed rule), {@link NodeBounder} (symbolic and α,β bounds),
 * {@link IncumbentSearch} (attack, relaxation vertices, leaf LPs), {@link SearchLimits}, {@link SearchGoal}
 * (feasibility or the worst margin) and {@link SearchListener}s (logging is one); {@link SearchWorkers} owns the
 * threads and the queue. Every other part of Certus that searches — closest distortion, the root tightening's
 * per-neuron searches, sign searches — uses this class.
 *
 * <p>Soundness: a node is pruned only on a sound bound; a counterexample is reported only after an exact
 * forward pass of the original {@link Network} confirms it lies in the box and violates. A node that can be
 * neither pruned nor split (every ReLU fixed but the symbolic bound cannot see the split constraints, or an
 * input box too small to split) is kept as undecided: the answer is then {@link VerdictStatus#UNKNOWN}, never
 * {@code VERIFIED}.
 *
 * <p>One instance runs one search.
 */
public final class BranchAndBound {
    /**
     * How far (relative to {@code 1 + |margin|}) a double forward pass may undercut a proven bound before the
     * bracket counts as broken: in fast mode bounds cover real arithmetic only, and a double evaluation differs
     * from it by rounding (far below this).
     */
    static final double EVALUATION_SLACK = 1e-9;

    private final VerificationQuery query;
    private final SearchOptions options;
    private final SearchLimits limits;
    /** Null when lowering the network did not finish within the time limit (see {@link #notLowered}). */
    private final SearchProblem problem;
    private final long setupMillis;
    private NetworkBounds rootStart;
    private boolean nested;
    private int mixedMaxUnstable = MixedBrancher.MIXED_MAX_UNSTABLE;

    /**
     * A search of {@code query} with {@code options}.
     *
     * @param query   the network, the region and the unsafe set
     * @param options limits, threads, branching and bounding options, listener
     */
    public BranchAndBound(VerificationQuery query, SearchOptions options) {
        this.query = query;
        this.options = options;
        this.limits = new SearchLimits(options);
        long t0 = System.nanoTime();
        SearchProblem p;
        try {
            p = new SearchProblem(query, options, limits.outOfTimeCheck());
        } catch (LoweringStopped e) {
            p = null; // the time ran out (or a cancel came) while lowering: run() reports it, nothing was searched
        }
        this.problem = p;
        // The time limit covers the setup too (lowering a large graph takes seconds): run() starts its clock this much
        // before it is called.
        this.setupMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** Statistics of a search whose network could not be lowered within its limit: nothing searched. */
    private SearchStatistics notLowered() {
        return new SearchStatistics(0, 0, 0, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0, setupMillis, 0);
    }

    /**
     * Starts the root from these hidden-layer bounds (sound for the query's box, e.g. tightened ones; only the
     * outputs are propagated again) instead of propagating symbolically.
     *
     * @param bounds bounds of every ReLU layer of the query's network over its box
     * @return this search
     */
    public BranchAndBound startingFrom(NetworkBounds bounds) {
        if (problem == null) {
            return this;
        }
        if (bounds.reluLayerCount() != problem.chain.reluLayerCount()) {
            throw new IllegalArgumentException("start bounds for " + bounds.reluLayerCount() + " ReLU layers, the network has "
                    + problem.chain.reluLayerCount());
        }
        this.rootStart = bounds;
        return this;
    }

    /**
     * Marks this search as one of many inside a larger job (a neuron's bound, a sign search): its stages are
     * logged at trace level, not info, and the options' listener is not told.
     *
     * @return this search
     */
    public BranchAndBound nested() {
        this.nested = true;
        return this;
    }

    /** Tests: the unstable-ReLU count below which input-split nodes split ReLUs (−1: never). */
    BranchAndBound withMixedMaxUnstable(int n) {
        this.mixedMaxUnstable = n;
        return this;
    }

    private SearchListener listener() {
        SearchLog log = new SearchLog(nested);
        return nested ? log : SearchListener.both(log, options.listener());
    }

    /**
     * Decides the query: is some point of the region unsafe?
     *
     * @return verified (with the proven bound), falsified (with a checked counterexample), timeout or unknown
     */
    public Verdict run() {
        if (problem == null) {
            // Out of time (or cancelled) while lowering: a timeout, or unknown when cancelled, as for a search.
            Verdict v = options.cancel().isCancelled() ? Verdict.unknown(Double.NEGATIVE_INFINITY, notLowered())
                    : Verdict.timeout(Double.NEGATIVE_INFINITY, notLowered());
            listener().finished(v);
            return v;
        }
        FeasibilityGoal goal = new FeasibilityGoal(problem, limits);
        SearchListener listener = listener();
        Search search = new Search(problem, limits, goal, listener, rootStart, mixedMaxUnstable);
        SearchStatistics stats = search.run(System.nanoTime() - setupMillis * 1_000_000);
        double finalBound = stats.finalBound();
        Counterexample ce = goal.counterexample();
        Verdict v;
        if (ce != null) {
            v = Verdict.falsified(ce, stats);
        } else if (search.limitHit()) {
            v = Verdict.timeout(finalBound, stats);
        } else if (options.cancel().isCancelled() || search.undecided()) {
            v = Verdict.unknown(finalBound, stats);
        } else {
            v = Verdict.verified(finalBound, stats);
        }
        listener.finished(v);
        return v;
    }

    /**
     * MIPVerify's {@code worst} objective on the query: the largest adversarial margin
     * {@code max_x −query.margin(y(x))} over the region (see {@link WorstCaseMargin}). One best-first search
     * minimises the violation margin: a region point's exactly checked margin is the incumbent, and a node's
     * disjunct is closed once its proven bound is within {@code tolerance} of it, so the search ends when the
     * proven bound and the incumbent are within the tolerance, or at a limit. The sign is decided whenever the
     * search completes: nodes whose bound is still {@code <= 0} are not closed before a violating point is known.
     *
     * @param tolerance    stop when the bounds are this close, finite and {@code >= 0}
     * @param signSuffices while no violating point is known, close a disjunct as soon as its bound is positive
     *                     (the search then proves the sign, not the margin to within the tolerance)
     * @return bounds on the largest adversarial margin, with the example attaining the lower one
     */
    public WorstCaseMargin minimizeMargin(double tolerance, boolean signSuffices) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
        if (problem == null) {
            WorstCaseMargin w = new WorstCaseMargin(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null, false, true, notLowered());
            listener().finished(w);
            return w;
        }
        MarginGoal goal = new MarginGoal(tolerance, signSuffices);
        SearchListener listener = listener();
        Search search = new Search(problem, limits, goal, listener, rootStart, mixedMaxUnstable);
        SearchStatistics stats = search.run(System.nanoTime() - setupMillis * 1_000_000);
        double lower = search.globalBound();
        boolean limitReached = search.limitHit() || options.cancel().isCancelled();
        Counterexample best = null;
        double[] x = goal.incumbentInput();
        if (x != null) {
            double[] y = query.network().evaluate(x);
            double[] xf = Float32Evaluation.roundInto(x, query.inputLower(), query.inputUpper());
            double marginF = query.inBox(xf) ? query.margin(problem.float32.evaluate(xf)) : Double.POSITIVE_INFINITY;
            best = new Counterexample(x, y, query.margin(y), marginF);
        }
        double upper = best == null ? Double.POSITIVE_INFINITY : best.margin();
        // Soundness of the bracket: the incumbent lies in the region, so no sound bound can exceed it
        // (beyond the rounding of a double evaluation against real-arithmetic bounds in fast mode).
        if (lower > upper) {
            if (lower - upper > EVALUATION_SLACK * (1 + Math.abs(upper))) {
                throw new SearchFailedException("the proven margin bound " + lower + " exceeds the margin " + upper
                        + " of a region point: the bounds are unsound (please report it)", null);
            }
            lower = upper;
        }
        // Negation is exact: bounds on the violation margin become bounds on the adversarial margin.
        WorstCaseMargin w = new WorstCaseMargin(-upper, -lower, best, upper - lower <= tolerance, limitReached, stats);
        listener.finished(w);
        return w;
    }

    /**
     * {@link #minimizeMargin(double, boolean)} of a new search, without the sign shortcut.
     *
     * @param query     the network, the region and the unsafe set
     * @param options   limits, threads and the other options
     * @param tolerance stop when the bounds are this close, finite and {@code >= 0}
     * @return bounds on the largest adversarial margin, with the example attaining the lower one
     */
    public static WorstCaseMargin worstMargin(VerificationQuery query, SearchOptions options, double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
        return new BranchAndBound(query, options).minimizeMargin(tolerance, false);
    }
}
