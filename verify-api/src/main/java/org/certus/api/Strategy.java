package org.certus.api;

/** How {@link Verifier#verify(org.certus.spec.VnnlibProperty, org.certus.bnb.SearchOptions, Strategy)} spends its time. */
public enum Strategy {
    /**
     * The strategy that decides most, {@code certus vnnlib}'s: on networks split on ReLUs (more than
     * {@link org.certus.bnb.SearchOptions#INPUT_SPLIT_MAX_INPUTS} inputs), a short search on symbolic bounds
     * first, then, if it ran out of time, MIP-strength root tightening by per-neuron searches followed by the
     * search, for the time that is left ({@link TimeBudget} cuts the time); on small-input networks one
     * search. A watchdog cancels a search that overruns its limit, and every counterexample is re-checked
     * against the property by exact forward passes.
     */
    STAGED,
    /** One search with the options exactly as given (its counterexample re-checked all the same). */
    SINGLE_SEARCH
}
