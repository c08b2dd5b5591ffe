package org.certus.encode;

/**
 * The binary phase indicator of one unstable ReLU in an encoding: {@code a = 1} means active
 * ({@code h = z}), {@code a = 0} inactive ({@code h = 0}). A branch-and-bound splits by fixing
 * {@code variable} to 0 or 1 in the LP relaxation; {@code lower}/{@code upper} are the
 * pre-activation bounds the big-M constraints were built from.
 */
public record PhaseIndicator(int layer, int neuron, double lower, double upper, int variable) {
}
