package org.certus.bnb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SignSearch;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.Layer;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;

/**
 * {@link SignSearch} by the verifier itself: the network cut just before ReLU layer {@code layer}, with one
 * output, the neuron's pre-activation, asked "is there an input of the box where ±output ≥ 0?". Its attack
 * usually answers at once; otherwise branch and bound with α,β bounds decides it, which scales to neurons
 * deep in a network where {@link org.certus.bounds.MilpSignSearch}'s MILP does not. Bounds are for real
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
        Network cut = cutBefore(chain.network(), layer, neuron);
        // Unsafe set: row(y) <= 0 with row = ∓y, i.e. ±y >= 0.
        AffineMap unsafe = AffineMap.fromDense(1, 1, new double[] {positive ? -1.0 : 1.0}, new double[] {0.0});
        Verdict v = new BranchAndBound(new VerificationQuery(cut, lo, hi, List.of(unsafe)), options.withTimeLimit(limit)).run();
        return switch (v.status()) {
            // Verified: ±y < 0 on the whole box, so the sign is impossible.
            case VERIFIED -> Outcome.IMPOSSIBLE;
            case FALSIFIED -> new Outcome(v.counterexample().orElseThrow().input(), false);
            default -> Outcome.UNDECIDED;
        };
    }

    /**
     * The layers of {@code network} before its ReLU number {@code layer} (0-based), flattened in the order
     * {@link ReluChain} numbers neurons, then a one-output dense layer that picks {@code neuron}.
     */
    static Network cutBefore(Network network, int layer, int neuron) {
        List<Layer> layers = new ArrayList<>();
        int relus = 0;
        for (int i = 0; i < network.layerCount(); i++) {
            Layer l = network.layer(i);
            if (l instanceof Relu) {
                if (relus == layer) {
                    int width = network.shapeBefore(i).size();
                    double[] pick = new double[width];
                    pick[neuron] = 1.0;
                    layers.add(new Flatten(FlattenOrder.NCHW));
                    layers.add(new Dense(width, 1, pick, new double[] {0.0}));
                    return new Network(network.name() + "-relu" + layer + "-" + neuron, network.inputShape(), network.inputDomain(), layers);
                }
                relus++;
            }
            layers.add(l);
        }
        throw new IllegalArgumentException("network '" + network.name() + "' has no ReLU layer " + layer);
    }
}
