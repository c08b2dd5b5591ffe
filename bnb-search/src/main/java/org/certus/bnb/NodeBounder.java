package org.certus.bnb;

import java.util.concurrent.atomic.AtomicLong;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.AlphaBetaStart;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Bounds a node: symbolic propagation of its box and splits (reusing the parent's bounds up to the first
 * layer a split changes), the objective's rows by back-substitution, then for disjuncts still open α,β
 * optimisation of their rows, a convex combination of their two best rows and, on networks of few inputs, one of
 * all their rows weighted by the conjunction LP ({@link ConjunctionLp}). A disjunct whose bound
 * exceeds the goal's threshold is closed and its bound recorded; the relaxation's minimising vertices (and the
 * conjunction LP's points) are offered as candidates.
 */
final class NodeBounder {
    private final SearchProblem problem;
    private final SearchGoal goal;
    private final IncumbentSearch incumbents;
    private final SearchLimits limits;
    private final ProvenBound proven;
    private final AtomicLong nodes = new AtomicLong();
    private final AtomicLong boundNanos = new AtomicLong();
    private volatile int maxDepth;

    NodeBounder(SearchProblem problem, SearchGoal goal, IncumbentSearch incumbents, SearchLimits limits, ProvenBound proven) {
        this.problem = problem;
        this.goal = goal;
        this.incumbents = incumbents;
        this.limits = limits;
        this.proven = proven;
    }

    /** Nodes bounded so far. */
    long nodes() {
        return nodes.get();
    }

    int maxDepth() {
        return maxDepth;
    }

    long boundMillis() {
        return boundNanos.get() / 1_000_000;
    }

    /** The root of the query's box: all disjuncts open, no splits; {@code start} (or null) as its hidden-layer bounds. */
    SearchNode root(ReluSplits none, NetworkBounds start) {
        boolean[] allOpen = new boolean[problem.rows.disjunctCount()];
        java.util.Arrays.fill(allOpen, true);
        VerificationQuery q = problem.query;
        return start == null ? bound(q.inputLower(), q.inputUpper(), none, null, -1, allOpen, 0, null, null)
                : bound(q.inputLower(), q.inputUpper(), none, start, problem.chain.reluLayerCount(), allOpen, 0, null, null);
    }

    /**
     * Bounds a node; returns null when it is empty. {@code reuse} (or null) holds bounds valid on the node
     * from layer {@code firstLayer} back; children inherit the parent's open disjuncts, row bounds and α,β.
     */
    SearchNode bound(double[] lo, double[] hi, ReluSplits splits, NetworkBounds reuse, int firstLayer, boolean[] parentOpen, int depth,
                     double[] parentRows, AlphaBetaStart[] parentStarts) {
        long t0 = System.nanoTime();
        nodes.incrementAndGet();
        if (depth > maxDepth) {
            maxDepth = depth;
        }
        try {
            return boundTimed(lo, hi, splits, reuse, firstLayer, parentOpen, depth, parentRows, parentStarts);
        } finally {
            boundNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    private SearchNode boundTimed(double[] lo, double[] hi, ReluSplits splits, NetworkBounds reuse, int firstLayer, boolean[] parentOpen,
                                  int depth, double[] parentRows, AlphaBetaStart[] parentStarts) {
        var chain = problem.chain;
        var propagator = problem.propagator;
        var objective = problem.objective();
        ObjectiveRows rows = problem.rows;
        SearchOptions options = problem.options;
        NetworkBounds b = reuse == null ? propagator.propagate(chain, lo, hi, splits) : propagator.propagate(chain, lo, hi, splits, reuse, firstLayer);
        if (b.infeasible()) {
            return null;
        }
        double[][] scores = new double[chain.reluLayerCount()][];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new double[chain.width(i)];
        }
        LinearBounds lb = propagator.minimize(chain, b, lo, hi, objective, scores, scoredRows(rows, parentOpen));
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
        double threshold = goal.pruneThreshold();
        double nodeBound = Double.POSITIVE_INFINITY;
        double nodeProven = Double.POSITIVE_INFINITY;
        double pointMargin = Double.POSITIVE_INFINITY;
        double[] inputScores = new double[lo.length];
        boolean alphaBeta = options.boundIterations() > 0 && (!problem.inputSplit || splits.count() > 0);
        AlphaBetaOptimizer.Result[] together = alphaBeta && !limits.outOfTime()
                ? singleRowsTogether(chain, b, splits, lo, hi, objective, rows, openD, rowLb, starts, threshold) : null;
        for (int d = 0; d < openD.length; d++) {
            if (!openD[d]) {
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int r = rows.start(d); r < rows.end(d); r++) {
                best = Math.max(best, rowLb[r]);
            }
            // Past the limit only the bounds already computed count: with thousands of disjuncts the
            // extras below (α,β, row pairs, candidates, each checked against every disjunct) took minutes
            // on one node, far beyond a 1 s limit. Skipping them leaves bounds weaker, never wrong.
            boolean late = limits.outOfTime();
            // α,β pays off where splits constrain the region (measured: on ACAS Xu's input splits
            // it left node counts unchanged at 3x the time per node), so only at nodes with ReLU
            // splits (ReLU mode, or input mode once it splits ReLUs).
            if (!late && best <= threshold && alphaBeta) {
                // Still open under plain CROWN: optimise α and β for this disjunct's rows, the closest to the threshold
                // first. Any one row past it closes a conjunction; where the search splits ReLUs, a row much farther
                // from it than the best one cannot (α,β moves a row's bound by a fraction of its gap), and neither can
                // any after it.
                boolean first = true;
                for (int r : closestFirst(rowLb, rows.start(d), rows.end(d))) {
                    if (best > threshold || !first && !problem.inputSplit && threshold - rowLb[r] > FAR_ROW_GAP * (threshold - best)) {
                        break;
                    }
                    first = false;
                    AlphaBetaOptimizer.Result opt = together != null && together[r] != null ? together[r]
                            : problem.optimizer.lowerBound(chain, b, splits, lo, hi, objective, r, options.boundIterations(),
                                    starts[r], threshold);
                    starts[r] = opt.end();
                    rowLb[r] = Math.max(rowLb[r], opt.lower());
                    best = Math.max(best, rowLb[r]);
                    pointMargin = Math.min(pointMargin, incumbents.offer(opt.argmin()));
                }
            }
            if (!late && best <= threshold && rows.end(d) - rows.start(d) >= 2) {
                // A conjunction of rows: a convex combination of the two best may prove it empty.
                int ra = -1, rb = -1;
                for (int r = rows.start(d); r < rows.end(d); r++) {
                    if (ra < 0 || rowLb[r] > rowLb[ra]) {
                        rb = ra;
                        ra = r;
                    } else if (rb < 0 || rowLb[r] > rowLb[rb]) {
                        rb = r;
                    }
                }
                best = Math.max(best, RowCombination.bestBound(propagator, chain, b, lo, hi, objective, ra, rb));
                if (best <= threshold) {
                    double[] lpPoint = {Double.POSITIVE_INFINITY};
                    best = conjunctionLp(lb, b, lo, hi, d, best, lpPoint);
                    pointMargin = Math.min(pointMargin, lpPoint[0]);
                }
            }
            nodeProven = Math.min(nodeProven, best);
            if (best > threshold) {
                // Closed here: its bound on this node's region joins the global proven bound.
                proven.pruned(best);
                openD[d] = false;
                continue;
            }
            nodeBound = Math.min(nodeBound, best);
            for (int r = rows.start(d); r < rows.end(d); r++) {
                if (!late) {
                    pointMargin = Math.min(pointMargin, incumbents.offer(lb.argmin()[r]));
                }
                double[] c = lb.inputCoefficients()[r];
                for (int i = 0; i < c.length; i++) {
                    inputScores[i] += Math.abs(c[i]) * (hi[i] - lo[i]);
                }
            }
        }
        if (problem.inputSplit && nodeBound < Double.POSITIVE_INFINITY) {
            InputSplitScores.addRelaxationGaps(chain, b, lo, hi, scores, inputScores);
        }
        return new SearchNode(lo, hi, splits, b, openD, nodeBound, depth, scores, inputScores, nodeProven, rowLb, starts,
                pointMargin);
    }

    /**
     * The rows whose relaxation gaps rank this node's splits: those of the disjuncts still open when it starts (null
     * when that is all of them). A disjunct closed at an ancestor needs no split, and its rows' gaps, summed in with
     * the others', used to decide which neurons FSB and BaBSR consider. mnist-rsl18a at ε = 0.1, 120 s: samples 0–99
     * 14,124 → 8,400 nodes, 100–199 22,631 → 17,601, the same answers; mnist_fc 256x6 prop_12_0.05 unsat after 3,619
     * nodes (7,135 and 9,711 before); ACAS Xu's unsat instances 80,690 → 80,570 nodes (properties 5, 6 and 9 have four
     * disjuncts); mnist-wk17a 0–499 and mnist_fc 256x2 the same nodes.
     */
    private static boolean[] scoredRows(ObjectiveRows rows, boolean[] open) {
        boolean all = true;
        for (boolean o : open) {
            all &= o;
        }
        if (all) {
            return null;
        }
        boolean[] scored = new boolean[rows.objective().rows()];
        for (int d = 0; d < open.length; d++) {
            if (open[d]) {
                java.util.Arrays.fill(scored, rows.start(d), rows.end(d), true);
            }
        }
        return scored;
    }

    /**
     * Rows whose gap to the threshold is more than this many times the best row's (after its α,β) are left at their
     * symbolic bounds in a conjunction, in searches that split ReLUs. On TinyYOLO prop 98 (five rows) α,β moved the
     * four far rows by 0.2–4% of their gaps (−4.60 → −4.55, −1.197 → −1.192) while the near one closed nodes at
     * −0.06 … +0.001; the search optimised all five at every node, four in vain, and FSB (which re-estimates the
     * lowest rows a node optimised) ranked its candidates on rows no split helps: prop 98 went from a timeout at
     * −0.028 to unsat in 105 s (15 nodes). Not in input-split searches: on ACAS Xu's property 2 (four rows) it
     * took 19% more nodes (61,136 → 72,616), and 17% with the two best rows always optimised.
     */
    static final double FAR_ROW_GAP = 4.0;

    /**
     * A short PGD descent from the conjunction LP's point, inside the node's box, where the LP's value does not close
     * the node, for as long as the descents have taken at most this share of the time spent bounding nodes. On
     * reach_prob_density 0.05 took the suite from 55.4 to 42.6 s (robot_10 8.2 → 2.0 s, robot_4 4.0 → 0.9 s; the
     * unsat instances 3–8% slower); 0.02 gave 51.1 s and 0.1 44.4 s. On ACAS Xu the sat instances come sooner (1_6
     * prop_2 0.56 → 0.20 s) and the two hardest unsat ones later (3_3 and 4_2 prop_2, 8–10%): 3% more in all. Without
     * the budget, a descent at every such node made reach_prob_density's unsat instances 30–80% slower.
     */
    static final double LOCAL_DESCENT_SHARE = 0.05;
    /** Steps of each local descent (20 were slower than 5 on robot_11 and no better elsewhere). */
    static final int LOCAL_DESCENT_STEPS = 5;
    /** PGD's random source, unused here: a local descent starts from the LP's point only, with no restarts. */
    private static final java.util.Random NO_RESTARTS = new java.util.Random(0);
    private final AtomicLong descentNanos = new AtomicLong();
    /** Built on first use, for the networks of few inputs that get conjunction LPs (racing threads may build two). */
    private volatile PgdAttack localPgd;

    /**
     * The conjunction LP of disjunct {@code d} ({@link ConjunctionLp}) on a node of a small-input network: its point is
     * offered as a candidate (and, within a time budget, a short descent from it), and where the LP's value beats
     * {@code best}, the bound of its weighted rows counts. That bound costs a backward pass, which the filter keeps to
     * the nodes it can help: on cgan's 64×64 generators (ReLU splits, conjunctions of rows) an unfiltered pass per node
     * cost 4–7 s per instance and closed none. {@code pointMargin[0]} receives the smallest margin of the points it
     * checked (+∞: none).
     */
    private double conjunctionLp(LinearBounds lb, NetworkBounds b, double[] lo, double[] hi, int d, double best,
                                 double[] pointMargin) {
        if (lo.length > ConjunctionLp.MAX_INPUTS) {
            return best;
        }
        ObjectiveRows rows = problem.rows;
        ConjunctionLp.Result c = ConjunctionLp.solve(lb, rows.start(d), rows.end(d), lo, hi);
        if (c == null) {
            return best;
        }
        pointMargin[0] = incumbents.offer(c.point());
        if (c.value() <= goal.pruneThreshold() && descentNanos.get() <= LOCAL_DESCENT_SHARE * boundNanos.get()) {
            // The relaxation puts a violation near the point; the network's own gradient may reach one in a few steps.
            long t0 = System.nanoTime();
            PgdAttack pgd = localPgd;
            if (pgd == null) {
                localPgd = pgd = new PgdAttack(problem.chain, problem.query.disjuncts());
            }
            double[] x = pgd.run(lo, hi, 0, LOCAL_DESCENT_STEPS, NO_RESTARTS, new double[][] {c.point()}, limits.cancel(),
                    limits.deadline(), goal.attackStopAt());
            if (x != null) {
                pointMargin[0] = Math.min(pointMargin[0], incumbents.offer(x));
            }
            descentNanos.addAndGet(System.nanoTime() - t0);
        }
        if (!(c.value() > best)) {
            return best;
        }
        return Math.max(best, RowCombination.weightedBound(problem.propagator, problem.chain, b, lo, hi, problem.objective(),
                rows.start(d), rows.end(d), c.weights()));
    }

    /** Rows {@code [from, to)} by their bound in {@code rowLb}, highest first (ties in row order). */
    static int[] closestFirst(double[] rowLb, int from, int to) {
        int n = to - from;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = from + i;
        }
        // Insertion sort: a conjunction has a few rows, and it keeps ties in row order.
        for (int i = 1; i < n; i++) {
            int r = order[i];
            int j = i - 1;
            while (j >= 0 && rowLb[order[j]] < rowLb[r]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = r;
        }
        return order;
    }

    /**
     * The α,β optimisation of every open one-row disjunct that plain CROWN leaves at or below {@code threshold}, all
     * rows together ({@link AlphaBetaOptimizer#lowerBounds}: one pass through the weights per step for all of them,
     * which pays on networks whose weights do not fit in cache; each row's result is what it gets alone). Indexed by
     * row, null where a row is not optimised here (several-row disjuncts stop at their first closing row, so they
     * stay one row after another); null when fewer than two rows qualify.
     */
    private AlphaBetaOptimizer.Result[] singleRowsTogether(ReluChain chain, NetworkBounds b, ReluSplits splits, double[] lo,
                                                          double[] hi, AffineMap objective, ObjectiveRows rows, boolean[] openD,
                                                          double[] rowLb, AlphaBetaStart[] starts, double threshold) {
        int[] picked = new int[rowLb.length];
        int count = 0;
        for (int d = 0; d < openD.length; d++) {
            if (openD[d] && rows.end(d) - rows.start(d) == 1 && rowLb[rows.start(d)] <= threshold) {
                picked[count++] = rows.start(d);
            }
        }
        if (count < 2) {
            return null;
        }
        int[] which = java.util.Arrays.copyOf(picked, count);
        AlphaBetaStart[] from = new AlphaBetaStart[count];
        for (int i = 0; i < count; i++) {
            from[i] = starts[which[i]];
        }
        AlphaBetaOptimizer.Result[] results = problem.optimizer.lowerBounds(chain, b, splits, lo, hi, objective, which,
                problem.options.boundIterations(), from, threshold);
        AlphaBetaOptimizer.Result[] byRow = new AlphaBetaOptimizer.Result[rowLb.length];
        for (int i = 0; i < count; i++) {
            byRow[which[i]] = results[i];
        }
        return byRow;
    }
}
