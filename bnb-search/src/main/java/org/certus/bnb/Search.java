package org.certus.bnb;

import java.util.ArrayList;
import java.util.List;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.BoundingInterrupted;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;

/**
 * One run of the branch and bound, assembled from its parts: the root stage (bound, attack, tightening), then
 * workers branching open nodes with the {@link Brancher}, bounding children with the {@link NodeBounder}, until
 * the {@link SearchGoal} is met, nothing is open, or a {@link SearchLimits limit} stops them. The parts do not
 * know each other; this class only wires them and keeps the statistics.
 */
final class Search {
    private final SearchProblem problem;
    private final SearchLimits limits;
    private final SearchGoal goal;
    private final SearchListener listener;
    private final NetworkBounds rootStart;
    private final ProvenBound proven = new ProvenBound();
    private final IncumbentSearch incumbents;
    private final NodeBounder bounder;
    private final Brancher brancher;
    private final SearchWorkers workers;
    private final DiveAboveCap selection;
    /**
     * Whether a ReLU split's children keep their parent's hidden-layer bounds: as the options say
     * ({@link SearchOptions#fixedIntermediateBounds()}), and always once per-neuron searches tightened the root
     * ({@link RootTighteningStage#searchedNeurons()}). Their bounds are of MILP strength, which a child's CROWN
     * recomputation of the layers behind its split rarely beats, so it cost more time than its nodes saved: mnist_fc
     * 256x6 prop_12_0.05 from one saved tightened root (194 unstable ReLUs, −0.195), unsat in 82.8 s and 27,390 nodes
     * recomputing, 60.5 s and 34,116 nodes keeping them. Set before the workers start.
     */
    private boolean fixedIntermediateBounds;

    /**
     * @param rootStart sound bounds of every ReLU layer over the query's box to start the root from (null: the
     *                  engine's own symbolic propagation)
     */
    Search(SearchProblem problem, SearchLimits limits, SearchGoal goal, SearchListener listener, NetworkBounds rootStart,
           int mixedMaxUnstable) {
        this.problem = problem;
        this.limits = limits;
        this.goal = goal;
        this.listener = listener;
        this.rootStart = rootStart;
        this.fixedIntermediateBounds = problem.options.fixedIntermediateBounds();
        this.incumbents = new IncumbentSearch(problem, goal, limits);
        this.bounder = new NodeBounder(problem, goal, incumbents, limits, proven);
        this.brancher = Brancher.of(problem, mixedMaxUnstable);
        // A goal whose threshold never moves needs the same nodes in any order: half of them go where a violation is near.
        NodeSelection order = goal.closesStaleNodes() ? new BestFirstSelection() : new InterleavedSelection();
        this.selection = new DiveAboveCap(order, problem.options.maxOpenNodes());
        this.workers = new SearchWorkers(selection, limits, bounder::nodes,
                problem.options.threads());
    }

    /** Whether a limit (not a cancel, not the goal) ended the search. */
    boolean limitHit() {
        return limits.limitHit();
    }

    /** Whether some region was left undecided (the answer can then only be unknown). */
    boolean undecided() {
        return proven.anyUndecided();
    }

    /** The proven lower bound on the margin over the whole region: closed, undecided and open regions. */
    double globalBound() {
        return Math.min(proven.value(), workers.openMinBound());
    }

    /** Runs the search; fails loudly when a worker failed. */
    SearchStatistics run(long t0) {
        SearchOptions options = problem.options;
        VerificationQuery query = problem.query;
        limits.start(t0, options.timeLimit());
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(problem.chain));
        listener.started(new SearchStart(query.network().name(), problem.chain.inputSize(), query.network().reluCount(),
                query.disjuncts().size(), problem.inputSplit, options.threads(), options.timeLimit()));
        SearchNode root;
        try {
            root = bounder.root(none, rootStart);
        } catch (BoundingInterrupted e) {
            // Out of time (or cancelled) before the root was bounded: nothing is proved.
            return interruptedAtRoot(t0);
        }
        problem.knowZeroInputs(root == null ? null : root.bounds);
        boolean attackable = options.attackRestarts() > 0 && query.ball() == null;
        long attackMs = 0;
        boolean attacked = false;
        if (open(root) && attackable && options.rootTightening().tightensBeyondSymbolic() && !limits.outOfTime()) {
            // The attack before LP or MIP tightening: a counterexample ends the search without them.
            long a0 = System.nanoTime();
            incumbents.attack(root);
            attackMs = (System.nanoTime() - a0) / 1_000_000;
            attacked = true;
        }
        if (open(root)) {
            root = tightenedRoot(root, none);
        }
        long unstable = root == null ? 0 : root.bounds.unstableCount();
        double rootBound = root == null ? Double.POSITIVE_INFINITY : root.proven;
        listener.rootBounded(rootBound, unstable, found(), (System.nanoTime() - t0) / 1_000_000);
        if (root != null && root.bound == Double.POSITIVE_INFINITY) {
            proven.pruned(root.proven);
            root = null;
        }
        // The attack's start points cost a bounding pass of their own: not worth it once the time is up.
        if (root != null && !found() && attackable && !attacked && !limits.outOfTime()) {
            long a0 = System.nanoTime();
            incumbents.attack(root);
            attackMs = (System.nanoTime() - a0) / 1_000_000;
            listener.attackFinished(found(), attackMs);
        }
        if (root != null && !found()) {
            selection.lowerCap(OpenNodeMemory.cap(options.maxOpenNodes(), OpenNodeMemory.bytesPerNode(root), Runtime.getRuntime().maxMemory()));
            long start = System.nanoTime();
            workers.run(root, this::branch, () -> listener.progress(new SearchProgress(bounder.nodes(), workers.openCount(), globalBound(),
                    (System.nanoTime() - start) / 1_000_000)));
        }
        failIfAWorkerFailed();
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new SearchStatistics(bounder.nodes(), incumbents.lps(), bounder.maxDepth(), rootBound, globalBound(), attackMs,
                bounder.boundMillis(), total, unstable);
    }

    /** Whether the feasibility goal has its counterexample. */
    private boolean found() {
        return goal instanceof FeasibilityGoal f && f.counterexample() != null;
    }

    private boolean open(SearchNode root) {
        return root != null && root.bound != Double.POSITIVE_INFINITY && !found();
    }

    /**
     * Cheap bounds first: LP or MIP tightening only when symbolic bounds leave the root open; then, while the root
     * stays open and the tightening's budget lasts, more sweeps of it ({@link RootTighteningStage#tightenAgain}).
     */
    private SearchNode tightenedRoot(SearchNode root, ReluSplits none) {
        long r0 = System.nanoTime();
        RootTighteningStage stage = new RootTighteningStage(problem, limits);
        NetworkBounds tightened = stage.tighten(root.bounds, root.openDisjuncts);
        long before = root.bounds.unstableCount();
        VerificationQuery q = problem.query;
        SearchNode current = root;
        while (tightened != null) {
            problem.knowZeroInputs(tightened);
            try {
                SearchNode again = bounder.bound(q.inputLower(), q.inputUpper(), none, tightened, problem.chain.reluLayerCount(),
                        current.openDisjuncts, 0, current.rowLower, current.starts);
                if (again == null) {
                    return null;
                }
                listener.rootTightened(problem.options.rootTightening().kind(), before, again.bounds.unstableCount(), again.proven,
                        (System.nanoTime() - r0) / 1_000_000);
                current = again;
                fixedIntermediateBounds |= stage.searchedNeurons();
            } catch (BoundingInterrupted e) {
                // The root's bounds so far still hold: leave it open and stop.
                limits.limitHitOrCancelled();
                return current;
            }
            if (!open(current) || limits.outOfTime()) {
                return current;
            }
            tightened = stage.tightenAgain(current.bounds, current.openDisjuncts);
        }
        return current;
    }

    private void failIfAWorkerFailed() {
        Throwable err = workers.failure();
        if (err != null) {
            throw new SearchFailedException("the search failed on network '" + problem.query.network().name() + "': " + err, err);
        }
    }

    /** The statistics of a search whose root could not be bounded in time: a timeout (or unknown, if cancelled). */
    private SearchStatistics interruptedAtRoot(long t0) {
        limits.limitHitOrCancelled();
        proven.undecided(Double.NEGATIVE_INFINITY);
        failIfAWorkerFailed();
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new SearchStatistics(bounder.nodes(), incumbents.lps(), bounder.maxDepth(), Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0, bounder.boundMillis(), total, 0);
    }

    /**
     * Splits a node and returns its children that survive bounding; when a child's bounding is interrupted by the
     * time limit, the search stops with the children bounded so far (the worker puts the node back, so its region
     * stays open).
     */
    private List<SearchNode> branch(SearchNode node) {
        List<SearchNode> children = new ArrayList<>(2);
        try {
            branchInto(node, children);
        } catch (BoundingInterrupted e) {
            limits.limitHitOrCancelled();
        }
        return children;
    }

    private void branchInto(SearchNode node, List<SearchNode> children) {
        if (goal.closesStaleNodes() && node.bound > goal.pruneThreshold()) {
            // The incumbent improved since this node was queued: nothing in it can beat it by more
            // than the tolerance. Its bound joins the proven one.
            proven.pruned(node.bound);
            return;
        }
        Branching b = brancher.choose(node);
        if (b.reluSplitsExhausted() && goal.decidesExactLeaves() && node.splits.count() > 0 && exactLeafCloses(node)) {
            // Every unstable ReLU is split: the node's LP is exact, and bisecting the box further
            // could not close a margin gap that the split constraints (not the box) leave open.
            return;
        }
        switch (b.kind()) {
            case LEAF -> leaf(node);
            case INPUT -> {
                int dim = b.dimension();
                double mid = node.lo[dim] + 0.5 * (node.hi[dim] - node.lo[dim]);
                double[] hiA = node.hi.clone();
                hiA[dim] = mid;
                double[] loB = node.lo.clone();
                loB[dim] = mid;
                // The parent's bounds hold on both halves: recomputed layers are intersected with them.
                addIfOpen(children, bounder.bound(node.lo, hiA, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1,
                        node.rowLower, node.starts));
                if (limits.stopped()) {
                    return;
                }
                addIfOpen(children, bounder.bound(loB, node.hi, node.splits, node.bounds, 0, node.openDisjuncts, node.depth + 1,
                        node.rowLower, node.starts));
            }
            case RELU -> {
                int layer = b.layer(), neuron = b.neuron();
                for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                    ReluSplits s = node.splits.with(layer, neuron, phase);
                    NetworkBounds parent = node.bounds.withSplit(layer, neuron, phase);
                    if (parent.infeasible()) {
                        continue;
                    }
                    // Only the layers behind the split can change; with fixed intermediate bounds none is recomputed.
                    int from = fixedIntermediateBounds ? problem.chain.reluLayerCount() : layer + 1;
                    addIfOpen(children, bounder.bound(node.lo, node.hi, s, parent, from, node.openDisjuncts, node.depth + 1,
                            node.rowLower, node.starts));
                    if (limits.stopped()) {
                        break;
                    }
                }
            }
        }
    }

    /**
     * The margin goal in mixed mode: decides a node whose unstable ReLUs are all split by its exact LP. Returns true
     * (and records the proven bound) when every open disjunct's certified bound clears the prune threshold;
     * otherwise the caller keeps splitting the box.
     */
    private boolean exactLeafCloses(SearchNode node) {
        double bound = incumbents.leafBound(node, true);
        if (limits.stopped() || !(bound > goal.pruneThreshold())) {
            return false;
        }
        proven.pruned(bound);
        return true;
    }

    /**
     * A node that cannot be split further: its LP decides it when the relaxation is exact (every ReLU fixed or
     * stable); otherwise it stays undecided (for the feasibility goal the answer can then only be unknown).
     */
    private void leaf(SearchNode node) {
        double bound = incumbents.leafBound(node, goal.leafBoundsWithSymbolic());
        goal.leaf(node, bound, limits.stopped(), proven);
    }

    private void addIfOpen(List<SearchNode> children, SearchNode n) {
        if (n == null) {
            return;
        }
        if (n.bound == Double.POSITIVE_INFINITY) {
            proven.pruned(n.proven);
        } else {
            children.add(n);
        }
    }
}
