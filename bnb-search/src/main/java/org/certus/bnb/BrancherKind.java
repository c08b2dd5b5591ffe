package org.certus.bnb;

import java.util.function.Function;

/**
 * Which ReLU to split on: each constant names its rule's class, so a new rule is one class and one constant
 * here (every constant is run by the brute-force agreement tests).
 */
public enum BrancherKind {
    /** The unstable ReLU with the widest pre-activation interval. */
    WIDEST(WidestBrancher::new),
    /**
     * BaBSR-style: the ReLU whose relaxation opens the largest gap in the node's output bound,
     * {@code |λ|·u·(−l)/(u−l)} with λ its coefficient in the back-substituted bound.
     */
    BABSR(BabsrBrancher::new),
    /**
     * Filtered smart branching (De Palma et al. 2021, as in α,β-CROWN's {@code fsb}): the few
     * ReLUs with the best BaBSR scores are tried, each child bounded cheaply (one CROWN pass over
     * the parent's intermediate bounds with the phase fixed), and the split whose worse child
     * bound is highest wins. Costs a handful of back-substitutions per branching against the
     * hundreds a child's bounding costs, and picks splits that actually move the bound.
     */
    FSB(FsbBrancher::new);

    private final Function<SearchProblem, Brancher> rule;

    BrancherKind(Function<SearchProblem, Brancher> rule) {
        this.rule = rule;
    }

    /** The rule for one search. */
    Brancher create(SearchProblem problem) {
        return rule.apply(problem);
    }
}
