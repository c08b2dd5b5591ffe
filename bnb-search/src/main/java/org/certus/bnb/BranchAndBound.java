package org.certus.bnb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.certus.bounds.AlphaBetaStart;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.LinearBounds;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branch-and-bound: bound a node with symbolic propagation, prune it when every disjunct of
 * the unsafe set is proved empty on it, check the input vertices where the relaxation is tightest as
 * counterexamples, otherwise split (a ReLU's phase, or the input box) and bound the children.
 * Several workers share the open nodes, ordered best-first by bound; above
 * {@link SearchOptions#maxOpenNodes()} a worker dives into one child to cap memory.
 *
 * <p>Soundness: a node is pruned only on a sound bound; a counterexample is reported only after an
 * exact forward pass of the original {@link Network} confirms it lies in the box and violates.
 * A node that can be neither pruned nor split (every ReLU fixed but the symbolic bound cannot see
 * the split constraints, or an input box too small to split) is kept as undecided: the answer is
 * then {@link VerdictStatus#UNKNOWN}, never {@code VERIFIED}.
 */
public final class BranchAndBound {
    /**
     * How far (relative to {@code 1 + |margin|}) a double forward pass may undercut a proven bound
     * before the bracket counts as broken: in fast mode bounds cover real arithmetic only, and a
     * double evaluation differs from it by rounding (far below this).
     */
    static final double EVALUATION_SLACK = 1e-9;

    /** Input boxes narrower than this (relative to the root box) are not split further. */
    static final double MIN_INPUT_SPLIT_FRACTION = 1e-9;
    /**
     * Input-split nodes with at most this many unstable ReLUs split a ReLU instead (with α,β bounds),
     * falling back to the input when none is left to split. Where the margin is tiny over a large
     * region (ACAS Xu prop_2, networks 3_3 and 4_2: thousands of open boxes at −0.004…0, each with
     * 5–25 unstable ReLUs) bisecting the input only shrinks the relaxation gap slowly, while fixing
     * those few ReLUs removes it. 16 settled 3_3 prop_2 within the limit; 8 did not, and 28 or 50
     * spent the time on ReLU splits of larger boxes (measured on the loaded 2-core machine).
     */
    static final int MIXED_MAX_UNSTABLE = 16;

    private final VerificationQuery query;
    private final SearchOptions options;
    private final ReluChain chain;
    private final SymbolicPropagator propagator;
    private final org.certus.nn.Float32Evaluation float32;
    private final org.certus.bounds.AlphaBetaOptimizer optimizer;
    private final AffineMap objective;
    private final int[] disjunctStart;
    private final boolean inputSplit;

    /** Stages at info (root, tightening, verdict) and debug (attack), progress at info every {@link #PROGRESS_INTERVAL_MS}. */
    private static final Logger LOG = LoggerFactory.getLogger(BranchAndBound.class);
    /** How often a running search reports its progress (nodes, open nodes, proven bound) at info level. */
    static final long PROGRESS_INTERVAL_MS = 5_000;

    private final Object lock = new Object();
    private final PriorityQueue<Node> open = new PriorityQueue<>(Comparator.comparingDouble((Node n) -> n.bound));
    private int active;
    private volatile boolean stop;
    private final AtomicReference<Counterexample> found = new AtomicReference<>();
    /** The first exception of any worker: the search then fails loudly, it never proves anything. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong nodes = new AtomicLong();
    private final AtomicLong lps = new AtomicLong();
    private final AtomicLong boundNanos = new AtomicLong();
    private volatile int maxDepth;
    private volatile double undecidedBound = Double.POSITIVE_INFINITY;
    /** The smallest proven margin over pruned nodes: the verified bound when the search completes. */
    private double prunedBound = Double.POSITIVE_INFINITY;
    private volatile boolean limitHit;
    private long deadline;
    private int mixedMaxUnstable = MIXED_MAX_UNSTABLE;
    /** Sound bounds of every ReLU layer over the query's box to start the root from (null: the engine's own). */
    private NetworkBounds rootStart;

    /**
     * Worst-margin mode ({@link #worstMargin}): NaN for the feasibility search. Otherwise the
     * search minimises the violation margin instead of stopping at the first violation, and prunes a
     * disjunct on a node once its proven bound exceeds {@link #pruneThreshold()}.
     */
    private final double optimalityTolerance;
    /**
     * Worst-margin mode for a caller that only needs the sign while no violating point is known (the root
     * tightening's per-neuron searches: a neuron proved stable has no relaxation, so how far below zero
     * it stays does not matter): disjuncts then close at 0 instead of within the tolerance of the incumbent.
     */
    private final boolean signSuffices;
    /** Worst-margin mode: the smallest double-precision margin of any checked region point so far. */
    private volatile double incumbent = Double.POSITIVE_INFINITY;
    /** Set by {@link #nested()}. */
    private boolean nested;
    private double[] incumbentInput;

    public BranchAndBound(VerificationQuery query, SearchOptions options) {
        this(query, options, Double.NaN, false);
    }

    private BranchAndBound(VerificationQuery query, SearchOptions options, double optimalityTolerance, boolean signSuffices) {
        this.optimalityTolerance = optimalityTolerance;
        this.signSuffices = signSuffices;
        this.query = query;
        this.options = options;
        this.chain = ReluChain.of(query.network(), query.inputLower(), query.inputUpper());
        // Row-parallel bounds only when the caller allows several threads (Spark tasks ask for one).
        // Linear input constraints (e.g. a blur kernel's sum) tighten every concretisation to the input.
        // Bounding a node of a large network takes seconds: the time limit and a cancel reach inside it.
        java.util.function.BooleanSupplier outOfTime = () -> stop || System.nanoTime() > deadline || options.cancel().isCancelled();
        // Only the outputs the property reads are back-substituted at the last layer.
        boolean[] outputsRead = new boolean[query.network().outputSize()];
        for (AffineMap d : query.disjuncts()) {
            for (int c : d.colIndex()) {
                outputsRead[c] = true;
            }
        }
        this.propagator = new SymbolicPropagator(options.threads() > 1, query.ball(), options.arithmetic(),
                org.certus.bounds.InputConstraints.of(query.inputConstraints())).withStop(outOfTime).withOutputRows(outputsRead);
        this.float32 = new org.certus.nn.Float32Evaluation(query.network());
        this.optimizer = new org.certus.bounds.AlphaBetaOptimizer(options.arithmetic(), outOfTime);
        List<AffineMap> ds = query.disjuncts();
        this.disjunctStart = new int[ds.size() + 1];
        int rows = 0;
        for (int d = 0; d < ds.size(); d++) {
            disjunctStart[d] = rows;
            rows += ds.get(d).rows();
        }
        disjunctStart[ds.size()] = rows;
        this.objective = AffineMap.stack(ds, query.network().outputSize());
        // A norm-ball region is not a box: bisecting its bounding box would not shrink it, so split ReLUs.
        this.inputSplit = query.ball() == null && (options.splitMode() == SplitMode.INPUT
                || (options.splitMode() == SplitMode.AUTO && chain.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS));
    }

    /**
     * Starts the root from these hidden-layer bounds (sound for the query's box, e.g. tightened ones; only
     * the outputs are propagated again) instead of propagating symbolically. Call before {@link #run()}.
     */
    /**
     * Marks this search as one of many inside a larger job (a neuron's bound, a sign search): its
     * stages are logged at trace level, not info, and it reports no progress.
     */
    BranchAndBound nested() {
        this.nested = true;
        return this;
    }

    BranchAndBound startingFrom(NetworkBounds bounds) {
        if (bounds.reluLayerCount() != chain.reluLayerCount()) {
            throw new IllegalArgumentException("start bounds for " + bounds.reluLayerCount() + " ReLU layers, the network has "
                    + chain.reluLayerCount());
        }
        this.rootStart = bounds;
        return this;
    }

    /** Tests: the unstable-ReLU count below which input-split nodes split ReLUs (−1: never). Call before {@link #run()}. */
    BranchAndBound withMixedMaxUnstable(int n) {
        this.mixedMaxUnstable = n;
        return this;
    }

    /** A node: a box and a set of phase splits, already bounded. */
    private static final class Node {
        final double[] lo;
        final double[] hi;
        final ReluSplits splits;
        final NetworkBounds bounds;
        final boolean[] openDisjuncts;
        final double bound;
        final int depth;
        final double[][] reluScores;
        final double[] inputScores;
        /** Proven lower bound on the margin over this node (all disjuncts open at the parent). */
        final double proven;
        /** Proven lower bound of each objective row on this node (children inherit them). */
        final double[] rowLower;
        /** Per objective row, the α,β its last optimisation on this branch ended with (null: none yet). */
        final AlphaBetaStart[] starts;

        Node(double[] lo, double[] hi, ReluSplits splits, NetworkBounds bounds, boolean[] openDisjuncts, double bound,
             int depth, double[][] reluScores, double[] inputScores, double proven, double[] rowLower, AlphaBetaStart[] starts) {
            this.proven = proven;
            this.starts = starts;
            this.rowLower = rowLower;
            this.lo = lo;
            this.hi = hi;
            this.splits = splits;
            this.bounds = bounds;
            this.openDisjuncts = openDisjuncts;
            this.bound = bound;
            this.depth = depth;
            this.reluScores = reluScores;
            this.inputScores = inputScores;
        }
    }

    /**
     * MIPVerify's {@code worst} objective on the query: the largest adversarial margin
     * {@code max_x −query.margin(y(x))} over the region (see {@link WorstCaseMargin}). One
     * best-first search minimises the violation margin: a region point's exactly checked margin is
     * the incumbent, and a node's disjunct is closed once its proven bound is within
     * {@code tolerance} of it, so the search ends when the proven bound and the incumbent are
     * within the tolerance, or at a limit. The sign is decided whenever the search completes: nodes
     * whose bound is still {@code <= 0} are not closed before a violating point is known.
     */
    public static WorstCaseMargin worstMargin(VerificationQuery query, SearchOptions options, double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
        return new BranchAndBound(query, options, tolerance, false).runMinimize();
    }

    /**
     * {@link #worstMargin(VerificationQuery, SearchOptions, double)} with the root started from these bounds;
     * with {@code signSuffices}, while no violating point is known a disjunct closes as soon as its bound is
     * positive (the search then proves the sign, not the margin to within the tolerance).
     */
    static WorstCaseMargin worstMargin(VerificationQuery query, SearchOptions options, double tolerance, NetworkBounds start,
                                       boolean signSuffices) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
        return new BranchAndBound(query, options, tolerance, signSuffices).startingFrom(start).nested().runMinimize();
    }

    private boolean optimising() {
        return !Double.isNaN(optimalityTolerance);
    }

    /**
     * A disjunct whose proven bound on a node exceeds this is closed there: 0 when deciding
     * feasibility; when minimising, the incumbent minus the tolerance (no point of the node can
     * improve on it by more), but while no violating point is known at least 0, so that a bound
     * {@code <= 0} stays open and a completed search decides the sign ({@link #signSuffices}: exactly 0 then).
     */
    private double pruneThreshold() {
        if (!optimising()) {
            return 0.0;
        }
        double inc = incumbent;
        double t = inc - optimalityTolerance;
        if (inc > 0) {
            return signSuffices ? 0.0 : Math.max(t, 0.0);
        }
        return t;
    }

    private WorstCaseMargin runMinimize() {
        long t0 = System.nanoTime();
        SearchStatistics stats = search(t0);
        double lower = globalBound();
        boolean limitReached = limitHit || options.cancel().isCancelled();
        Counterexample best = null;
        double[] x;
        synchronized (lock) {
            x = incumbentInput;
        }
        if (x != null) {
            double[] y = query.network().evaluate(x);
            double[] xf = org.certus.nn.Float32Evaluation.roundInto(x, query.inputLower(), query.inputUpper());
            double marginF = query.inBox(xf) ? query.margin(float32.evaluate(xf)) : Double.POSITIVE_INFINITY;
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
        WorstCaseMargin w = new WorstCaseMargin(-upper, -lower, best, upper - lower <= optimalityTolerance, limitReached, stats);
        stage("worst margin: [{}, {}]{}, {}", w.lower(), w.upper(), limitReached ? " (limit reached)" : "", stats);
        return w;
    }

    public Verdict run() {
        long t0 = System.nanoTime();
        SearchStatistics stats = search(t0);
        Verdict v = verdict(stats);
        stage("verdict: {}", v);
        return v;
    }

    private Verdict verdict(SearchStatistics stats) {
        double finalBound = stats.finalBound();
        Counterexample ce = found.get();
        if (ce != null) {
            return Verdict.falsified(ce, stats);
        }
        if (limitHit) {
            return Verdict.timeout(finalBound, stats);
        }
        if (options.cancel().isCancelled()) {
            return Verdict.unknown(finalBound, stats);
        }
        if (undecidedBound < Double.POSITIVE_INFINITY) {
            return Verdict.unknown(finalBound, stats);
        }
        return Verdict.verified(finalBound, stats);
    }

    /** The search itself, shared by both modes; fails loudly when a worker failed. */
    private SearchStatistics search(long t0) {
        deadline = Deadline.after(t0, options.timeLimit());
        Network net = query.network();
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        boolean[] allOpen = new boolean[query.disjuncts().size()];
        java.util.Arrays.fill(allOpen, true);
        if (!nested && LOG.isDebugEnabled()) {
            // getSeconds, not toMillis: a limit too long for the clock (HugeTimeLimitTest) must not overflow here.
            LOG.debug("search on '{}': {} inputs, {} ReLUs, {} disjunct(s), splitting {}, {} thread(s), time limit {} s", net.name(),
                    chain.inputSize(), query.network().reluCount(), query.disjuncts().size(), inputSplit ? "inputs" : "ReLUs",
                    options.threads(), options.timeLimit().getSeconds());
        }
        Node root;
        try {
            root = rootStart == null ? bound(query.inputLower(), query.inputUpper(), none, null, -1, allOpen, 0, null, null)
                    : bound(query.inputLower(), query.inputUpper(), none, rootStart, chain.reluLayerCount(), allOpen, 0, null, null);
        } catch (org.certus.bounds.BoundingInterrupted e) {
            // Out of time (or cancelled) before the root was bounded: nothing is proved.
            return interruptedAtRoot(t0);
        }
        long attackMs = 0;
        boolean attacked = false;
        if (root != null && root.bound != Double.POSITIVE_INFINITY && found.get() == null && options.attackRestarts() > 0
                && query.ball() == null && options.rootTightening().tightensBeyondSymbolic() && !outOfTime()) {
            // The attack before LP or MIP tightening: a counterexample ends the search without them.
            long a0 = System.nanoTime();
            attack(root);
            attackMs = (System.nanoTime() - a0) / 1_000_000;
            attacked = true;
        }
        if (root != null && root.bound != Double.POSITIVE_INFINITY && found.get() == null) {
            // Cheap bounds first: LP or MIP tightening only when symbolic bounds leave the root open.
            long r0 = System.nanoTime();
            NetworkBounds tightened = tightenRoot(root.bounds, root.openDisjuncts);
            if (tightened != null) {
                long before = root.bounds.unstableCount();
                try {
                    root = bound(query.inputLower(), query.inputUpper(), none, tightened, chain.reluLayerCount(), root.openDisjuncts,
                            0, root.rowLower, root.starts);
                    if (root != null) {
                        stage("root tightening ({}): {} -> {} unstable ReLUs, bound {} ({} ms)", options.rootTightening().kind(), before,
                                root.bounds.unstableCount(), root.proven, (System.nanoTime() - r0) / 1_000_000);
                    }
                } catch (org.certus.bounds.BoundingInterrupted e) {
                    // The root's first bounds still hold: leave it open and stop.
                    limitHitOrCancelled();
                }
            }
        }
        long unstable = root == null ? 0 : root.bounds.unstableCount();
        double rootBound = root == null ? Double.POSITIVE_INFINITY : root.proven;
        stage("root of '{}': bound {}, {} unstable ReLUs{} ({} ms)", net.name(), rootBound, unstable,
                found.get() != null ? ", counterexample found" : "", (System.nanoTime() - t0) / 1_000_000);
        if (root != null && root.bound == Double.POSITIVE_INFINITY) {
            recordPruned(root.proven);
            root = null;
        }
        // The attack's start points cost a bounding pass of their own: not worth it once the time is up.
        if (root != null && found.get() == null && options.attackRestarts() > 0 && query.ball() == null && !attacked && !outOfTime()) {
            long a0 = System.nanoTime();
            attack(root);
            attackMs = (System.nanoTime() - a0) / 1_000_000;
            if (!nested) {
                LOG.debug("attack: {} ({} ms)", found.get() != null ? "counterexample found" : "nothing found", attackMs);
            }
        }
        if (root != null && found.get() == null) {
            open.add(root);
            runWorkers();
        }
        Throwable err = failure.get();
        if (err != null) {
            throw new SearchFailedException("the search failed on network '" + net.name() + "': " + err, err);
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        double finalBound = globalBound();
        return new SearchStatistics(nodes.get(), lps.get(), maxDepth, rootBound, finalBound, attackMs,
                boundNanos.get() / 1_000_000, total, unstable);
    }

    /** The statistics of a search whose root could not be bounded in time: a timeout (or unknown, if cancelled). */
    private SearchStatistics interruptedAtRoot(long t0) {
        limitHitOrCancelled();
        synchronized (lock) {
            undecidedBound = Double.NEGATIVE_INFINITY;
        }
        Throwable err = failure.get();
        if (err != null) {
            throw new SearchFailedException("the search failed on network '" + query.network().name() + "': " + err, err);
        }
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new SearchStatistics(nodes.get(), lps.get(), maxDepth, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0,
                boundNanos.get() / 1_000_000, total, 0);
    }

    /** Records why the search stopped: its limit, unless it was cancelled. */
    private void limitHitOrCancelled() {
        if (!options.cancel().isCancelled()) {
            limitHit = true;
        }
        stop = true;
    }

    /**
     * The root's hidden-layer bounds after LP or MIP tightening ({@link SearchOptions#rootTightening()}),
     * or null for none. Starts from the engine's own symbolic bounds {@code start} (which know an L1
     * region; the tightening itself works on the box, a superset) and only ever narrows them; in the
     * engine's arithmetic, so sound mode's float32 error model is kept. Its time counts against the
     * query's limit; neurons it does not reach keep their symbolic bounds.
     */
    private NetworkBounds tightenRoot(NetworkBounds start, boolean[] openDisjuncts) {
        RootTightening t = options.rootTightening();
        if (!t.tightensBeyondSymbolic() || chain.reluLayerCount() < 2 || start.infeasible()) {
            return null;
        }
        double[] lo = query.inputLower();
        double[] hi = query.inputUpper();
        boolean parallel = options.threads() > 1;
        long left = Math.min(Deadline.left(deadline), Deadline.nanos(t.budget()));
        if (left <= 0) {
            return start;
        }
        long end = Deadline.plus(System.nanoTime(), left);
        Duration budget = Duration.ofNanos(left);
        // The searches run on the box alone; their start bounds may hold only on a smaller region (a norm
        // ball, input constraints), where a box point could then contradict them: LP and MILPs there.
        if (t.kind() == org.certus.tighten.Tightening.MIP && t.neuronSearch() && query.ball() == null && query.inputConstraints() == null) {
            return new NeuronSearchTightening(t.neuronTimeLimit(), budget, parallel, options.arithmetic(),
                    Math.min(options.boundIterations(), NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS), options.cancel(),
                    NeuronSearchTightening.ROOT_GAP_FRACTION)
                    .withPriority(openRows(openDisjuncts))
                    .tighten(chain, lo, hi, start);
        }
        NetworkBounds lp = new LpTightening(budget, budget, parallel, options.arithmetic()).tighten(chain, lo, hi, start);
        if (t.kind() != org.certus.tighten.Tightening.MIP) {
            return lp;
        }
        long rest = Deadline.left(end);
        if (rest <= 0) {
            return lp;
        }
        return new MipTightening(t.neuronTimeLimit(), Duration.ofNanos(rest), parallel, options.arithmetic()).tighten(chain, lo, hi, lp);
    }

    /** The objective's rows of the disjuncts still open (what the root tightening is for). */
    private AffineMap openRows(boolean[] openDisjuncts) {
        List<AffineMap> ds = new ArrayList<>();
        for (int d = 0; d < openDisjuncts.length; d++) {
            if (openDisjuncts[d]) {
                ds.add(query.disjuncts().get(d));
            }
        }
        return AffineMap.stack(ds, query.network().outputSize());
    }

    private double globalBound() {
        double b = undecidedBound;
        synchronized (lock) {
            b = Math.min(b, prunedBound);
            for (Node n : open) {
                b = Math.min(b, n.bound);
            }
        }
        return b;
    }

    private void attack(Node root) {
        PgdAttack pgd = new PgdAttack(chain, query.disjuncts());
        LinearBounds lb = propagator.minimize(chain, root.bounds, root.lo, root.hi, objective);
        double[][] starts = lb.argmin();
        // Minimising, PGD keeps descending past the first violation.
        double[] x = pgd.run(root.lo, root.hi, options.attackRestarts(), options.attackSteps(), new Random(options.seed()),
                starts, options.cancel(), deadline, optimising() ? Double.NEGATIVE_INFINITY : 0.0);
        if (x != null) {
            offerCandidate(x);
        }
    }

    /**
     * Re-checks a candidate with the network's own exact forward passes, in double and in float32;
     * records it when either violates. Checking float32 finds counterexamples that exist only in
     * the arithmetic ONNX runtimes use (the bounds of {@link org.certus.bounds.ArithmeticModel#FLOAT32}
     * keep such points from being "verified" away).
     */
    private boolean offerCandidate(double[] x) {
        if (!query.inBox(x)) {
            // LP solutions may overshoot the region by the solver's tolerance: pull them back in.
            x = RegionProjection.project(query, x);
            if (x == null || !query.inBox(x)) {
                return false;
            }
        }
        double[] y = query.network().evaluate(x);
        double margin = query.margin(y);
        if (optimising()) {
            // Minimising: the incumbent is the double-precision margin of a region point (float32 is
            // evaluated for the final example only). Never stops the search.
            synchronized (lock) {
                if (margin < incumbent) {
                    incumbent = margin;
                    incumbentInput = x.clone();
                }
            }
            return margin <= 0;
        }
        double[] xf = org.certus.nn.Float32Evaluation.roundInto(x, query.inputLower(), query.inputUpper());
        double marginF = query.inBox(xf) ? query.margin(float32.evaluate(xf)) : Double.POSITIVE_INFINITY;
        Counterexample ce = null;
        if (margin <= 0) {
            ce = new Counterexample(x, y, margin, marginF);
        } else if (marginF <= 0 && options.arithmetic() == org.certus.bounds.ArithmeticModel.FLOAT32) {
            // Only a float32 evaluation violates: a real witness for users who run the network in
            // float32, reported as such (validInDouble() is false). In REAL mode it does not count.
            double[] yf = query.network().evaluate(xf);
            ce = new Counterexample(xf, yf, query.margin(yf), marginF);
        }
        if (ce != null) {
            if (found.compareAndSet(null, ce)) {
                stop = true;
            }
            return true;
        }
        return false;
    }

    private void runWorkers() {
        int n = Math.max(1, options.threads());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::workGuarded, "certus-bnb-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            long start = System.nanoTime();
            for (Thread t : threads) {
                t.join(PROGRESS_INTERVAL_MS);
                while (t.isAlive()) {
                    logProgress(start);
                    t.join(PROGRESS_INTERVAL_MS);
                }
            }
        } catch (InterruptedException e) {
            options.cancel().cancel();
            stop = true;
            Thread.currentThread().interrupt();
            for (Thread t : threads) {
                try {
                    t.join(2000);
                } catch (InterruptedException ignored) {
                    // already interrupted; the workers stop at their next check
                }
            }
        }
    }

    /** A stage of a top-level search at info level; of a {@link #nested()} one at trace. */
    private void stage(String format, Object... args) {
        if (nested) {
            LOG.trace(format, args);
        } else {
            LOG.info(format, args);
        }
    }

    private void logProgress(long start) {
        if (!nested && LOG.isInfoEnabled()) {
            int openNodes;
            synchronized (lock) {
                openNodes = open.size();
            }
            LOG.info("{} nodes, {} open, proven bound {}, {} s", nodes.get(), openNodes, globalBound(),
                    (System.nanoTime() - start) / 1_000_000_000L);
        }
    }

    private void workGuarded() {
        try {
            work();
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            synchronized (lock) {
                stop = true;
                lock.notifyAll();
            }
        }
    }

    private void work() {
        Node local = null;
        while (true) {
            Node node;
            if (local != null) {
                node = local;
                local = null;
            } else {
                synchronized (lock) {
                    while (open.isEmpty() && active > 0 && !stop) {
                        try {
                            lock.wait(20);
                        } catch (InterruptedException e) {
                            stop = true;
                        }
                        checkLimits();
                    }
                    if (stop || open.isEmpty()) {
                        lock.notifyAll();
                        return;
                    }
                    node = open.poll();
                    active++;
                }
            }
            checkLimits();
            List<Node> children = stop ? List.of() : branch(node);
            synchronized (lock) {
                if (stop) {
                    // Keep unprocessed work so that the final bound stays sound.
                    open.add(node);
                    open.addAll(children);
                    active--;
                    lock.notifyAll();
                    return;
                }
                if (children.size() == 2 && open.size() > options.maxOpenNodes()) {
                    // Dive: keep the child with the lower bound locally (depth-first caps memory).
                    Node a = children.get(0), b = children.get(1);
                    local = a.bound <= b.bound ? a : b;
                    open.add(local == a ? b : a);
                    lock.notifyAll();
                    continue;
                }
                open.addAll(children);
                active--;
                lock.notifyAll();
            }
        }
    }

    /** Whether the search should wind down: stopped, cancelled or past its deadline (limits are recorded by {@link #checkLimits}). */
    private boolean outOfTime() {
        return stop || options.cancel().isCancelled() || System.nanoTime() > deadline;
    }

    private void checkLimits() {
        if (options.cancel().isCancelled() || Thread.currentThread().isInterrupted()) {
            stop = true;
        } else if (System.nanoTime() > deadline || nodes.get() >= options.nodeLimit()) {
            limitHit = true;
            stop = true;
        }
    }

    /**
     * Splits a node and returns its children that survive bounding; when a child's bounding is
     * interrupted by the time limit, the search stops with the children bounded so far (the caller puts
     * the node back, so its region stays open).
     */
    private List<Node> branch(Node node) {
        List<Node> done = new ArrayList<>(2);
        try {
            return branchInto(node, done);
        } catch (org.certus.bounds.BoundingInterrupted e) {
            limitHitOrCancelled();
            return done;
        }
    }

    private List<Node> branchInto(Node node, List<Node> children) {
        if (optimising() && node.bound > pruneThreshold()) {
            // The incumbent improved since this node was queued: nothing in it can beat it by more
            // than the tolerance. Its bound joins the proven one.
            recordPruned(node.bound);
            return children;
        }
        boolean mixed = inputSplit && node.bounds.unstableCount() <= mixedMaxUnstable;
        int[] reluPick = mixed ? chooseRelu(node) : null;
        if (mixed && reluPick == null && optimising() && node.splits.count() > 0 && exactLeafCloses(node)) {
            // Every unstable ReLU is split: the node's LP is exact, and bisecting the box further
            // could not close a margin gap that the split constraints (not the box) leave open.
            return children;
        }
        if (inputSplit && reluPick == null) {
            int dim = chooseInputDimension(node);
            double width = node.hi[dim] - node.lo[dim];
            double rootWidth = query.inputUpper()[dim] - query.inputLower()[dim];
            if (dim < 0 || width <= MIN_INPUT_SPLIT_FRACTION * Math.max(rootWidth, 1e-300)) {
                markUndecided(node);
                return children;
            }
            double mid = node.lo[dim] + 0.5 * width;
            double[] hiA = node.hi.clone();
            hiA[dim] = mid;
            double[] loB = node.lo.clone();
            loB[dim] = mid;
            // The parent's bounds hold on both halves: recomputed layers are intersected with them.
            addIfAlive(children, bound(node.lo, hiA, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1, node.rowLower, node.starts));
            if (stop) {
                return children;
            }
            addIfAlive(children, bound(loB, node.hi, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1, node.rowLower, node.starts));
        } else {
            int[] pick = reluPick != null ? reluPick : chooseRelu(node);
            if (pick == null) {
                markUndecided(node);
                return children;
            }
            int layer = pick[0], neuron = pick[1];
            for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                ReluSplits s = node.splits.with(layer, neuron, phase);
                NetworkBounds parent = node.bounds.withSplit(layer, neuron, phase);
                if (parent.infeasible()) {
                    continue;
                }
                addIfAlive(children, bound(node.lo, node.hi, s, parent, layer + 1, node.openDisjuncts, node.depth + 1, node.rowLower, node.starts));
                if (stop) {
                    break;
                }
            }
        }
        return children;
    }

    /**
     * A node that cannot be split further: its LP decides it when the relaxation is exact (every
     * ReLU fixed or stable), otherwise it stays undecided and the answer can only be UNKNOWN.
     */
    /**
     * Optimisation in mixed mode: decides a node whose unstable ReLUs are all split by its exact
     * LP. Returns true (and records the proven bound) when every open disjunct's certified bound
     * clears the prune threshold; otherwise the caller keeps splitting the box.
     */
    private boolean exactLeafCloses(Node node) {
        double proven = leafBound(node, true);
        if (stop || !(proven > pruneThreshold())) {
            return false;
        }
        recordPruned(proven);
        return true;
    }

    /**
     * The node's exact LP per open disjunct (its solutions offered as candidates): the smallest
     * certified bound, each raised to the node's own symbolic row bounds when {@code withSymbolic}
     * (they hold too, and are all there is when an LP gives up).
     */
    private double leafBound(Node node, boolean withSymbolic) {
        double proven = Double.POSITIVE_INFINITY;
        for (int d = 0; d < node.openDisjuncts.length && !stop; d++) {
            if (!node.openDisjuncts[d]) {
                continue;
            }
            lps.incrementAndGet();
            NodeLp.Result r = NodeLp.solve(chain, node.lo, node.hi, query.ball(), query.inputConstraints(), node.bounds, node.splits,
                    query.disjuncts().get(d), options.certifyLp(), deadline);
            if (r.candidate() != null) {
                offerCandidate(r.candidate());
            }
            double bound = r.certifiedLowerBound();
            if (withSymbolic) {
                for (int row = disjunctStart[d]; row < disjunctStart[d + 1]; row++) {
                    bound = Math.max(bound, node.rowLower[row]);
                }
            }
            proven = Math.min(proven, bound);
        }
        return proven;
    }

    private void markUndecided(Node node) {
        double proven = leafBound(node, optimising());
        if (optimising()) {
            // Whatever the LP proved is a valid bound of this leaf; the gap it leaves shows in the result.
            if (!stop) {
                recordPruned(proven);
            } else {
                synchronized (lock) {
                    undecidedBound = Math.min(undecidedBound, node.bound);
                }
            }
            return;
        }
        synchronized (lock) {
            if (proven > 0) {
                prunedBound = Math.min(prunedBound, proven);
            } else {
                undecidedBound = Math.min(undecidedBound, node.bound);
            }
        }
    }

    private void addIfAlive(List<Node> children, Node n) {
        if (n == null) {
            return;
        }
        if (n.bound == Double.POSITIVE_INFINITY) {
            recordPruned(n.proven);
        } else {
            children.add(n);
        }
    }

    private void recordPruned(double proven) {
        synchronized (lock) {
            prunedBound = Math.min(prunedBound, proven);
        }
    }

    /**
     * Bounds a node; returns null when it is pruned (empty, or every open disjunct proved empty on
     * it), after checking its relaxation's minimising vertices as counterexamples.
     */
    private Node bound(double[] lo, double[] hi, ReluSplits splits, NetworkBounds reuse, int firstLayer,
                       boolean[] parentOpen, int depth, double[] parentRows, AlphaBetaStart[] parentStarts) {
        long t0 = System.nanoTime();
        nodes.incrementAndGet();
        if (depth > maxDepth) {
            maxDepth = depth;
        }
        try {
            NetworkBounds b = reuse == null ? propagator.propagate(chain, lo, hi, splits)
                    : propagator.propagate(chain, lo, hi, splits, reuse, firstLayer);
            if (b.infeasible()) {
                return null;
            }
            double[][] scores = new double[chain.reluLayerCount()][];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = new double[chain.width(i)];
            }
            LinearBounds lb = propagator.minimize(chain, b, lo, hi, objective, scores);
            double[] rowLb = lb.lower().clone();
            if (parentRows != null) {
                // A child's region lies inside its parent's: the parent's row bounds still hold.
                for (int r = 0; r < rowLb.length; r++) {
                    rowLb[r] = Math.max(rowLb[r], parentRows[r]);
                }
            }
            boolean[] openD = parentOpen.clone();
            // Children start α,β where this node's optimisation ended (the parent's, for rows not optimised here).
            AlphaBetaStart[] starts = parentStarts == null ? new AlphaBetaStart[rowLb.length] : parentStarts.clone();
            // Read once: it only falls, so a disjunct closed against this value stays rightly closed.
            double threshold = pruneThreshold();
            double nodeBound = Double.POSITIVE_INFINITY;
            double proven = Double.POSITIVE_INFINITY;
            double[] inputScores = new double[lo.length];
            for (int d = 0; d < openD.length; d++) {
                if (!openD[d]) {
                    continue;
                }
                double best = Double.NEGATIVE_INFINITY;
                for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++) {
                    best = Math.max(best, rowLb[r]);
                }
                // Past the limit only the bounds already computed count: with thousands of disjuncts the
                // extras below (α,β, row pairs, candidates, each checked against every disjunct) took minutes
                // on one node, far beyond a 1 s limit. Skipping them leaves bounds weaker, never wrong.
                boolean late = outOfTime();
                // α,β pays off where splits constrain the region (measured: on ACAS Xu's input splits
                // it left node counts unchanged at 3x the time per node), so only at nodes with ReLU
                // splits (ReLU mode, or input mode once it splits ReLUs).
                if (!late && best <= threshold && options.boundIterations() > 0 && (!inputSplit || splits.count() > 0)) {
                    // Still open under plain CROWN: optimise α and β for this disjunct's rows.
                    for (int r = disjunctStart[d]; r < disjunctStart[d + 1] && best <= threshold; r++) {
                        org.certus.bounds.AlphaBetaOptimizer.Result opt = optimizer.lowerBound(chain, b, splits, lo, hi, objective, r,
                                options.boundIterations(), starts[r], threshold);
                        starts[r] = opt.end();
                        rowLb[r] = Math.max(rowLb[r], opt.lower());
                        best = Math.max(best, rowLb[r]);
                        offerCandidate(opt.argmin());
                    }
                }
                if (!late && best <= threshold && disjunctStart[d + 1] - disjunctStart[d] >= 2) {
                    // A conjunction of rows: a convex combination of the two best may prove it empty.
                    int ra = -1, rb = -1;
                    for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++) {
                        if (ra < 0 || rowLb[r] > rowLb[ra]) {
                            rb = ra;
                            ra = r;
                        } else if (rb < 0 || rowLb[r] > rowLb[rb]) {
                            rb = r;
                        }
                    }
                    best = Math.max(best, RowCombination.bestBound(propagator, chain, b, lo, hi, objective, ra, rb));
                }
                proven = Math.min(proven, best);
                if (best > threshold) {
                    // Closed here: its bound on this node's region joins the global proven bound.
                    recordPruned(best);
                    openD[d] = false;
                    continue;
                }
                nodeBound = Math.min(nodeBound, best);
                for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++) {
                    if (!late) {
                        offerCandidate(lb.argmin()[r]);
                    }
                    double[] c = lb.inputCoefficients()[r];
                    for (int i = 0; i < c.length; i++) {
                        inputScores[i] += Math.abs(c[i]) * (hi[i] - lo[i]);
                    }
                }
            }
            if (inputSplit && nodeBound < Double.POSITIVE_INFINITY) {
                InputSplitScores.addRelaxationGaps(chain, b, lo, hi, scores, inputScores);
            }
            return new Node(lo, hi, splits, b, openD, nodeBound, depth, scores, inputScores, proven, rowLb, starts);
        } finally {
            boundNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private int chooseInputDimension(Node node) {
        int best = -1;
        double bestScore = -1;
        for (int i = 0; i < node.inputScores.length; i++) {
            double s = node.inputScores[i];
            if (node.hi[i] > node.lo[i] && s > bestScore) {
                bestScore = s;
                best = i;
            }
        }
        if (bestScore <= 0) {
            // No sensitivity information: split the widest dimension relative to the root box.
            double w = -1;
            for (int i = 0; i < node.lo.length; i++) {
                double rel = (node.hi[i] - node.lo[i]) / Math.max(1e-300, query.inputUpper()[i] - query.inputLower()[i]);
                if (node.hi[i] > node.lo[i] && rel > w) {
                    w = rel;
                    best = i;
                }
            }
        }
        return best;
    }

    /**
     * How many of the best BaBSR candidates {@link BrancherKind#FSB} bounds before choosing. Measured
     * on mnist-wk17a ε = 0.1 (samples 326 and 443, which BaBSR could not settle in 120 s): 3 and 6
     * barely beat BaBSR, 12 halved the gap, 24 and 48 verify both in 15–25 nodes (about 5 s);
     * on mnist-rsl18a 24 was as good as any.
     */
    static final int FSB_CANDIDATES = 24;
    /**
     * FSB re-estimates at most this many of a node's optimised rows per candidate (the lowest): on
     * mnist-wk17a all nine made samples 326 and 443 take 2.8 s instead of about 1 s for the same ~25 nodes.
     */
    static final int FSB_WARM_ROWS = 3;

    /** The free unstable ReLU to split on, as {layer, neuron}, or null when none is left. */
    private int[] chooseRelu(Node node) {
        if (options.brancher() == BrancherKind.FSB) {
            int[] pick = chooseReluFsb(node);
            if (pick != null) {
                return pick;
            }
        }
        return chooseReluByScore(node, options.brancher() != BrancherKind.WIDEST);
    }

    /**
     * FSB: the {@link #FSB_CANDIDATES} free unstable ReLUs with the highest BaBSR scores, each
     * child bounded by one CROWN pass over the node's intermediate bounds with the phase fixed
     * (no intermediate recomputation: cheap, and only a ranking); the candidate whose worse child
     * is best wins. Only a choice of split: soundness and completeness do not depend on it.
     */
    private int[] chooseReluFsb(Node node) {
        int k = chain.reluLayerCount();
        int[] candL = new int[FSB_CANDIDATES];
        int[] candN = new int[FSB_CANDIDATES];
        double[] candS = new double[FSB_CANDIDATES];
        java.util.Arrays.fill(candS, -1);
        int found = 0;
        for (int i = 0; i < k; i++) {
            double[] l = node.bounds.lower(i), u = node.bounds.upper(i);
            for (int j = 0; j < l.length; j++) {
                if (!(l[j] < 0 && u[j] > 0) || node.splits.raw(i, j) != 0) {
                    continue;
                }
                double score = node.reluScores[i][j];
                if (score <= 0) {
                    continue;
                }
                // Insertion into the small sorted candidate list (descending score).
                int pos = Math.min(found, FSB_CANDIDATES - 1);
                if (found == FSB_CANDIDATES && score <= candS[pos]) {
                    continue;
                }
                while (pos > 0 && candS[pos - 1] < score) {
                    candL[pos] = candL[pos - 1];
                    candN[pos] = candN[pos - 1];
                    candS[pos] = candS[pos - 1];
                    pos--;
                }
                candL[pos] = i;
                candN[pos] = j;
                candS[pos] = score;
                found = Math.min(found + 1, FSB_CANDIDATES);
            }
        }
        if (found <= 1) {
            return found == 1 ? new int[] {candL[0], candN[0]} : null;
        }
        int[] rows = openRows(node);
        if (rows.length == 0) {
            return new int[] {candL[0], candN[0]};
        }
        AffineMap open = objective.selectRows(rows);
        // Rows the node optimised are estimated with its α,β (β = 0 for the candidate): plain CROWN
        // ignores the split constraints deeper in the tree, and ranked candidates by a bound far below
        // the one the node will get (measured on mnist_fc 256x2 prop_10_0.05: no proof in 40 s with
        // CROWN estimates, where BaBSR alone needed 2,693 nodes).
        // Only the FSB_WARM_ROWS optimised rows with the lowest bounds are re-estimated (the others keep
        // the node's bound): one back-substitution per row, candidate and phase is costly on conv nets.
        boolean[] estimate = new boolean[rows.length];
        boolean warm = false;
        for (int picked = 0; picked < FSB_WARM_ROWS; picked++) {
            int low = -1;
            for (int t = 0; t < rows.length; t++) {
                if (!estimate[t] && node.starts[rows[t]] != null && (low < 0 || node.rowLower[rows[t]] < node.rowLower[rows[low]])) {
                    low = t;
                }
            }
            if (low < 0) {
                break;
            }
            estimate[low] = true;
            warm = true;
        }
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < found; c++) {
            double worse = Double.POSITIVE_INFINITY;
            for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                NetworkBounds child = node.bounds.withSplit(candL[c], candN[c], phase);
                if (child.infeasible()) {
                    continue; // an empty child costs nothing: the other one decides the value
                }
                double[] lower;
                if (warm) {
                    ReluSplits childSplits = node.splits.with(candL[c], candN[c], phase);
                    lower = new double[rows.length];
                    for (int t = 0; t < rows.length; t++) {
                        int r = rows[t];
                        lower[t] = !estimate[t] ? node.rowLower[r]
                                : optimizer.boundWith(chain, child, childSplits, node.lo, node.hi, objective, r, node.starts[r]);
                    }
                } else {
                    lower = propagator.minimize(chain, child, node.lo, node.hi, open, null).lower();
                }
                worse = Math.min(worse, disjunctValue(node, rows, lower));
            }
            if (worse > bestValue) {
                bestValue = worse;
                best = c;
            }
        }
        return new int[] {candL[best], candN[best]};
    }

    /** The objective rows of the node's open disjuncts, in order. */
    private int[] openRows(Node node) {
        int n = 0;
        for (int d = 0; d < node.openDisjuncts.length; d++) {
            if (node.openDisjuncts[d]) {
                n += disjunctStart[d + 1] - disjunctStart[d];
            }
        }
        int[] rows = new int[n];
        int t = 0;
        for (int d = 0; d < node.openDisjuncts.length; d++) {
            if (node.openDisjuncts[d]) {
                for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++) {
                    rows[t++] = r;
                }
            }
        }
        return rows;
    }

    /** The node value the bounds {@code lower} (one per open row) give: min over open disjuncts of max over their rows. */
    private double disjunctValue(Node node, int[] rows, double[] lower) {
        double value = Double.POSITIVE_INFINITY;
        int t = 0;
        for (int d = 0; d < node.openDisjuncts.length; d++) {
            if (!node.openDisjuncts[d]) {
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++, t++) {
                best = Math.max(best, lower[t]);
            }
            value = Math.min(value, best);
        }
        return value;
    }

    private int[] chooseReluByScore(Node node, boolean babsr) {
        int bestL = -1, bestN = -1;
        double bestScore = -1;
        for (int pass = 0; pass < 2 && bestL < 0; pass++) {
            for (int i = 0; i < chain.reluLayerCount(); i++) {
                double[] l = node.bounds.lower(i), u = node.bounds.upper(i);
                for (int j = 0; j < l.length; j++) {
                    if (!(l[j] < 0 && u[j] > 0) || node.splits.raw(i, j) != 0) {
                        continue;
                    }
                    double score = babsr && pass == 0 ? node.reluScores[i][j] : (u[j] - l[j]);
                    if (babsr && pass == 0 && score <= 0) {
                        continue;
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        bestL = i;
                        bestN = j;
                    }
                }
            }
            if (!babsr) {
                break;
            }
        }
        return bestL < 0 ? null : new int[] {bestL, bestN};
    }
}
