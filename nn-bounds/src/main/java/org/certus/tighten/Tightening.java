package org.certus.tighten;

import org.certus.bounds.IntervalPropagator;
import org.certus.bounds.SymbolicPropagator;

/**
 * How pre-activation bounds are computed, from cheapest and loosest to most expensive and tightest
 * (MIPVerify's {@code tightening_algorithm}). Each is sound; each includes the ones before it.
 */
public enum Tightening {
    /** Interval arithmetic ({@link IntervalPropagator}). */
    INTERVAL,
    /** Symbolic back-substitution, CROWN/DeepPoly style ({@link SymbolicPropagator}). */
    SYMBOLIC,
    /** Certified LP over the triangle relaxation of the earlier layers ({@link LpTightening}). */
    LP,
    /** Certified MILP with a time limit per neuron, after LP ({@link MipTightening}). */
    MIP
}
