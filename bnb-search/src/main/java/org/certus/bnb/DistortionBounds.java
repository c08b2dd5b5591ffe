package org.certus.bnb;

import java.util.Optional;

/**
 * The answer of a {@code closest} query: proven bounds on the minimum distortion of an adversarial
 * example, {@code lower <= min <= upper}, and the example that attains {@code upper}
 * ({@code upper = +∞} and no example when the whole domain is proved robust). {@code complete}
 * tells whether the bounds met the requested tolerance before the time limit.
 */
public record DistortionBounds(Norm norm, double lower, double upper, Counterexample example, boolean complete,
                               SearchStatistics statistics) {
    public Optional<Counterexample> exampleOptional() {
        return Optional.ofNullable(example);
    }
}
