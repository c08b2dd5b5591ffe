package org.certus.bnb;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.certus.bounds.LinearBounds;
import org.certus.milp.Deadline;

/**
 * Where candidate points come from and how they are checked: the PGD attack from the root relaxation's
 * minimising vertices, the vertices of every node's relaxation, and the exact LPs of leaves. Every
 * candidate is re-checked by the network's own forward pass before the {@link SearchGoal} sees it, so a
 * reported counterexample never rests on a bound.
 */
final class IncumbentSearch {
    private final SearchProblem problem;
    private final SearchGoal goal;
    private final SearchLimits limits;
    private final AtomicLong lps = new AtomicLong();
    private final CheckedPoints checked = new CheckedPoints();

    IncumbentSearch(SearchProblem problem, SearchGoal goal, SearchLimits limits) {
        this.problem = problem;
        this.goal = goal;
        this.limits = limits;
    }

    /** Leaf LPs solved so far. */
    long lps() {
        return lps.get();
    }

    /**
     * Re-checks a candidate with exact forward passes and hands it to the goal.
     *
     * @return the candidate's margin in double arithmetic (the property is violated where it is {@code <= 0}), +∞ when
     *         it lies outside the region; nodes are ranked by the smallest margin of their candidates
     */
    double offer(double[] x) {
        VerificationQuery query = problem.query;
        if (!query.inBox(x)) {
            // LP solutions may overshoot the region by the solver's tolerance: pull them back in.
            x = RegionProjection.project(query, x);
            if (x == null || !query.inBox(x)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        double known = checked.recorded(x);
        if (!Double.isNaN(known)) {
            // Checked already, and the goal saw it then: the same point gives the same passes.
            return known;
        }
        double[] y = query.network().evaluate(x);
        double margin = query.margin(y);
        checked.record(x, margin);
        goal.offer(x, y, margin);
        return margin;
    }

    /** Candidates skipped because the same point was checked before. */
    long repeats() {
        return checked.repeats();
    }

    /** PGD from the root relaxation's minimising vertices and random starts (no attack on a norm ball). */
    void attack(SearchNode root) {
        SearchOptions options = problem.options;
        PgdAttack pgd = new PgdAttack(problem.chain, problem.query.disjuncts());
        LinearBounds lb = problem.propagator.minimize(problem.chain, root.bounds, root.lo, root.hi, problem.objective());
        double[][] starts = lb.argmin();
        long deadline = limits.deadline();
        if (options.attackShare() < 1) {
            long capped = Deadline.plus(System.nanoTime(), (long) (options.attackShare() * Deadline.nanos(options.timeLimit())));
            deadline = capped - deadline < 0 ? capped : deadline;
        }
        // Minimising, PGD keeps descending past the first violation.
        double[] x = pgd.run(root.lo, root.hi, options.attackRestarts(), options.attackSteps(), new Random(options.seed()), starts,
                limits.cancel(), deadline, goal.attackStopAt());
        if (x != null) {
            offer(x);
        }
    }

    /**
     * The node's exact LP per open disjunct (its solutions offered as candidates): the smallest certified
     * bound, each raised to the node's own symbolic row bounds when {@code withSymbolic} (they hold too, and
     * are all there is when an LP gives up).
     */
    double leafBound(SearchNode node, boolean withSymbolic) {
        ObjectiveRows rows = problem.rows;
        VerificationQuery query = problem.query;
        double proven = Double.POSITIVE_INFINITY;
        for (int d = 0; d < node.openDisjuncts.length && !limits.stopped(); d++) {
            if (!node.openDisjuncts[d]) {
                continue;
            }
            lps.incrementAndGet();
            NodeLp.Result r = NodeLp.solve(problem.chain, node.lo, node.hi, query.ball(), query.inputConstraints(), node.bounds,
                    node.splits, query.disjuncts().get(d), problem.options.certifyLp(), limits.deadline());
            if (r.candidate() != null) {
                offer(r.candidate());
            }
            double bound = r.certifiedLowerBound();
            if (withSymbolic) {
                for (int row = rows.start(d); row < rows.end(d); row++) {
                    bound = Math.max(bound, node.rowLower[row]);
                }
            }
            proven = Math.min(proven, bound);
        }
        return proven;
    }
}
