package org.certus.bounds;

import org.certus.nn.OutwardRounding;

/**
 * Which evaluations of the network the bounds must contain.
 *
 * <p>{@link #REAL}: the exact real-arithmetic values (plus the rounding of the bound computation
 * itself, always covered). {@link #FLOAT32}: additionally every value an IEEE float32 evaluation
 * can produce, in any summation order — ONNX stores weights in float32 and runtimes evaluate in it.
 * Since float32's unit round-off bounds double's, FLOAT32 also covers double evaluation, so a
 * VERIFIED answer holds for the network as users run it, not just for its real-number idealisation
 * (Jia &amp; Rinard 2020 built networks where the two disagree).
 *
 * <p>The error of one evaluated pre-activation {@code z_n = Σ_q w_q h_q + b} of length m is at most
 * {@code γ_{m+1} (Σ|w_q||h_q| + |b|)} with {@code γ_k = k u / (1 − k u)}, {@code u = 2^-24}
 * (Higham, Accuracy and Stability of Numerical Algorithms, §3.1, for any order), plus an underflow
 * term of {@code (m+1)·2^-149}. Weights and inputs are taken as exactly representable in float32 (true
 * for ONNX weights; inputs are checked as float32 when counterexamples are confirmed).
 */
public enum ArithmeticModel {
    REAL(0.0, 0.0),
    FLOAT32(0x1p-24, 0x1p-149);

    private final double unitRoundoff;
    private final double underflow;

    ArithmeticModel(double unitRoundoff, double underflow) {
        this.unitRoundoff = unitRoundoff;
        this.underflow = underflow;
    }

    public double unitRoundoff() {
        return unitRoundoff;
    }

    /** {@code γ_k}, rounded up. */
    double gamma(int k) {
        double ku = k * unitRoundoff;
        return Math.nextUp(ku / (1 - ku));
    }

    /**
     * Per-row bound on the evaluation error of {@code a} applied to inputs with magnitude at most
     * {@code maxAbs[i]} (e.g. {@code max(|l|, |u|)} of the post-activations); null for {@link #REAL}.
     */
    double[] rowErrors(org.certus.nn.AffineMap a, double[] maxAbs) {
        return this == REAL ? null : org.certus.nn.Float32Rounding.rowErrors(a, maxAbs);
    }

    /**
     * Per-row bound on the evaluation error of the network at map {@code i} of {@code chain} (its own
     * rows' rounding, or the chain's error map where a layer combines several rounding operations; see
     * {@link org.certus.nn.ReluChain#float32Errors}); null for {@link #REAL}.
     */
    double[] rowErrors(org.certus.nn.ReluChain chain, int i, double[] maxAbs) {
        return this == REAL ? null : chain.float32Errors(i, maxAbs);
    }
}
