package org.certus.bnb;

import java.util.Optional;

/**
 * The answer of a {@code closest} query: proven bounds on the minimum distortion of an adversarial
 * example, {@code lower <= min <= upper}, and the example that attains {@code upper}
 * ({@code upper = +∞} and no example when the whole domain is proved robust). {@code complete}
 * tells whether the bounds met the requested tolerance before the time limit. {@code undecided}
 * tells that some radius could be neither proved nor refuted (an L2 leaf the LP relaxation left
 * open), so an incomplete answer is not (only) a matter of time.
 *
 * @param norm       the norm in which distortion is measured
 * @param lower      proven lower bound on the minimum distortion
 * @param upper      the distortion of {@code example}, an upper bound on the minimum ({@code +∞} without one)
 * @param example    the closest counterexample found, or {@code null}
 * @param complete   whether {@code upper − lower} met the tolerance before the time limit
 * @param statistics what the searches did, summed over the bisection
 * @param undecided  whether some radius could be neither proved nor refuted
 */
public record DistortionBounds(Norm norm, double lower, double upper, Counterexample example, boolean complete,
                               SearchStatistics statistics, boolean undecided) {
    /**
     * The example, if any.
     *
     * @return {@link #example()} as an optional
     */
    public Optional<Counterexample> exampleOptional() {
        return Optional.ofNullable(example);
    }
}
