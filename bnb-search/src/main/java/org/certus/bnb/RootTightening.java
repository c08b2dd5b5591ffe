package org.certus.bnb;

import java.time.Duration;
import org.certus.tighten.Tightening;

/**
 * How the search's root bounds are tightened before branching (MIPVerify's {@code tightening_algorithm}).
 * Every node is bounded symbolically anyway and children inherit their parent's bounds, so
 * {@link Tightening#LP} and {@link Tightening#MIP} tighten the whole tree; {@link Tightening#SYMBOLIC} is
 * the engine's own bounding and {@link Tightening#INTERVAL} means the same (the engine's bounds are never
 * looser than interval arithmetic).
 *
 * @param kind            which tightening
 * @param neuronTimeLimit MILP (or search) time per neuron and direction ({@link Tightening#MIP} only)
 * @param budget          time for the whole tightening, also capped by the query's time limit; neurons
 *                        not reached keep the bounds they had
 * @param neuronSearch    {@link Tightening#MIP} only: bound each neuron with a short branch and bound of this
 *                        engine ({@link NeuronSearchTightening}), straight from the symbolic bounds, instead of
 *                        LP tightening followed by a MILP per neuron on ojAlgo LPs (box regions only: with a
 *                        norm ball or input constraints the MILPs run)
 *                        ({@link org.certus.tighten.MipTightening}). The searches need no LP first: on mnist_fc
 *                        256x6 prop_3_0.05 LP tightening took 172 s, and the searches reached the same 138
 *                        unstable ReLUs with it (45 s) as without it (52 s)
 */
public record RootTightening(Tightening kind, Duration neuronTimeLimit, Duration budget, boolean neuronSearch) {
    /** Default MILP time per neuron: enough for the small MILPs of convolutional layers. */
    public static final Duration DEFAULT_NEURON_TIME_LIMIT = Duration.ofSeconds(1);
    /** Default budget of LP or MIP tightening. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

    /**
     * Checks the values: a kind, a positive time per neuron and a budget {@code >= 0}.
     *
     * @param kind            which tightening
     * @param neuronTimeLimit time per neuron and direction
     * @param budget          time for the whole tightening
     * @param neuronSearch    per-neuron searches instead of LP and MILPs ({@link Tightening#MIP} only)
     */
    public RootTightening {
        if (kind == null) {
            throw new IllegalArgumentException("tightening kind must not be null");
        }
        if (neuronTimeLimit == null || neuronTimeLimit.isNegative() || neuronTimeLimit.isZero()) {
            throw new IllegalArgumentException("time per neuron must be positive, got " + neuronTimeLimit);
        }
        if (budget == null || budget.isNegative()) {
            throw new IllegalArgumentException("tightening budget must be >= 0, got " + budget);
        }
    }

    /**
     * MILP per neuron for {@link Tightening#MIP}.
     *
     * @param kind            which tightening
     * @param neuronTimeLimit MILP time per neuron and direction
     * @param budget          time for the whole tightening
     */
    public RootTightening(Tightening kind, Duration neuronTimeLimit, Duration budget) {
        this(kind, neuronTimeLimit, budget, false);
    }

    /**
     * The given kind with the default limits.
     *
     * @param kind which tightening
     * @return {@code kind} with {@link #DEFAULT_NEURON_TIME_LIMIT} and {@link #DEFAULT_BUDGET}
     */
    public static RootTightening of(Tightening kind) {
        return new RootTightening(kind, DEFAULT_NEURON_TIME_LIMIT, DEFAULT_BUDGET);
    }

    /**
     * Whether the root bounds get anything beyond the engine's symbolic bounds.
     *
     * @return true for LP and MIP
     */
    public boolean tightensBeyondSymbolic() {
        return kind == Tightening.LP || kind == Tightening.MIP;
    }
}
