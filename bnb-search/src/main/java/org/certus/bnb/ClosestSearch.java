package org.certus.bnb;

import java.time.Duration;
import java.util.List;
import org.certus.bounds.L1Ball;
import org.certus.bounds.L2Ball;
import org.certus.bounds.NormBall;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

/**
 * MIPVerify's {@code closest} objective: the smallest perturbation (L∞, L1 or L2) of {@code x0} within
 * the input domain that satisfies the unsafe condition. Solved by bisection on the radius with a
 * complete feasibility search at each step: a VERIFIED radius is a proven lower bound, and every
 * counterexample's own distance is an upper bound. Each radius's region is built with outward
 * rounding, so that "verified at r" covers every point at distance {@code <= r} exactly.
 */
public final class ClosestSearch {
    private final Network network;
    private final double[] center;
    private final double[] domainLower;
    private final double[] domainUpper;
    private final List<AffineMap> disjuncts;
    private final Norm norm;
    private final org.certus.nn.Float32Evaluation float32;

    public ClosestSearch(Network network, double[] center, double[] domainLower, double[] domainUpper,
                         List<AffineMap> disjuncts, Norm norm) {
        this.network = network;
        this.center = center.clone();
        this.domainLower = domainLower.clone();
        this.domainUpper = domainUpper.clone();
        this.disjuncts = List.copyOf(disjuncts);
        this.norm = norm;
        this.float32 = new org.certus.nn.Float32Evaluation(network);
    }

    /** The largest distance any point of the domain can have from the centre. */
    public double maxRadius() {
        double r = 0;
        for (int i = 0; i < center.length; i++) {
            double v = Math.max(center[i] - domainLower[i], domainUpper[i] - center[i]);
            r = switch (norm) {
                case LINF -> Math.max(r, v);
                case L1 -> r + v;
                case L2 -> r + v * v;
            };
        }
        // Rounded up: the ball of this radius must contain the whole domain.
        // (the sum of squares is within γ_n of the exact one; its square root within half that).
        return norm == Norm.L2 ? Math.nextUp(Math.sqrt(r) * (1 + (center.length + 2) * 0x1p-52)) : r;
    }

    /** Number of bisection steps of {@link #shrink}: 2^-30 of the example's distance. */
    private static final int SHRINK_STEPS = 30;

    /**
     * Moves a counterexample towards the centre along the segment between them as far as it stays a
     * counterexample (bisection on the segment, every point checked by an exact forward pass). Search
     * counterexamples sit on the region's boundary, at distance = radius; this makes the upper bound
     * fall much faster than halving the radius would.
     */
    private Counterexample shrink(Counterexample ce) {
        VerificationQuery whole = queryAt(maxRadius());
        double lo = 0, hi = 1;
        Counterexample best = ce;
        double[] x = ce.input();
        if (!ce.validInDouble()) {
            return ce;
        }
        for (int i = 0; i < SHRINK_STEPS; i++) {
            double t = 0.5 * (lo + hi);
            double[] p = new double[x.length];
            for (int j = 0; j < p.length; j++) {
                p[j] = center[j] + t * (x[j] - center[j]);
            }
            double[] y = network.evaluate(p);
            double m = whole.margin(y);
            if (m <= 0 && whole.inBox(p)) {
                hi = t;
                best = counterexampleAt(p, y, m, whole);
            } else {
                lo = t;
            }
        }
        return best;
    }

    /** Below twice this much time left, a bisection step gets all of it (see {@link #run}). */
    private static final long MIN_STEP_NANOS = 1_000_000_000L;

    /** Rounds of {@link #closer}, and the fraction of the distance each round asks to gain. */
    private static final int CLOSER_ROUNDS = 40;
    private static final double CLOSER_STEP = 1.0 / 64;

    /**
     * Looks for a counterexample closer than {@code ce} (L∞ only): PGD inside the box of a radius a
     * little below its distance, started from {@code ce} pulled towards the centre, then {@link #shrink},
     * for as long as that succeeds. Which example a search's attack finds is luck; from a poor one,
     * the bisection would have to decide radii between the true distance and the poor one, where a
     * counterexample is both close to the boundary and hard for the search to find. Every candidate is
     * checked by an exact forward pass.
     */
    private Counterexample closer(Counterexample ce, SearchOptions options, long deadline) {
        if (norm != Norm.LINF || options.attackRestarts() <= 0 || !ce.validInDouble()) {
            return ce;
        }
        PgdAttack attack = new PgdAttack(ReluChain.of(network, domainLower, domainUpper), disjuncts);
        java.util.Random rnd = new java.util.Random(options.seed());
        double d = norm.distance(ce.input(), center);
        for (int round = 0; round < CLOSER_ROUNDS && d > 0; round++) {
            if (System.nanoTime() > deadline || options.cancel().isCancelled()) {
                break;
            }
            double r = d * (1 - CLOSER_STEP);
            VerificationQuery q = queryAt(r);
            double[] start = new double[center.length];
            for (int j = 0; j < start.length; j++) {
                double v = center[j] + (r / d) * (ce.input()[j] - center[j]);
                start[j] = Math.min(q.inputUpper()[j], Math.max(q.inputLower()[j], v));
            }
            double[] x = attack.run(q.inputLower(), q.inputUpper(), options.attackRestarts(), options.attackSteps(), rnd,
                    new double[][] {start}, options.cancel(), deadline, 0.0);
            if (x == null || !q.inBox(x)) {
                break;
            }
            double[] y = network.evaluate(x);
            double m = q.margin(y);
            if (!(m <= 0)) {
                break;
            }
            Counterexample found = shrink(counterexampleAt(x, y, m, q));
            double df = norm.distance(found.input(), center);
            if (!(df < d)) {
                break;
            }
            ce = found;
            d = df;
        }
        return ce;
    }

    /** A counterexample at p with its double margin m, and its float32 margin. */
    private Counterexample counterexampleAt(double[] p, double[] y, double m, VerificationQuery q) {
        double[] pf = org.certus.nn.Float32Evaluation.roundInto(p, q.inputLower(), q.inputUpper());
        double mf = q.inBox(pf) ? q.margin(float32.evaluate(pf)) : Double.POSITIVE_INFINITY;
        return new Counterexample(p, y, m, mf);
    }

    /** The query "some point within distance r is unsafe". */
    public VerificationQuery queryAt(double r) {
        double[] lo = new double[center.length];
        double[] hi = new double[center.length];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = Math.max(domainLower[i], Math.nextDown(center[i] - r));
            hi[i] = Math.min(domainUpper[i], Math.nextUp(center[i] + r));
        }
        NormBall ball = switch (norm) {
            case LINF -> null;
            case L1 -> new L1Ball(center, Math.nextUp(r));
            case L2 -> new L2Ball(center, Math.nextUp(r));
        };
        return new VerificationQuery(network, lo, hi, disjuncts, ball);
    }

    /**
     * Bisects until {@code upper − lower <= tolerance} or the time limit of {@code options} ends.
     * The first step searches the whole domain (radius {@code maxRadius}).
     */
    public DistortionBounds run(double tolerance, SearchOptions options) {
        long start = System.nanoTime();
        long deadline = Deadline.after(start, options.timeLimit());
        SearchListener listener = SearchListener.both(new SearchLog(false), options.listener());
        double lower = 0;
        double upper = Double.POSITIVE_INFINITY;
        Counterexample best = null;
        long nodes = 0, lps = 0, attack = 0, bound = 0;
        int depth = 0;
        double r = maxRadius();
        boolean complete = true;
        // The smallest radius whose search ended UNKNOWN (the bisection then continues below it).
        double undecided = Double.POSITIVE_INFINITY;
        boolean stoppedEarly = false;
        boolean stepTimedOut = false;
        // The smallest radius whose step ran out of its share of the time (retried once the radii below are decided).
        double outOfShare = Double.POSITIVE_INFINITY;
        while (true) {
            long left = Deadline.left(deadline);
            if (left <= 0 || options.cancel().isCancelled()) {
                complete = false;
                stoppedEarly = true;
                break;
            }
            // A step gets half of the time left (all of it when little is left): a radius the search cannot decide
            // then leaves time to bisect below it, instead of ending the whole search there.
            long budget = left <= 2 * MIN_STEP_NANOS ? left : left / 2;
            Verdict v = new BranchAndBound(queryAt(r), options.withTimeLimit(Duration.ofNanos(budget))).run();
            SearchStatistics s = v.statistics();
            listener.closestStep(r, v.status(), s.nodes());
            nodes += s.nodes();
            lps += s.lps();
            attack += s.attackMillis();
            bound += s.boundMillis();
            depth = Math.max(depth, s.maxDepth());
            if (v.status() == VerdictStatus.VERIFIED) {
                lower = Math.max(lower, r);
            } else if (v.status() == VerdictStatus.FALSIFIED) {
                Counterexample ce = closer(shrink(v.counterexample().orElseThrow()), options, deadline);
                double d = norm.distance(ce.input(), center);
                if (d < upper) {
                    upper = d;
                    best = ce;
                }
            } else if (v.status() == VerdictStatus.TIMEOUT && budget < left && !options.cancel().isCancelled()) {
                // Out of this step's share at r: no bound either way. Bisect below it with the rest; the answer
                // stays a timeout (incomplete for lack of time) even if the bracket closes under r.
                complete = false;
                stepTimedOut = true;
                outOfShare = Math.min(outOfShare, r);
            } else if (v.status() == VerdictStatus.UNKNOWN && !options.cancel().isCancelled()) {
                // Neither proof nor example at r (an L2 leaf the LP relaxation could not decide):
                // r is no bound either way, but smaller radii may still be proved. Bisect below it.
                complete = false;
                undecided = Math.min(undecided, r);
            } else {
                complete = false;
                stoppedEarly = true;
                break;
            }
            if (upper == Double.POSITIVE_INFINITY && undecided == Double.POSITIVE_INFINITY && outOfShare == Double.POSITIVE_INFINITY) {
                // The whole domain is safe: nothing to bisect.
                break;
            }
            double ceiling = Math.min(upper, Math.min(undecided, outOfShare));
            if (ceiling - lower <= tolerance && outOfShare < Math.min(upper, undecided) && Deadline.left(deadline) > 0) {
                // Everything below the radius that ran out of its share is decided: spend the rest between the
                // proven radius and the example.
                outOfShare = Double.POSITIVE_INFINITY;
                ceiling = Math.min(Math.min(upper, undecided), maxRadius());
            }
            if (ceiling - lower <= tolerance) {
                // Complete when the proven bracket itself closed (an undecided radius above the
                // best example does not matter); not when only an undecided radius bounds it.
                complete = upper - lower <= tolerance;
                break;
            }
            r = lower + 0.5 * (ceiling - lower);
        }
        long total = (System.nanoTime() - start) / 1_000_000;
        SearchStatistics stats = new SearchStatistics(nodes, lps, depth, lower, upper, attack, bound, total, 0);
        return new DistortionBounds(norm, lower, upper, best, complete, stats, !complete && !stoppedEarly && !stepTimedOut);
    }
}
