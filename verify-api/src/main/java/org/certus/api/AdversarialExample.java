package org.certus.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An adversarial example of a robustness question, re-checked by the library independently of the search: it
 * lies in the region, within the distance limit, and some target beats every other label by the margin on an
 * exact forward pass in double, or (in sound mode) in float32. Immutable.
 *
 * @param input            the adversarial input (for blurring: the blurred image, recomputed from the kernel)
 * @param distance         its distance from the sample in the question's norm
 * @param linfDistance     its L∞ distance from the sample
 * @param margin           the search's violation margin at the example ({@code <= 0})
 * @param prediction       the class it gets, in the precision in which it is adversarial
 * @param logits           the network's outputs there, in that precision
 * @param validInDouble    whether a target wins by the margin in a double forward pass
 * @param validInFloat32   whether a target wins by the margin in a float32 forward pass
 * @param details          what the example's JSON file records beyond the basics, in order: mode, both
 *                         precisions' checks, the engine's margins, the float32 logits, a warning, the objective's
 *                         bounds or the blur kernel
 * @param warning          a precision disagreement (adversarial in one precision only), or null
 */
public record AdversarialExample(double[] input, double distance, double linfDistance, double margin, int prediction, double[] logits,
        boolean validInDouble, boolean validInFloat32, Map<String, Object> details, String warning) {

    /**
     * Copies the arrays and the map.
     *
     * @param input          the adversarial input
     * @param distance       its distance in the question's norm
     * @param linfDistance   its L∞ distance
     * @param margin         the search's violation margin there
     * @param prediction     its class in the precision in which it is adversarial
     * @param logits         the outputs in that precision
     * @param validInDouble  adversarial in double
     * @param validInFloat32 adversarial in float32
     * @param details        the JSON entries beyond the basics
     * @param warning        a precision disagreement, or null
     */
    public AdversarialExample {
        input = input.clone();
        logits = logits.clone();
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * The adversarial input.
     *
     * @return a copy of it
     */
    @Override
    public double[] input() {
        return input.clone();
    }

    /**
     * The network's double-precision outputs at the adversarial input.
     *
     * @return a copy of them
     */
    @Override
    public double[] logits() {
        return logits.clone();
    }

    @Override
    public String toString() {
        return "AdversarialExample[distance=" + distance + ", linf=" + linfDistance + ", margin=" + margin + ", prediction=" + prediction
                + ", logits=" + Arrays.toString(logits) + ", double=" + validInDouble + ", float32=" + validInFloat32
                + (warning == null ? "" : ", warning=" + warning) + "]";
    }
}
