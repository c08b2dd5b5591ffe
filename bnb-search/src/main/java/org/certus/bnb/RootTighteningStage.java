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
    private final SearchProblem problem;
    private final SearchLimits limits;

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
        long end = Deadline.plus(System.nanoTime(), left);
        Duration budget = Duration.ofNanos(left);
        // The searches run on the box alone; their start bounds may hold only on a smaller region (a norm
        // ball, input constraints), where a box point could then contradict them: LP and MILPs there.
        if (t.kind() == Tightening.MIP && t.neuronSearch() && query.ball() == null && query.inputConstraints() == null) {
            // No probes between layers (NeuronSearchTightening.withProbe): those that did not settle the query cost
            // the search its time or the last layers theirs, and sri_resnet_a idx 3667, unsat in 266 s without them,
            // timed out either way (42 s of probes; 69 s of search where it needs 73, or a root of −1.57 for −1.01).
            NeuronSearchTightening searches = new NeuronSearchTightening(t.neuronTimeLimit(), budget, parallel, options.arithmetic(),
                    Math.min(options.boundIterations(), NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS), options.cancel(),
                    NeuronSearchTightening.ROOT_GAP_FRACTION)
                    .withPriority(problem.rows.openDisjuncts(openDisjuncts))
                    .withFixedIntermediateBounds(options.fixedIntermediateBounds());
            long neurons = searches.searchedNeurons(problem.chain, start);
            // With no neuron to search (reach infinite) it still runs: re-propagating the layers narrows the float32
            // error model (VnnlibFastTest's point box).
            double reach = searches.reach(neurons);
            if (reach < LEAST_REACH) {
                LOG.info("no root tightening: its {} ms reach {}% of the {} unstable ReLUs it would search (at least {}% wanted)",
                        budget.toMillis(), Math.round(100 * reach), neurons, Math.round(100 * LEAST_REACH));
                return null;
            }
            LOG.debug("root tightening: its {} ms reach {}% of the {} unstable ReLUs it would search", budget.toMillis(),
                    Math.round(100 * reach), neurons);
            NetworkBounds tightened = searches.tighten(problem.chain, lo, hi, start);
            LOG.debug("root tightening: {}", searches.lastStatistics());
            return tightened;
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
}
