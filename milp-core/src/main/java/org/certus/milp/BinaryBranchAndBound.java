package org.certus.milp;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * A small best-first branch-and-bound over the binary variables of a {@link Model}, on warm LP
 * re-solves: fixing a binary is a variable-bound change, so each node's LP starts from the basis of
 * the node solved before it. It knows nothing about where the model comes from.
 *
 * <p><b>What it returns</b> is a <em>proven</em> bound on the MILP optimum, never the solver's word:
 * each node's LP optimum counts only through {@link SafeLpBound} on its duals with the node's own
 * variable bounds (binaries fixed), and an LP "infeasible" only through a certified elastic LP
 * (slacks on every row, minimise their sum; a certified positive minimum proves the node empty, as
 * {@code NodeLp} does in the search). A node that cannot be certified keeps its parent's proven bound,
 * which is valid for it because its region lies inside its parent's. The proven bound is the largest
 * (maximising) of the bounds of the nodes still open and of every node closed — closed because its LP
 * solution is integral, because its bound is within the gap of the incumbent, or because it is
 * uncertifiable — so pruning against an incumbent that is only approximately feasible still never
 * makes the bound wrong, only the search shorter.
 *
 * <p><b>Search.</b> Best-first on the proven bound; branch on the most fractional binary, or on the one a
 * {@link BranchingRule} chooses ({@link #withBranching}); both
 * children are solved at once (one bound change each from their parent's basis) and queued with their
 * proven bounds. Stops when no node is open, the proven bound reaches {@link MilpLimits#threshold()},
 * or a time or node limit is hit; in every case the bound returned is valid.
 *
 * <p>Not thread-safe (it owns a stateful {@link LpSolver}); use one instance per thread. Reusable: each
 * {@link #optimize} sets its objective, starts from the solver's current variable bounds as the root
 * box and restores them when it returns.
 */
public final class BinaryBranchAndBound {
    /** A binary whose LP value is this close to 0 or 1 counts as integral (for branching and incumbents only). */
    public static final double INTEGRALITY_TOLERANCE = 1e-6;
    /** Slack variables of the elastic infeasibility LP are bounded so that its certificate stays finite. */
    static final double SLACK_BOUND = 1e6;

    private final Model model;
    private final LpSolver lp;
    private final Function<Model, LpSolver> solverFactory;
    private final int n;
    /** Indices of the binary variables, and for each variable its position among them (-1 if continuous). */
    private final int[] binaries;
    private final int[] binaryPosition;

    /** Current bounds of every variable as set on {@link #lp}: what a node's certificate must use. */
    private final double[] nodeLo;
    private final double[] nodeHi;
    /** The root box of the running search (the solver's bounds at entry). */
    private final double[] rootLo;
    private final double[] rootHi;
    /** Fixing of each binary currently applied to the solver: -1 none, else 0 or 1. */
    private final byte[] applied;
    private final byte[] target;

    private Elastic elastic;
    /** Chooses the binary to branch on; null: the most fractional one. */
    private BranchingRule branching;
    /** The running search's objective in maximisation form, to rebuild the solver with. */
    private int[] objectiveIdx;
    private double[] objectiveCoef;
    private long deadline;
    private long lpTimeLimitMs;
    private long nodes;
    /** Whether some node was closed on its parent's bound (LP failed, or "infeasible" without a certificate). */
    private boolean uncertified;
    private long uncertifiedCount;

    /** A search on an {@link OjAlgoLpSolver} of {@code model}. */
    public BinaryBranchAndBound(Model model) {
        this(new OjAlgoLpSolver(model), OjAlgoLpSolver::new);
    }

    /**
     * @param lp            the relaxation to search on (its current bounds are the root box of each search)
     * @param solverFactory makes the solver of the elastic infeasibility LP, built only when needed
     */
    public BinaryBranchAndBound(LpSolver lp, Function<Model, LpSolver> solverFactory) {
        this.lp = lp;
        this.model = lp.model();
        this.solverFactory = solverFactory;
        this.n = model.numVariables();
        int count = model.numBinaries();
        binaries = new int[count];
        binaryPosition = new int[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            binaryPosition[j] = model.isBinary(j) ? k : -1;
            if (model.isBinary(j)) {
                binaries[k++] = j;
            }
        }
        nodeLo = new double[n];
        nodeHi = new double[n];
        rootLo = new double[n];
        rootHi = new double[n];
        applied = new byte[count];
        target = new byte[count];
    }

    public Model model() {
        return model;
    }

    /**
     * Branches where {@code rule} says instead of on the most fractional binary. A node whose LP solution is
     * integral is still an incumbent; one the rule declines to branch is closed on its proven bound.
     */
    public BinaryBranchAndBound withBranching(BranchingRule rule) {
        this.branching = rule;
        return this;
    }

    /** A node: the binaries fixed on the way from the root, its proven bound (max form) and the binary to branch on. */
    private record Node(int[] fixings, double bound, int branchOn) {
    }

    /** A solved node before it is queued or closed. */
    private record Outcome(double bound, int branchOn, boolean integral, double value, double[] primal) {
        static final Outcome EMPTY = new Outcome(Double.NEGATIVE_INFINITY, -1, false, Double.NaN, null);
    }

    /**
     * Optimises {@code Σ coef[k]·x[idx[k]]} over the model's rows, the solver's current variable
     * bounds and integral binaries.
     */
    public MilpResult optimize(int[] idx, double[] coef, Sense sense, MilpLimits limits) {
        double sign = sense.sign() * -1.0; // +1 for MAXIMIZE: the search runs in maximisation form
        double[] cMax = new double[coef.length];
        for (int q = 0; q < coef.length; q++) {
            cMax[q] = sign * coef[q];
        }
        lp.setObjective(idx, cMax, Sense.MAXIMIZE);
        objectiveIdx = idx.clone();
        objectiveCoef = cMax;
        double[] dense = new double[n];
        for (int q = 0; q < idx.length; q++) {
            dense[idx[q]] += cMax[q];
        }
        double threshold = Double.isNaN(limits.threshold()) ? Double.NEGATIVE_INFINITY : sign * limits.threshold();
        long t0 = System.nanoTime();
        long limitNanos = Deadline.nanos(limits.timeLimit());
        deadline = limitNanos == 0 ? Deadline.NEVER : Deadline.plus(t0, limitNanos);
        // Each LP may use the whole limit, so one slow LP overruns the search by at most that much.
        lpTimeLimitMs = limitNanos == 0 ? 0 : Math.max(1, limitNanos / 1_000_000);
        lp.setTimeLimit(lpTimeLimitMs);
        nodes = 0;
        uncertified = false;
        uncertifiedCount = 0;
        for (int j = 0; j < n; j++) {
            rootLo[j] = nodeLo[j] = lp.variableLower(j);
            rootHi[j] = nodeHi[j] = lp.variableUpper(j);
        }
        Arrays.fill(applied, (byte) -1);
        try {
            Search s = new Search(dense, limits, threshold);
            MilpResult r = s.run();
            if (sign < 0) {
                double[] inc = r.incumbent();
                return new MilpResult(r.status(), -r.provenBound(), inc, -r.incumbentValue(), r.nodes(), r.uncertifiedNodes());
            }
            return r;
        } finally {
            apply(new int[0]);
        }
    }

    /** One search in maximisation form. */
    private final class Search {
        final double[] c;
        final MilpLimits limits;
        final double threshold;
        final PriorityQueue<Node> open = new PriorityQueue<>((a, b) -> Double.compare(b.bound, a.bound));
        double closedMax = Double.NEGATIVE_INFINITY;
        double incumbentValue = Double.NEGATIVE_INFINITY;
        double[] incumbent;

        Search(double[] c, MilpLimits limits, double threshold) {
            this.c = c;
            this.limits = limits;
            this.threshold = threshold;
        }

        MilpResult run() {
            if (!solveAndFile(new int[0], Double.POSITIVE_INFINITY)) {
                return result(MilpStatus.LIMIT);
            }
            while (true) {
                if (open.isEmpty()) {
                    if (uncertified) {
                        return result(MilpStatus.LIMIT);
                    }
                    boolean empty = closedMax == Double.NEGATIVE_INFINITY && incumbent == null;
                    return result(empty ? MilpStatus.INFEASIBLE : MilpStatus.OPTIMAL);
                }
                if (proven() <= threshold) {
                    return result(MilpStatus.THRESHOLD);
                }
                if (outOfBudget()) {
                    return result(MilpStatus.LIMIT);
                }
                Node node = open.poll();
                if (closable(node.bound)) {
                    close(node.bound);
                    continue;
                }
                for (int v = 0; v <= 1; v++) {
                    int[] f = Arrays.copyOf(node.fixings, node.fixings.length + 1);
                    f[f.length - 1] = 2 * binaryPosition[node.branchOn] + v;
                    if (!solveAndFile(f, node.bound)) {
                        // Out of time between the two children: the unsolved one keeps its parent's bound.
                        open.add(new Node(f, node.bound, -1));
                        return result(MilpStatus.LIMIT);
                    }
                }
            }
        }

        /**
         * Whether a node with this bound may be closed as within the gap of the incumbent. Not while it
         * could still decide the threshold question (incumbent at or below the threshold, node above it):
         * bound tightening needs "is the maximum {@code <= 0}?" answered, not a bound within 1e-4 of it.
         */
        boolean closable(double bound) {
            return bound <= incumbentValue + limits.absoluteGap() && (bound <= threshold || incumbentValue > threshold);
        }

        boolean outOfBudget() {
            return nodes >= limits.nodeLimit() || System.nanoTime() > deadline;
        }

        double proven() {
            return open.isEmpty() ? closedMax : Math.max(closedMax, open.peek().bound);
        }

        void close(double bound) {
            closedMax = Math.max(closedMax, bound);
        }

        /** Solves the node with these fixings and queues or closes it; false when the budget ran out first. */
        boolean solveAndFile(int[] fixings, double parentBound) {
            if (outOfBudget() && fixings.length > 0) {
                return false;
            }
            Outcome o = solve(fixings, parentBound, c);
            if (o.integral) {
                if (o.value > incumbentValue) {
                    incumbentValue = o.value;
                    incumbent = o.primal;
                }
                close(o.bound);
            } else if (o.branchOn < 0 || closable(o.bound)) {
                close(o.bound);
            } else {
                open.add(new Node(fixings, o.bound, o.branchOn));
            }
            return true;
        }

        MilpResult result(MilpStatus status) {
            return new MilpResult(status, proven(), incumbent, incumbent == null ? Double.NaN : incumbentValue, nodes, uncertifiedCount);
        }
    }

    /** Solves one node's LP and certifies it. Bounds are in maximisation form. */
    private Outcome solve(int[] fixings, double parentBound, double[] c) {
        apply(fixings);
        nodes++;
        LpResult r = lp.solve();
        if (!r.isOptimal() && System.nanoTime() < deadline) {
            // Warm re-solves occasionally end "approximate" or wrongly "infeasible" (ojAlgo 57): a node
            // closed on its parent's bound can pin the whole search's bound, so try once more from scratch
            // (setting the objective again makes the next solve cold).
            lp.setObjective(objectiveIdx, objectiveCoef, Sense.MAXIMIZE);
            r = lp.solve();
        }
        if (r.status() == LpStatus.OPTIMAL && r.hasDuals()) {
            double b = SafeLpBound.upperBound(model, c, r.rowDuals(), nodeLo, nodeHi);
            if (b == Double.NEGATIVE_INFINITY) {
                return Outcome.EMPTY; // the duals certify the node's box infeasible
            }
            if (Double.isNaN(b) || b == Double.POSITIVE_INFINITY) {
                uncertified = true;
                uncertifiedCount++;
                return new Outcome(parentBound, -1, false, Double.NaN, null);
            }
            double bound = Math.min(b, parentBound);
            int branchOn = mostFractional(r);
            if (branchOn < 0) {
                return new Outcome(bound, -1, true, r.objectiveValue(), r.primal());
            }
            if (branching != null) {
                branchOn = branching.choose(r.primal(), nodeLo, nodeHi);
                if (branchOn >= 0 && (branchOn >= n || !model.isBinary(branchOn) || nodeLo[branchOn] == nodeHi[branchOn])) {
                    throw new MilpException("branching rule chose variable " + branchOn + ", which is not a free binary");
                }
            }
            return new Outcome(bound, branchOn, false, Double.NaN, null);
        }
        if (r.status() == LpStatus.INFEASIBLE && certifiedInfeasible()) {
            return Outcome.EMPTY;
        }
        // Failed, out of time, or "infeasible" without a certificate: the parent's bound still holds here.
        uncertified = true;
        uncertifiedCount++;
        return new Outcome(parentBound, -1, false, Double.NaN, null);
    }

    private int mostFractional(LpResult r) {
        int best = -1;
        double bestScore = INTEGRALITY_TOLERANCE;
        for (int j : binaries) {
            if (nodeLo[j] == nodeHi[j]) {
                continue;
            }
            double x = r.primal(j);
            double score = Math.min(x - nodeLo[j], nodeHi[j] - x);
            if (score > bestScore) {
                bestScore = score;
                best = j;
            }
        }
        return best;
    }

    /** Sets the solver's binaries to the root box plus these fixings (each {@code 2·position + value}). */
    private void apply(int[] fixings) {
        Arrays.fill(target, (byte) -1);
        for (int f : fixings) {
            target[f >> 1] = (byte) (f & 1);
        }
        for (int p = 0; p < binaries.length; p++) {
            if (target[p] == applied[p]) {
                continue;
            }
            int j = binaries[p];
            double lo = target[p] < 0 ? rootLo[j] : Math.max(rootLo[j], target[p]);
            double hi = target[p] < 0 ? rootHi[j] : Math.min(rootHi[j], target[p]);
            if (lo > hi) {
                // Fixing outside the root box: cannot happen for branches on free binaries; keep the box.
                lo = rootLo[j];
                hi = rootHi[j];
            }
            lp.setVariableBounds(j, lo, hi);
            nodeLo[j] = lo;
            nodeHi[j] = hi;
            applied[p] = target[p];
        }
    }

    /** Whether the elastic LP proves that no point of the current node box satisfies every row. */
    private boolean certifiedInfeasible() {
        if (elastic == null) {
            elastic = new Elastic(model, solverFactory);
        }
        elastic.solver.setTimeLimit(lpTimeLimitMs);
        return elastic.certifiesEmpty(nodeLo, nodeHi, deadline);
    }

    /**
     * The model with a slack pair on every row ({@code lo <= a·x + s⁺ − s⁻ <= hi}, slacks in
     * {@code [0, SLACK_BOUND]}) minimising the total slack: always feasible, and its certified minimum is
     * positive exactly when the rows are inconsistent with the box.
     */
    private static final class Elastic {
        final Model model;
        final LpSolver solver;
        final double[] objective;
        final double[] lo;
        final double[] hi;
        final int n;

        Elastic(Model base, Function<Model, LpSolver> factory) {
            n = base.numVariables();
            ModelBuilder b = new ModelBuilder();
            for (int j = 0; j < n; j++) {
                b.addContinuous(base.variableLower(j), base.variableUpper(j));
            }
            int rows = base.numConstraints();
            int[] slackIdx = new int[2 * rows];
            for (int i = 0; i < rows; i++) {
                int sp = b.addContinuous(0.0, SLACK_BOUND);
                int sm = b.addContinuous(0.0, SLACK_BOUND);
                slackIdx[2 * i] = sp;
                slackIdx[2 * i + 1] = sm;
                int len = base.rowEnd(i) - base.rowStart(i);
                int[] idx = Arrays.copyOf(base.rowIndices(i), len + 2);
                double[] coef = Arrays.copyOf(base.rowCoefficients(i), len + 2);
                idx[len] = sp;
                coef[len] = 1.0;
                idx[len + 1] = sm;
                coef[len + 1] = -1.0;
                b.addConstraint(base.constraintLower(i), idx, coef, base.constraintUpper(i));
            }
            double[] ones = new double[slackIdx.length];
            Arrays.fill(ones, 1.0);
            b.setObjective(Sense.MINIMIZE, slackIdx, ones, 0.0);
            model = b.build();
            solver = factory.apply(model);
            objective = model.objectiveCoefficients();
            lo = model.variableLowers();
            hi = model.variableUppers();
        }

        boolean certifiesEmpty(double[] boxLo, double[] boxHi, long deadline) {
            for (int j = 0; j < n; j++) {
                if (lo[j] != boxLo[j] || hi[j] != boxHi[j]) {
                    lo[j] = boxLo[j];
                    hi[j] = boxHi[j];
                    solver.setVariableBounds(j, lo[j], hi[j]);
                }
            }
            if (deadline != Long.MAX_VALUE) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    return false;
                }
            }
            LpResult r = solver.solve();
            return r.status() == LpStatus.OPTIMAL && r.hasDuals()
                    && SafeLpBound.lowerBound(model, objective, r.rowDuals(), lo, hi) > 0.0;
        }
    }
}
