package org.certus.bnb;

/** The answer of a verification query. */
public enum VerdictStatus {
    /** Proved: no input in the region violates the property. */
    VERIFIED,
    /** A counterexample exists and was checked by an exact forward pass. */
    FALSIFIED,
    /** The time (or node) limit was reached first; the proven bounds are reported. */
    TIMEOUT,
    /** The search ended without a proof or a counterexample (e.g. cancelled, or a leaf it could not decide). */
    UNKNOWN
}
