package org.certus.bnb;

/** Which ReLU to split on. */
public enum BrancherKind {
    /** The unstable ReLU with the widest pre-activation interval. */
    WIDEST,
    /**
     * BaBSR-style: the ReLU whose relaxation opens the largest gap in the node's output bound,
     * {@code |λ|·u·(−l)/(u−l)} with λ its coefficient in the back-substituted bound.
     */
    BABSR
}
