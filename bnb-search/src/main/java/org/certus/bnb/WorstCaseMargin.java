package org.certus.bnb;

import java.util.Optional;

/**
 * The answer of MIPVerify's {@code worst} objective: bounds on the largest adversarial margin over
 * the region, {@code lower <= max_x margin(x) <= upper}. The margin of an output {@code y} is how
 * deep it lies in the unsafe set, the negated violation margin of {@link VerificationQuery#margin}:
 * {@code max over disjuncts of min over rows of −row(y)}; for
 * {@code RobustnessProperty.targetCondition(targets, classes, M)} it is
 * {@code max_{t ∈ targets} y_t − max_{j ∉ targets} y_j − M} (MIPVerify's definition for M = 0).
 *
 * <p>{@code upper} is proven (covering float32 evaluation too in sound mode); {@code lower} is the
 * double-precision margin of {@code example}, a region point checked by an exact forward pass
 * (absent, with {@code lower = −∞}, only when the search ended before checking any point).
 * {@code complete} tells whether {@code upper − lower} met the tolerance; {@code limitReached}
 * whether a time or node limit (or cancellation) ended the search before it ran out of nodes. A
 * search that ran out of nodes has decided the sign (adversarial or robust) except in rare cases
 * where a leaf's certified LP bound cannot separate its minimum from 0 (in sound mode, by the
 * float32 error allowance), and has met the tolerance except where such leaves leave a gap.
 *
 * @param lower        the double-precision margin of {@code example} (−∞ without one)
 * @param upper        a proven upper bound on the largest margin over the region
 * @param example      a region point attaining {@code lower}, or {@code null}
 * @param complete     whether {@code upper − lower} met the tolerance
 * @param limitReached whether a time or node limit (or cancellation) ended the search
 * @param statistics   what the search did
 */
public record WorstCaseMargin(double lower, double upper, Counterexample example, boolean complete, boolean limitReached,
                              SearchStatistics statistics) {
    /**
     * The example, if any.
     *
     * @return {@link #example()} as an optional
     */
    public Optional<Counterexample> exampleOptional() {
        return Optional.ofNullable(example);
    }

    /**
     * Proven: no input of the region reaches the unsafe set.
     *
     * @return {@code upper < 0}
     */
    public boolean provedRobust() {
        return upper < 0;
    }

    /**
     * The example lies in the unsafe set in double precision.
     *
     * @return {@code example != null && lower >= 0}
     */
    public boolean adversarial() {
        return example != null && lower >= 0;
    }
}
