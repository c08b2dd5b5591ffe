package org.certus.bnb;

/**
 * An input that violates the property, checked by exact forward passes: {@code output} and
 * {@code margin} in double precision, {@code float32Margin} from a float32 evaluation at the same
 * input rounded to float32 ({@code <= 0} means it violates there too). A counterexample is reported
 * when either margin is {@code <= 0}; {@link #agreesInBothPrecisions()} tells whether both hold, so
 * a witness that depends on the arithmetic is never passed off silently.
 */
public record Counterexample(double[] input, double[] output, double margin, double float32Margin) {
    public Counterexample {
        input = input.clone();
        output = output.clone();
    }

    public boolean agreesInBothPrecisions() {
        return margin <= 0 && float32Margin <= 0;
    }

    public boolean validInDouble() {
        return margin <= 0;
    }

    public boolean validInFloat32() {
        return float32Margin <= 0;
    }
}
