package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.certus.nn.ReluChain;

/** Test helper: every pre-activation at sampled box points (corners often) lies within the bounds. */
public final class SampledActivations {
    private SampledActivations() {
    }

    public static void assertWithin(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds, Random rnd, int samples,
                             String where) {
        double[] x = new double[lo.length];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < x.length; i++) {
                // Corners are where bounds are attained: sample them often.
                double p = rnd.nextDouble();
                x[i] = p < 0.2 ? lo[i] : p < 0.4 ? hi[i] : lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
            }
            double[][] z = chain.preActivations(x);
            for (int i = 0; i < z.length; i++) {
                for (int j = 0; j < z[i].length; j++) {
                    assertTrue(z[i][j] >= bounds.lower(i)[j] && z[i][j] <= bounds.upper(i)[j], where
                            + ": sample outside the bounds at layer " + i + " neuron " + j + ": " + z[i][j] + " not in ["
                            + bounds.lower(i)[j] + ", " + bounds.upper(i)[j] + "]");
                }
            }
        }
    }
}
