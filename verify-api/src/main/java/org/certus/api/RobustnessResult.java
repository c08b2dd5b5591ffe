package org.certus.api;

/**
 * The answer to a robustness question about one sample. Bounds that do not apply are NaN: distortion bounds
 * belong to vulnerable samples (the example's distance), robust ones (the proved radius: eps, the closest
 * objective's bound, ∞ over the whole domain) and the closest objective; margin bounds to the worst objective.
 * Immutable.
 *
 * @param label           the sample's label
 * @param predicted       the class of the clean sample (−1 when the forward pass failed)
 * @param status          the outcome
 * @param distortionLower proven lower bound on the minimum distortion
 * @param distortionUpper the distortion of the best example found (an upper bound on the minimum)
 * @param marginLower     worst objective: the example's adversarial margin (a lower bound on the largest)
 * @param marginUpper     worst objective: proven upper bound on the largest adversarial margin
 * @param seconds         time taken
 * @param nodes           branch-and-bound nodes
 * @param example         the re-checked adversarial example, or null
 * @param error           for {@link RobustnessStatus#ERROR}: what went wrong (one line), else null
 */
public record RobustnessResult(int label, int predicted, RobustnessStatus status, double distortionLower, double distortionUpper,
        double marginLower, double marginUpper, double seconds, long nodes, AdversarialExample example, String error) {
}
