package org.certus.api;

import java.time.Duration;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Network;
import org.certus.nn.LoweringStopped;
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
    /**
     * α,β steps per open row and node on networks whose lowered maps hold at least {@link #LARGE_NETWORK_WEIGHTS}
     * weights (cifar10_resnet's resnet_4b 2.4 million, sri_resnet_a's 2.1 million; cgan's and TinyYOLO's more): there a
     * step is a pass over millions of weights, and more nodes beat tighter ones. At 300 s, 20 steps against 40 on
     * the same jar: sri_resnet_a idx 3612 unsat in 296 s (1,138 nodes) against a timeout at −0.17 (677 nodes), idx
     * 4904 unsat in 299 s (1,584) against −0.29 (1,004), resnet4b prop_0 −0.046 (1,523) against −0.054 (1,255);
     * cifar10_resnet at a tenth of its timeouts, the same 47 unsat, the 25 timeouts 1.49× the nodes (median).
     */
    static final int LARGE_NETWORK_BOUND_ITERATIONS = 20;
    /**
     * Lowered weights from which {@link #LARGE_NETWORK_BOUND_ITERATIONS} and fixed intermediate bounds apply
     * (marabou-cifar10's largest has 1.8 million). Fixed intermediate bounds at 300 s: sri_resnet_a idx 3612 unsat in
     * 222 s and 241 s (before: a timeout, unsat in 265 s and 296 s), idx 4904 unsat in 254 s and a timeout (before:
     * unsat in 299 s), resnet4b prop_0 a timeout at −0.047 (−0.046, −0.058); the search's nodes come 1.7× as fast,
     * and the root tightening's searches, run the same way, leave tighter roots (idx 3612: −0.85 and −0.95 against
     * −1.13 … −1.37).
     */
    static final long LARGE_NETWORK_WEIGHTS = 2_000_000;
    /**
     * The attack before the root tightening: longer descents than the first stage's (the search's default is 4
     * restarts of 40 steps), within {@link TimeBudget#LONG_ATTACK_SHARE} of the time. The first stage ends without
     * an answer on instances whose counterexample PGD reaches only in small steps: marabou-cifar10's cifar10_large
     * index 6413 (ε = 0.012, target 7; α,β-CROWN and oval find it in 7 and 9 s) is 0.15 above the property's bound
     * after 4 descents of 40 steps and found by one of 400 (descents along the sum of the rows, {@code PgdAttack}).
     */
    static final int LONG_ATTACK_RESTARTS = 8;
    static final int LONG_ATTACK_STEPS = 400;

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
        return rootTightened(net, null, options, timeout);
    }

    /** As {@link #rootTightened(Network, SearchOptions, Duration)}, with the query's chain when it is lowered already. */
    private static SearchOptions rootTightened(Network net, ReluChain lowered, SearchOptions options, Duration timeout) {
        if (net.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS || oneReluLayer(net, lowered)) {
            return options;
        }
        SearchOptions tightened = options.withRootTightening(new RootTightening(Tightening.MIP, ROOT_MIP_NEURON_LIMIT,
                TimeBudget.rootTightening(timeout), true));
        return options.attackRestarts() == 0 ? tightened
                : tightened.withAttack(LONG_ATTACK_RESTARTS, LONG_ATTACK_STEPS, TimeBudget.LONG_ATTACK_SHARE);
    }

    /**
     * One ReLU layer (mnist-rsl18a): its pre-activations are affine in the input, their box bounds exact, and the
     * tightening (of the layers after the first) has nothing to do; a second search would only start over.
     */
    private static boolean oneReluLayer(Network net, ReluChain lowered) {
        if (lowered != null) {
            return lowered.reluLayerCount() <= 1;
        }
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
        ReluChain chain = lowerFirst(net, property, t0, timeout, base);
        Duration lowered = Duration.ofNanos(System.nanoTime() - t0);
        if (lowered.compareTo(LOWERING_NOTICED) > 0) {
            stage(listener, "lowered the network over the property's region in " + lowered.toMillis() + " ms");
        }
        base = forNetworkSize(chain, base);
        if (rootTightened(net, chain, base, timeout) == base) {
            stage(listener, "one search on symbolic bounds (no root tightening: " + (oneReluLayer(net, chain) ? "one ReLU layer"
                    : net.inputSize() + " inputs, split on the inputs") + ")");
            return verifier.searchCases(property, base);
        }
        Duration rest = TimeBudget.left(timeout, t0);
        if (lowered.compareTo(quick) > 0 && rest.compareTo(Duration.ZERO) > 0) {
            // Bounding the root is a pass over the same weights as lowering them: the first stage would end before
            // its root (TinyYOLO: 20-30 s to lower, 40 s to bound), and the second would start that root over.
            stage(listener, "no first stage (lowering alone took longer than its " + TimeBudget.millis(quick)
                    + " ms): root tightening by per-neuron searches, then the search, for " + TimeBudget.millis(rest) + " ms");
            return verifier.searchCases(property, rootTightened(net, chain, base.withTimeLimit(rest), rest));
        }
        stage(listener, "stage 1: search on symbolic bounds for " + TimeBudget.millis(quick) + " ms");
        Verdict first = verifier.searchCases(property, base.withTimeLimit(quick));
        Duration left = TimeBudget.left(timeout, t0);
        if (first.status() != VerdictStatus.TIMEOUT || base.cancel().isCancelled() || left.isNegative() || left.isZero()) {
            return first;
        }
        stage(listener, "stage 2: root tightening by per-neuron searches, then the search, for " + TimeBudget.millis(left) + " ms");
        return verifier.searchCases(property, rootTightened(net, chain, base.withTimeLimit(left), left));
    }

    /**
     * {@code options} for a network of {@link #LARGE_NETWORK_WEIGHTS} weights or more in {@code chain}: at most
     * {@link #LARGE_NETWORK_BOUND_ITERATIONS} α,β steps, and children that keep their parent's hidden-layer bounds
     * ({@link SearchOptions#fixedIntermediateBounds()}); as they are for smaller networks, and when the lowering
     * stopped (null).
     */
    static SearchOptions forNetworkSize(ReluChain chain, SearchOptions options) {
        if (chain == null) {
            return options;
        }
        long weights = 0;
        for (int i = 0; i <= chain.reluLayerCount(); i++) {
            weights += chain.affine(i).nonZeros();
        }
        if (weights < LARGE_NETWORK_WEIGHTS) {
            return options;
        }
        SearchOptions o = options.boundIterations() <= LARGE_NETWORK_BOUND_ITERATIONS ? options
                : options.withBoundIterations(LARGE_NETWORK_BOUND_ITERATIONS);
        return o.withFixedIntermediateBounds(true);
    }

    /** Lowering times worth a line in the log. */
    private static final Duration LOWERING_NOTICED = Duration.ofSeconds(1);

    /**
     * Lowers a graph that needs the query's region (a skip from the input) over the property's boxes before the
     * stages, within the whole time limit: {@link ReluChain#of(Network, double[], double[], java.util.function.BooleanSupplier)}
     * keeps the chain, so the stages find it ready. TinyYOLO's takes most of a minute; inside the first stage it
     * ran out of that stage's few seconds, and the second stage started it over. Stopped at the limit, it leaves
     * the stages to report the timeout.
     */
    private static ReluChain lowerFirst(Network net, VnnlibProperty property, long t0, Duration timeout, SearchOptions base) {
        double[] lo = property.cases().get(0).box().lower().clone();
        double[] hi = property.cases().get(0).box().upper().clone();
        for (VnnlibProperty.Case c : property.cases()) {
            for (int i = 0; i < lo.length; i++) {
                lo[i] = Math.min(lo[i], c.box().lower()[i]);
                hi[i] = Math.max(hi[i], c.box().upper()[i]);
            }
        }
        long limit = TimeBudget.millis(timeout);
        try {
            return ReluChain.of(net, lo, hi, () -> base.cancel().isCancelled()
                    || (System.nanoTime() - t0) / 1_000_000 > limit);
        } catch (LoweringStopped e) {
            return null; // the first stage meets the same limit and says so
        }
    }

    private static void stage(VerificationListener listener, String description) {
        LOG.info(description);
        listener.stage(description);
    }
}
