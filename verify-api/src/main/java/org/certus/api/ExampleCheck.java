package org.certus.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.certus.bnb.Counterexample;
import org.certus.bnb.Norm;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.Logits;
import org.certus.nn.Network;
import org.certus.spec.InputBox;

/**
 * The library's own check of an adversarial example, independent of the search: membership of the region, the
 * distance limit, and the target condition with no tolerance on exact forward passes — in double, or in float32
 * when the verdict covers float32 (sound mode). A precision disagreement is accepted in sound mode when float32
 * violates, and is announced in the example's warning either way.
 */
final class ExampleCheck {
    /**
     * A counterexample may lie outside the ball by this much in L∞ distance: the region's bounds are computed as
     * {@code x ± eps} in floating point, so the distance of a point on the boundary can exceed eps by a rounding
     * error. Far below any pixel step (1/255).
     */
    static final double BALL_TOLERANCE = 1e-9;

    /** The check failed: a bug of the search (the sample's row becomes an error). */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private final Network network;
    private final Supplier<Float32Evaluation> float32;
    private final boolean sound;
    private final double margin;

    /** @param float32 the network's float32 forward pass, asked for only when an example is checked */
    ExampleCheck(Network network, Supplier<Float32Evaluation> float32, boolean sound, double margin) {
        this.network = network;
        this.float32 = float32;
        this.sound = sound;
        this.margin = margin;
    }

    /**
     * Re-checks {@code adv} (the search's {@code ce}, or an input derived from it) as an example for a sample
     * {@code x} with these targets, within {@code limit} of {@code x} in {@code norm}.
     *
     * @param extra the objective's JSON entries, appended to the example's details
     * @throws Failed saying what is wrong
     */
    AdversarialExample check(double[] x, int[] targets, double[] adv, Counterexample ce, InputBox region, Norm norm, double limit,
                             Map<String, Object> extra) {
        double[] y = network.evaluate(adv);
        double[] yf = float32.get().evaluate(adv);
        double dist = norm.distance(adv, x);
        int classes = network.outputSize();
        boolean inDouble = targetHolds(y, targets, classes, margin);
        boolean inFloat32 = targetHolds(yf, targets, classes, margin);
        String problem = recheck(adv, region, dist, limit, inDouble, inFloat32, sound);
        if (problem != null) {
            throw new Failed("the verifier's counterexample fails the re-check: " + problem + " (a bug; please report it)");
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("mode", sound ? "sound" : "fast");
        all.put("valid_in_double", inDouble);
        all.put("valid_in_float32", inFloat32);
        all.put("engine_margin", ce.margin());
        all.put("engine_float32_margin", ce.float32Margin());
        all.put("float32_logits", yf);
        String warning = null;
        if (inDouble != inFloat32) {
            warning = "the example is adversarial only in " + (inDouble ? "double" : "float32")
                    + " precision; the other evaluation keeps the label";
            all.put("warning", warning);
        }
        all.putAll(extra);
        // The prediction shown is that of the precision in which the example is adversarial.
        double[] logits = inDouble ? y : yf;
        return new AdversarialExample(adv, dist, Norm.LINF.distance(x, adv), ce.margin(), Logits.argmax(logits), logits, inDouble, inFloat32,
                all, warning);
    }

    /**
     * Null when the example holds, else what is wrong: outside the region, beyond the distance limit, or no target
     * winning in a precision the verdict covers.
     */
    static String recheck(double[] adv, InputBox region, double dist, double limit, boolean inDouble, boolean inFloat32, boolean sound) {
        if (!region.contains(adv, 0.0)) {
            return "it lies outside the region";
        }
        if (!(dist <= limit)) {
            return "its distance " + dist + " exceeds " + limit;
        }
        if (inDouble || (sound && inFloat32)) {
            return null;
        }
        return "no target label beats the others by the margin on the exact forward pass"
                + (inFloat32 ? " in double (only in float32, and this is --fast)" : "");
    }

    /** Whether some target beats every non-target label by the margin in {@code y}. */
    static boolean targetHolds(double[] y, int[] targets, int classes, double margin) {
        boolean[] isTarget = new boolean[classes];
        for (int t : targets) {
            isTarget[t] = true;
        }
        for (int t : targets) {
            boolean wins = true;
            for (int j = 0; j < classes && wins; j++) {
                wins = isTarget[j] || y[t] >= y[j] + margin;
            }
            if (wins) {
                return true;
            }
        }
        return false;
    }

    /** MIPVerify's adversarial margin: the best target logit minus the best non-target logit. */
    static double adversarialMargin(double[] y, int[] targets, int classes) {
        boolean[] isTarget = new boolean[classes];
        double best = Double.NEGATIVE_INFINITY;
        for (int t : targets) {
            isTarget[t] = true;
            best = Math.max(best, y[t]);
        }
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            if (!isTarget[j]) {
                other = Math.max(other, y[j]);
            }
        }
        return best - other;
    }
}
