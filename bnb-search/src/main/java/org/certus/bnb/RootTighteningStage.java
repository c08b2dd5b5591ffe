package org.certus.bnb;

import java.time.Duration;
import org.certus.bounds.NetworkBounds;
import org.certus.milp.Deadline;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
import org.certus.tighten.Tightening;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root's hidden-layer bounds after LP or MIP tightening ({@link SearchOptions#rootTightening()}): a stage
 * before branching, run only when the symbolic bounds leave the root open. It starts from the engine's own
 * symbolic bounds (which know an L1 region; the tightening itself works on the box, a superset) and only ever
 * narrows them, in the engine's arithmetic, so sound mode's float32 error model is kept. Its time counts
 * against the query's limit; neurons it does not reach keep their symbolic bounds. MIP strength with
 * {@link RootTightening#neuronSearch()} bounds each neuron with a short search of this engine, through its
 * public entry ({@link NeuronSearchTightening} runs {@link BranchAndBound}s of its own).
 */
final class RootTighteningStage {
    private static final Logger LOG = LoggerFactory.getLogger(RootTighteningStage.class);
    /**
     * A probe's time as a share of the tightening's so far. Probes wait for that time to double since the last one, so
     * together they take at most twice this share more; each one's time extends the tightening's budget out of the
     * search's, never by more than half of what the search would have had. On cifar10_resnet resnet_4b prop_0
     * (nine tightened layers) a probe after every layer took 111 of the search's 114 s.
     */
    static final double PROBE_SHARE = 0.2;
    /** Shortest probe: below a second a search of a network worth tightening layer by layer barely leaves its root. */
    static final long MIN_PROBE_NANOS = 1_000_000_000L;

    private final SearchProblem problem;
    private final SearchLimits limits;
    /** The tightening's time at the last probe: the next one waits until it has doubled. */
    private long lastProbeAt;

    RootTighteningStage(SearchProblem problem, SearchLimits limits) {
        this.problem = problem;
        this.limits = limits;
    }

    /**
     * The tightened bounds, or null when the options ask for none (or it cannot help: one hidden layer, an
     * empty region); {@code start} itself when no time is left.
     *
     * @param openDisjuncts the root's open disjuncts: per-neuron searches spend their time by each neuron's
     *                      share of these disjuncts' rows
     */
    NetworkBounds tighten(NetworkBounds start, boolean[] openDisjuncts) {
        SearchOptions options = problem.options;
        VerificationQuery query = problem.query;
        RootTightening t = options.rootTightening();
        if (!t.tightensBeyondSymbolic() || problem.chain.reluLayerCount() < 2 || start.infeasible()) {
            return null;
        }
        double[] lo = query.inputLower();
        double[] hi = query.inputUpper();
        boolean parallel = options.threads() > 1;
        long left = Math.min(Deadline.left(limits.deadline()), Deadline.nanos(t.budget()));
        if (left <= 0) {
            return start;
        }
        long end = Deadline.plus(System.nanoTime(), left);
        Duration budget = Duration.ofNanos(left);
        // The searches run on the box alone; their start bounds may hold only on a smaller region (a norm
        // ball, input constraints), where a box point could then contradict them: LP and MILPs there.
        if (t.kind() == Tightening.MIP && t.neuronSearch() && query.ball() == null && query.inputConstraints() == null) {
            return new NeuronSearchTightening(t.neuronTimeLimit(), budget, parallel, options.arithmetic(),
                    Math.min(options.boundIterations(), NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS), options.cancel(),
                    NeuronSearchTightening.ROOT_GAP_FRACTION)
                    .withPriority(problem.rows.openDisjuncts(openDisjuncts))
                    .withProbe(this::settles, Deadline.plus(end, Deadline.left(limits.deadline()) / 2 - Deadline.left(end) / 2))
                    .tighten(problem.chain, lo, hi, start);
        }
        NetworkBounds lp = new LpTightening(budget, budget, parallel, options.arithmetic()).tighten(problem.chain, lo, hi, start);
        if (t.kind() != Tightening.MIP) {
            return lp;
        }
        long rest = Deadline.left(end);
        if (rest <= 0) {
            return lp;
        }
        return new MipTightening(t.neuronTimeLimit(), Duration.ofNanos(rest), parallel, options.arithmetic()).tighten(problem.chain, lo, hi, lp);
    }

    /**
     * The per-neuron tightening's {@link NeuronSearchTightening.Probe}: a search of the whole query from the bounds so far,
     * for {@link #PROBE_SHARE} of the time the tightening has taken (none shorter than {@link #MIN_PROBE_NANOS}, and
     * only once that time has doubled since the last probe), with no attack (the search before the tightening ran
     * it) and no tightening of its own. Its answer only ends the tightening: the search after it, from the same
     * bounds, decides the query again and reports it, so nothing the probe finds is reported unchecked.
     */
    private boolean settles(NetworkBounds current, long tighteningNanos) {
        long limit = (long) (PROBE_SHARE * tighteningNanos);
        if (tighteningNanos < 2 * lastProbeAt || limit < MIN_PROBE_NANOS || limit > Deadline.left(limits.deadline())) {
            return false;
        }
        lastProbeAt = tighteningNanos;
        SearchOptions o = problem.options.withTimeLimit(Duration.ofNanos(limit)).withAttack(0, 0)
                .withRootTightening(RootTightening.of(Tightening.SYMBOLIC)).withListener(SearchListener.NONE);
        VerdictStatus s = new BranchAndBound(problem.query, o).startingFrom(current).nested().run().status();
        LOG.debug("tried the search from the bounds so far for {} ms: {}", limit / 1_000_000, s);
        return s == VerdictStatus.VERIFIED || s == VerdictStatus.FALSIFIED;
    }
}
