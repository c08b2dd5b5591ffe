package org.certus.bnb;

import java.util.Arrays;

/**
 * An input that violates the property, checked by exact forward passes: {@code output} and
 * {@code margin} in double precision, {@code float32Margin} from a float32 evaluation at the same
 * input rounded to float32 ({@code <= 0} means it violates there too). A counterexample is reported
 * when either margin is {@code <= 0}; {@link #agreesInBothPrecisions()} tells whether both hold, so
 * a witness that depends on the arithmetic is never passed off silently.
 *
 * @param input         the input, in the network's input units (a copy of the array given; do not modify the one returned)
 * @param output        the network's outputs at {@code input}, evaluated in double precision
 * @param margin        the property's violation margin at {@code output}: {@code <= 0} means the outputs
 *                      lie in the unsafe set (see {@link VerificationQuery#margin})
 * @param float32Margin the same margin for a float32 evaluation of the network at {@code input} rounded to float32
 */
public record Counterexample(double[] input, double[] output, double margin, double float32Margin) {
    /**
     * Copies the arrays, so the value stays immutable.
     *
     * @param input         the input
     * @param output        the double-precision outputs at it
     * @param margin        the violation margin in double precision
     * @param float32Margin the violation margin in float32
     */
    public Counterexample {
        input = input.clone();
        output = output.clone();
    }

    /**
     * Whether the input violates the property in both double and float32 evaluation.
     *
     * @return {@code margin <= 0 && float32Margin <= 0}
     */
    public boolean agreesInBothPrecisions() {
        return margin <= 0 && float32Margin <= 0;
    }

    /**
     * Whether the input violates the property when the network is evaluated in double precision.
     *
     * @return {@code margin <= 0}
     */
    public boolean validInDouble() {
        return margin <= 0;
    }

    /**
     * Whether the input violates the property when the network is evaluated in float32.
     *
     * @return {@code float32Margin <= 0}
     */
    public boolean validInFloat32() {
        return float32Margin <= 0;
    }

    @Override
    public String toString() {
        return "Counterexample[input=" + Arrays.toString(input) + ", output=" + Arrays.toString(output) + ", margin=" + margin
                + ", float32Margin=" + float32Margin + "]";
    }
}
