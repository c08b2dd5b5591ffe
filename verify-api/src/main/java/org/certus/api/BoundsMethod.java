package org.certus.api;

/** How {@link LayerBounds} are computed, from cheapest and loosest to most expensive and tightest. */
public enum BoundsMethod {
    /** Interval arithmetic. */
    INTERVAL,
    /** Symbolic (CROWN-style) back-substitution, the search's own bounding. */
    SYMBOLIC,
    /** Certified LP per neuron, layer by layer, with a time budget per layer. */
    LP,
    /** LP, then a MILP per still-unstable neuron, with a time limit per neuron and a total budget. */
    MIP
}
