package org.certus.api;

import java.time.Duration;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.ReluChain;
import org.certus.spec.VnnlibProperty;
import org.certus.tighten.Tightening;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Strategy#STAGED}: a short search on symbolic bounds; only when it runs out of time, a second one with
 * MIP-strength root tightening for the time that is left (the first one's nodes are not kept: at most
 * {@link TimeBudget#QUICK_STAGE_SHARE} of the time is lost). Networks split on their inputs, and networks with one ReLU
 * layer, get one search.
 */
final class StagedSolve {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    /**
     * Longest time per neuron and direction in the root's MIP-strength tightening, which bounds each neuron with a
     * short search of this engine ({@link org.certus.bnb.NeuronSearchTightening}) rather than a MILP on ojAlgo LPs
     * (the searches spread the budget over the layers, so a neuron often gets less). On 256x4 prop_0_0.05 after LP
     * (203 unstable ReLUs): the MILPs with 0.5 s left 177 in 73 s, the searches with 0.5 s 162 in 24 s, with 2 s 144
     * in 69 s — and the instance went from a timeout to unsat in 111 s. 256x4 prop_10_0.05: a timeout with 2 s per
     * neuron, unsat in 156 s with 5 s (113 unstable ReLUs left instead of 122; the root alone then proves it).
     */
    static final Duration ROOT_MIP_NEURON_LIMIT = Duration.ofSeconds(5);
    /**
     * α,β steps per open row and node of the staged strategy (the search's default is 20): measured on mnist_fc
     * 256x4 prop_11_0.05 8,235 → 1,253 nodes, and ACAS Xu 67 → 47 s for the suite.
     */
    static final int BOUND_ITERATIONS = 40;

    private StagedSolve() {
    }

    /**
     * MIP-strength root bounds for networks that the search splits on ReLUs (image-sized inputs), when the
     * symbolic bounds leave the root open and after the attack found nothing: a short search per unstable neuron,
     * layer by layer, straight from the symbolic bounds ({@link RootTightening#neuronSearch()}; no LP first — on
     * 256x6 prop_3_0.05 LP tightening alone took 172 s and the searches reach the same bounds without it). Deep
     * networks need them: 256x4 prop_13_0.05 and 256x6 prop_3_0.05 went from timeouts to unsat with 2 search nodes
     * after the tightening. Neurons that the budget does not reach keep their symbolic bounds. Small-input
     * networks (ACAS Xu) are split on their inputs, where every node's box is small and symbolic bounds suffice:
     * {@code options} itself for them.
     */
    static SearchOptions rootTightened(Network net, SearchOptions options, Duration timeout) {
        if (net.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS || oneReluLayer(net)) {
            return options;
        }
        return options.withRootTightening(new RootTightening(Tightening.MIP, ROOT_MIP_NEURON_LIMIT, TimeBudget.rootTightening(timeout), true));
    }

    /**
     * One ReLU layer (mnist-rsl18a): its pre-activations are affine in the input, their box bounds exact, and the
     * tightening (of the layers after the first) has nothing to do; a second search would only start over.
     */
    private static boolean oneReluLayer(Network net) {
        try {
            return ReluChain.of(net).reluLayerCount() <= 1;
        } catch (NetworkException e) {
            return false; // lowered per query (a skip from the input): a graph, not one layer
        }
    }

    /** The two stages within {@code timeout}; the first gets {@code quick}. {@code base} carries the listeners already. */
    static Verdict verifyInStages(Verifier verifier, VnnlibProperty property, SearchOptions base, Duration timeout, Duration quick,
                                  VerificationListener listener) {
        long t0 = System.nanoTime();
        Network net = verifier.network();
        if (rootTightened(net, base, timeout) == base) {
            stage(listener, "one search on symbolic bounds (no root tightening: " + (oneReluLayer(net) ? "one ReLU layer"
                    : net.inputSize() + " inputs, split on the inputs") + ")");
            return verifier.searchCases(property, base);
        }
        stage(listener, "stage 1: search on symbolic bounds for " + TimeBudget.millis(quick) + " ms");
        Verdict first = verifier.searchCases(property, base.withTimeLimit(quick));
        Duration left = TimeBudget.left(timeout, t0);
        if (first.status() != VerdictStatus.TIMEOUT || base.cancel().isCancelled() || left.isNegative() || left.isZero()) {
            return first;
        }
        stage(listener, "stage 2: root tightening by per-neuron searches, then the search, for " + TimeBudget.millis(left) + " ms");
        return verifier.searchCases(property, rootTightened(net, base.withTimeLimit(left), left));
    }

    private static void stage(VerificationListener listener, String description) {
        LOG.info(description);
        listener.stage(description);
    }
}
