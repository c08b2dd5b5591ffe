package org.certus.bnb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

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

    public BranchAndBound(VerificationQuery query, SearchOptions options) {
        this.query = query;
        this.options = options;
        this.chain = ReluChain.of(query.network());
        // Row-parallel bounds only when the caller allows several threads (Spark tasks ask for one).
        this.propagator = new SymbolicPropagator(options.threads() > 1, query.l1Ball(), options.arithmetic());
        this.float32 = new org.certus.nn.Float32Evaluation(query.network());
        this.optimizer = new org.certus.bounds.AlphaBetaOptimizer(options.arithmetic());
        List<AffineMap> ds = query.disjuncts();
        this.disjunctStart = new int[ds.size() + 1];
        AffineMap stacked = null;
        int rows = 0;
        for (int d = 0; d < ds.size(); d++) {
            disjunctStart[d] = rows;
            rows += ds.get(d).rows();
        }
        disjunctStart[ds.size()] = rows;
        this.objective = stack(ds, rows, query.network().outputSize());
        // An L1 region is not a box: bisecting its bounding box would not shrink it, so split ReLUs.
        this.inputSplit = query.l1Ball() == null && (options.splitMode() == SplitMode.INPUT
                || (options.splitMode() == SplitMode.AUTO && chain.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS));
    }

    /** Tests: the unstable-ReLU count below which input-split nodes split ReLUs (−1: never). Call before {@link #run()}. */
    BranchAndBound withMixedMaxUnstable(int n) {
        this.mixedMaxUnstable = n;
        return this;
    }

    private static AffineMap stack(List<AffineMap> ds, int rows, int cols) {
        int nnz = 0;
        for (AffineMap d : ds) {
            nnz += d.nonZeros();
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        double[] bias = new double[rows];
        int r = 0, k = 0;
        for (AffineMap d : ds) {
            for (int i = 0; i < d.rows(); i++, r++) {
                start[r] = k;
                bias[r] = d.bias()[i];
                for (int q = d.rowStart()[i]; q < d.rowStart()[i + 1]; q++) {
                    idx[k] = d.colIndex()[q];
                    val[k] = d.values()[q];
                    k++;
                }
            }
        }
        start[rows] = k;
        return new AffineMap(rows, cols, start, idx, val, bias);
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

        Node(double[] lo, double[] hi, ReluSplits splits, NetworkBounds bounds, boolean[] openDisjuncts, double bound,
             int depth, double[][] reluScores, double[] inputScores, double proven, double[] rowLower) {
            this.proven = proven;
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

    public Verdict run() {
        long t0 = System.nanoTime();
        deadline = t0 + options.timeLimit().toNanos();
        Network net = query.network();
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        boolean[] allOpen = new boolean[query.disjuncts().size()];
        java.util.Arrays.fill(allOpen, true);
        Node root = bound(query.inputLower(), query.inputUpper(), none, null, -1, allOpen, 0, null);
        long unstable = root == null ? 0 : root.bounds.unstableCount();
        double rootBound = root == null ? Double.POSITIVE_INFINITY : root.proven;
        if (root != null && root.bound == Double.POSITIVE_INFINITY) {
            recordPruned(root.proven);
            root = null;
        }
        long attackMs = 0;
        if (root != null && found.get() == null && options.attackRestarts() > 0 && query.l1Ball() == null) {
            long a0 = System.nanoTime();
            attack(root);
            attackMs = (System.nanoTime() - a0) / 1_000_000;
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
        SearchStatistics stats = new SearchStatistics(nodes.get(), lps.get(), maxDepth, rootBound, finalBound, attackMs,
                boundNanos.get() / 1_000_000, total, unstable);
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
        double[] x = pgd.run(root.lo, root.hi, options.attackRestarts(), options.attackSteps(), new Random(options.seed()),
                starts, options.cancel(), deadline);
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
            for (Thread t : threads) {
                t.join();
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

    private void checkLimits() {
        if (options.cancel().isCancelled() || Thread.currentThread().isInterrupted()) {
            stop = true;
        } else if (System.nanoTime() > deadline || nodes.get() >= options.nodeLimit()) {
            limitHit = true;
            stop = true;
        }
    }

    /** Splits a node and returns its children that survive bounding. */
    private List<Node> branch(Node node) {
        List<Node> children = new ArrayList<>(2);
        int[] reluPick = inputSplit && node.bounds.unstableCount() <= mixedMaxUnstable ? chooseRelu(node) : null;
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
            addIfAlive(children, bound(node.lo, hiA, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1, node.rowLower));
            if (stop) {
                return children;
            }
            addIfAlive(children, bound(loB, node.hi, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1, node.rowLower));
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
                addIfAlive(children, bound(node.lo, node.hi, s, parent, layer + 1, node.openDisjuncts, node.depth + 1, node.rowLower));
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
    private void markUndecided(Node node) {
        double proven = Double.POSITIVE_INFINITY;
        for (int d = 0; d < node.openDisjuncts.length && !stop; d++) {
            if (!node.openDisjuncts[d]) {
                continue;
            }
            lps.incrementAndGet();
            NodeLp.Result r = NodeLp.solve(chain, node.lo, node.hi, query.l1Ball(), query.inputConstraints(), node.bounds, node.splits,
                    query.disjuncts().get(d), options.certifyLp(), deadline);
            if (r.candidate() != null) {
                offerCandidate(r.candidate());
            }
            proven = Math.min(proven, r.certifiedLowerBound());
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
                       boolean[] parentOpen, int depth, double[] parentRows) {
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
                // α,β pays off where splits constrain the region (measured: on ACAS Xu's input splits
                // it left node counts unchanged at 3x the time per node), so only at nodes with ReLU
                // splits (ReLU mode, or input mode once it splits ReLUs).
                if (best <= 0 && options.boundIterations() > 0 && (!inputSplit || splits.count() > 0)) {
                    // Still open under plain CROWN: optimise α and β for this disjunct's rows.
                    for (int r = disjunctStart[d]; r < disjunctStart[d + 1] && best <= 0; r++) {
                        org.certus.bounds.AlphaBetaOptimizer.Result opt = optimizer.lowerBound(chain, b, splits, lo, hi, objective, r,
                                options.boundIterations());
                        rowLb[r] = Math.max(rowLb[r], opt.lower());
                        best = Math.max(best, rowLb[r]);
                        offerCandidate(opt.argmin());
                    }
                }
                if (best <= 0 && disjunctStart[d + 1] - disjunctStart[d] >= 2) {
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
                if (best > 0) {
                    // Closed here: its bound on this node's region joins the global proven bound.
                    recordPruned(best);
                    openD[d] = false;
                    continue;
                }
                nodeBound = Math.min(nodeBound, best);
                for (int r = disjunctStart[d]; r < disjunctStart[d + 1]; r++) {
                    offerCandidate(lb.argmin()[r]);
                    double[] c = lb.inputCoefficients()[r];
                    for (int i = 0; i < c.length; i++) {
                        inputScores[i] += Math.abs(c[i]) * (hi[i] - lo[i]);
                    }
                }
            }
            if (inputSplit && nodeBound < Double.POSITIVE_INFINITY) {
                InputSplitScores.addRelaxationGaps(chain, b, lo, hi, scores, inputScores);
            }
            return new Node(lo, hi, splits, b, openD, nodeBound, depth, scores, inputScores, proven, rowLb);
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

    /** The free unstable ReLU to split on, as {layer, neuron}, or null when none is left. */
    private int[] chooseRelu(Node node) {
        int bestL = -1, bestN = -1;
        double bestScore = -1;
        boolean babsr = options.brancher() == BrancherKind.BABSR;
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
