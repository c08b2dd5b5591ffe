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
     * Least {@link NeuronSearchTightening#reach} for the per-neuron searches to run: half the neurons searched both
     * ways at the shortest search. Below it most neurons keep their symbolic bounds, the root's bound barely moves,
     * and the time is the search's. TinyYOLO's prop 386 (4,527 unstable ReLUs in the property's cone, 159 s, 2
     * workers: a reach of 0.35) spent 153 s on the first of six layers, 2,075 searches that settled one neuron, and
     * timed out at −0.0037; without the tightening it was unsat in 200.7 s (17 nodes). At their VNN-COMP limits the
     * other networks reach far more: resnet_4b 0.89–1.55, resnet_2b 3.1, sri_resnet_a 1.3–1.4, marabou-cifar10's
     * large 1.1 and medium 2.1, mnist_fc 256x6 1.9 (measured in the sixteenth session of 2026-12-06). The reach
     * grows with the workers, so a wider machine tightens networks that this one does not.
     */
    static final double LEAST_REACH = 0.5;
    /**
     * Most sweeps of the per-neuron searches over the hidden layers ({@link #tightenAgain}). A sweep gives each layer
     * its share of the time left and caps each search, so on the deep MLPs it ends long before its budget: on mnist_fc
     * 256x6 prop_12_0.05 the first took 56 s of its 170 (1,113 → 224 unstable ReLUs, root −0.775) and the search then
     * timed out at −0.18. A second sweep over the neurons still unstable, each searched from the layers before it as
     * the first sweep left them, took the next 107 s: 195 unstable, root −0.185, and unsat in 257 s when run alone
     * (its proof ended 3.8e-7 above zero; in the suite's run it timed out). A third had 7 s and improved no bound.
     */
    static final int MAX_SWEEPS = 3;
    /** Shortest time left of the budget for which another sweep starts (at least a few searches per layer). */
    static final long MIN_SWEEP_NANOS = 5_000_000_000L;
    private final SearchProblem problem;
    private final SearchLimits limits;
    /** The tightening budget's end ({@link System#nanoTime()} based), set by {@link #tighten}. */
    private long end;
    /** Sweeps of per-neuron searches run so far, and whether the last one improved a bound. */
    private int sweeps;
    private boolean lastImproved;

    RootTighteningStage(SearchProblem problem, SearchLimits limits) {
        this.problem = problem;
        this.limits = limits;
    }

    /**
     * The tightened bounds, or null when the options ask for none (or it cannot help: one hidden layer, an
     * empty region; or its per-neuron searches would reach too few neurons, {@link #LEAST_REACH}); {@code start}
     * itself when no time is left.
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
        end = Deadline.plus(System.nanoTime(), left);
        Duration budget = Duration.ofNanos(left);
        if (neuronSearches(t, query)) {
            return sweep(start, openDisjuncts, left);
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
     * MIP strength by per-neuron searches ({@link RootTightening#neuronSearch()}). They run on the box alone; their
     * start bounds may hold only on a smaller region (a norm ball, input constraints), where a box point could then
     * contradict them: LP and MILPs there.
     */
    private static boolean neuronSearches(RootTightening t, VerificationQuery query) {
        return t.kind() == Tightening.MIP && t.neuronSearch() && query.ball() == null && query.inputConstraints() == null;
    }

    /** Whether a sweep of per-neuron searches ran (their bounds are of MILP strength). */
    boolean searchedNeurons() {
        return sweeps > 0;
    }

    /**
     * Another sweep of per-neuron searches from {@code current} (the root's bounds after the last sweep), with the
     * rest of the budget; null when there is none to run: not a tightening by neuron searches, {@link #MAX_SWEEPS}
     * reached, the last sweep improved no bound, less than {@link #MIN_SWEEP_NANOS} left, or too little time to reach
     * enough neurons ({@link #LEAST_REACH}). The caller bounds the root in between and asks only while it is open.
     *
     * @param openDisjuncts the root's open disjuncts now
     */
    NetworkBounds tightenAgain(NetworkBounds current, boolean[] openDisjuncts) {
        if (sweeps == 0 || sweeps >= MAX_SWEEPS || !lastImproved || current.infeasible() || problem.options.cancel().isCancelled()) {
            return null;
        }
        long left = Math.min(Deadline.left(end), Deadline.left(limits.deadline()));
        return left < MIN_SWEEP_NANOS ? null : sweep(current, openDisjuncts, left);
    }

    /**
     * One sweep over the hidden layers within {@code nanos}. Each sweep doubles the time a neuron's search may take:
     * the neurons a later sweep searches are the ones the earlier left unstable, the hard ones.
     */
    private NetworkBounds sweep(NetworkBounds start, boolean[] openDisjuncts, long nanos) {
        SearchOptions options = problem.options;
        RootTightening t = options.rootTightening();
        Duration neuronLimit = t.neuronTimeLimit().multipliedBy(1L << sweeps);
        // No probes between layers (NeuronSearchTightening.withProbe): those that did not settle the query cost
        // the search its time or the last layers theirs, and sri_resnet_a idx 3667, unsat in 266 s without them,
        // timed out either way (42 s of probes; 69 s of search where it needs 73, or a root of −1.57 for −1.01).
        NeuronSearchTightening searches = new NeuronSearchTightening(neuronLimit, Duration.ofNanos(nanos), options.threads() > 1,
                options.arithmetic(), Math.min(options.boundIterations(), NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS),
                options.cancel(), NeuronSearchTightening.ROOT_GAP_FRACTION)
                .withPriority(problem.rows.openDisjuncts(openDisjuncts))
                // Each search starts from bounds the earlier layers' searches made MILP-strong, which its children's
                // CROWN recomputation does not beat: keeping them, the ten mnist_fc instances this tightening decides
                // (every second one of the 20 in measurements.md) took 515.1 s against 527.8 s, 9 of 10 faster.
                .withFixedIntermediateBounds(true);
        long neurons = searches.searchedNeurons(problem.chain, start);
        // With no neuron to search (reach infinite) it still runs: re-propagating the layers narrows the float32
        // error model (VnnlibFastTest's point box).
        double reach = searches.reach(neurons);
        if (reach < LEAST_REACH) {
            if (sweeps == 0) {
                LOG.info("no root tightening: its {} ms reach {}% of the {} unstable ReLUs it would search (at least {}% wanted)",
                        nanos / 1_000_000, Math.round(100 * reach), neurons, Math.round(100 * LEAST_REACH));
            }
            return null;
        }
        LOG.debug("root tightening, sweep {}: its {} ms reach {}% of the {} unstable ReLUs it would search", sweeps + 1,
                nanos / 1_000_000, Math.round(100 * reach), neurons);
        NetworkBounds tightened = searches.tighten(problem.chain, problem.query.inputLower(), problem.query.inputUpper(), start);
        NeuronSearchTightening.Statistics stats = searches.lastStatistics();
        LOG.debug("root tightening, sweep {}: {}", sweeps + 1, stats);
        sweeps++;
        lastImproved = stats.boundsImproved() > 0;
        return tightened;
    }
}
