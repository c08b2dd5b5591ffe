package org.certus.bnb;

/** Which ReLU to split on. */
public enum BrancherKind {
    /** The unstable ReLU with the widest pre-activation interval. */
    WIDEST,
    /**
     * BaBSR-style: the ReLU whose relaxation opens the largest gap in the node's output bound,
     * {@code |λ|·u·(−l)/(u−l)} with λ its coefficient in the back-substituted bound.
     */
    BABSR,
    /**
     * Filtered smart branching (De Palma et al. 2021, as in α,β-CROWN's {@code fsb}): the few
     * ReLUs with the best BaBSR scores are tried, each child bounded cheaply (one CROWN pass over
     * the parent's intermediate bounds with the phase fixed), and the split whose worse child
     * bound is highest wins. Costs a handful of back-substitutions per branching against the
     * hundreds a child's bounding costs, and picks splits that actually move the bound.
     */
    FSB
}
