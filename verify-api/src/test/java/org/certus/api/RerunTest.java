package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which finished samples {@link Rerun#UNPROVEN} solves again: bounds missing or further apart than the tolerance. */
class RerunTest {
    @Test
    void unprovenDistortionMeansNoBoundOrAGapWiderThanTheTolerance() {
        assertTrue(Rerun.unprovenDistortion(closestRow(RobustnessStatus.VULNERABLE, 0.02, 0.05), 0.01));
        assertFalse(Rerun.unprovenDistortion(closestRow(RobustnessStatus.VULNERABLE, 0.045, 0.05), 0.01));
        assertFalse(Rerun.unprovenDistortion(closestRow(RobustnessStatus.ROBUST, 0.1, Double.NaN), 0.01),
                "robust within the ball: the radius is proved");
        assertTrue(Rerun.unprovenDistortion(closestRow(RobustnessStatus.TIMEOUT, 0.02, Double.NaN), 0.01));
        assertTrue(Rerun.unprovenDistortion(closestRow(RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN), 0.01));
        assertFalse(Rerun.unprovenDistortion(closestRow(RobustnessStatus.MISCLASSIFIED, Double.NaN, Double.NaN), 0.01));
    }

    @Test
    void unprovenMarginMeansNoBoundsOrAGapWiderThanTheTolerance() {
        assertTrue(Rerun.unprovenMargin(worstRow(-7.4, -7.2), 1e-3));
        assertFalse(Rerun.unprovenMargin(worstRow(-7.2005, -7.2), 1e-3));
        assertTrue(Rerun.unprovenMargin(worstRow(Double.NaN, -7.2), 1e-3));
    }

    private static RobustnessRow worstRow(double lower, double upper) {
        return new RobustnessRow(0, 7, 7, RobustnessStatus.ROBUST, Double.NaN, Double.NaN, 1.0, 3, "mnist-wk17a", "mnist", "0.1", "inf", "linf",
                "untargeted", "0.0", "60.0", "worst", "sound", lower, upper);
    }

    private static RobustnessRow closestRow(RobustnessStatus status, double lower, double upper) {
        return new RobustnessRow(8, 4, 4, status, lower, upper, 1.0, 3, "mnist-wk17a", "mnist", "0.1", "inf", "linf", "untargeted",
                "0.0", "60.0", "closest", "sound", Double.NaN, Double.NaN);
    }
}
