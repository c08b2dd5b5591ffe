package org.certus.tighten;

import org.certus.bounds.NetworkBounds;

import java.time.Duration;
import org.certus.nn.ReluChain;

/**
 * A complete (given time) search for an input of a box at which one ReLU's pre-activation has a given sign:
 * the stage of {@link UnstableWitnesses} for the signs its attack could not reach. Implementations: the exact
 * MILP of the layers before the neuron ({@link MilpSignSearch}), and in {@code bnb-search} the full
 * branch-and-bound verifier on the network cut after that neuron.
 */
@FunctionalInterface
public interface SignSearch {

    /**
     * What a search found.
     *
     * @param input      a candidate input (the caller clamps it to the box and evaluates it exactly before it
     *                   counts as a witness), or null
     * @param impossible true when the sign was proved impossible over the box: the neuron is stable
     */
    record Outcome(double[] input, boolean impossible) {
        /** Nothing found and nothing proved (time ran out). */
        public static final Outcome UNDECIDED = new Outcome(null, false);
        /** The sign was proved impossible. */
        public static final Outcome IMPOSSIBLE = new Outcome(null, true);
    }

    /**
     * Looks for an input in {@code [lo, hi]} at which pre-activation {@code neuron} of ReLU layer {@code layer}
     * is positive ({@code positive}) or negative.
     *
     * @param bounds sound bounds over the box (an implementation may use them for big-M constants)
     * @param limit  time for this search
     */
    Outcome search(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds, int layer, int neuron, boolean positive,
                   Duration limit);
}
