package org.certus.bnb;

import java.time.Duration;
import java.util.List;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.tighten.SignSearch;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

/**
 * {@link SignSearch} by the verifier itself: the network cut just before ReLU layer {@code layer} (its outputs
 * are that layer's pre-activations, as {@link NeuronSearchTightening} cuts it), asked "is there an input of the
 * box where ±z ≥ 0?" for the neuron's z. Its attack
 * usually answers at once; otherwise branch and bound with α,β bounds decides it, which scales to neurons
 * deep in a network where {@link org.certus.tighten.MilpSignSearch}'s MILP does not. Bounds are for real
 * arithmetic: the question is about the network's real-valued pre-activation.
 */
public final class BranchAndBoundSignSearch implements SignSearch {
    private final SearchOptions options;

    /** Default search options in real arithmetic. */
    public BranchAndBoundSignSearch() {
        this(SearchOptions.defaults());
    }

    /** These options (threads, attack, …) in real arithmetic; the time limit is set per search. */
    public BranchAndBoundSignSearch(SearchOptions options) {
        this.options = options.withArithmetic(ArithmeticModel.REAL);
    }

    @Override
    public Outcome search(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds, int layer, int neuron, boolean positive,
                          Duration limit) {
        Network cut = NeuronSearchTightening.cutBefore(chain, layer);
        // Unsafe set: row(y) <= 0 with row = ∓y_neuron, i.e. ±z >= 0.
        AffineMap unsafe = new AffineMap(1, cut.outputSize(), new int[] {0, 1}, new int[] {neuron},
                new double[] {positive ? -1.0 : 1.0}, new double[] {0.0});
        Verdict v = new BranchAndBound(new VerificationQuery(cut, lo, hi, List.of(unsafe)), options.withTimeLimit(limit)).nested().run();
        return switch (v.status()) {
            // Verified: ±y < 0 on the whole box, so the sign is impossible.
            case VERIFIED -> Outcome.IMPOSSIBLE;
            case FALSIFIED -> new Outcome(v.counterexample().orElseThrow().input(), false);
            default -> Outcome.UNDECIDED;
        };
    }
}
