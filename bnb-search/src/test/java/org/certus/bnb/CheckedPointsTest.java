package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A point is checked once: the same coordinates again (another array) give its recorded margin, a different bit does
 * not.
 */
public class CheckedPointsTest {
    @Test
    void samePointIsARepeatAndAnyOtherIsNew() {
        CheckedPoints checked = new CheckedPoints();
        double[] x = {0.25, 0.5, 1.0};
        assertTrue(Double.isNaN(checked.recorded(x)));
        checked.record(x, 0.125);
        assertEquals(0.125, checked.recorded(x.clone()), "the same coordinates in another array");
        assertTrue(Double.isNaN(checked.recorded(new double[] {0.25, 0.5, Math.nextUp(1.0)})), "one ulp apart");
        assertTrue(Double.isNaN(checked.recorded(new double[] {0.25, 0.5, 1.0, 0.0})), "another length");
        // The caller may change its array afterwards: the remembered point is a copy.
        x[0] = 7;
        assertTrue(Double.isNaN(checked.recorded(x)));
        checked.record(x, -3.0);
        assertEquals(0.125, checked.recorded(new double[] {0.25, 0.5, 1.0}));
        assertEquals(-3.0, checked.recorded(new double[] {7, 0.5, 1.0}));
        assertEquals(3, checked.repeats());
    }

    @Test
    void pastItsCapacityItStartsAfresh() {
        CheckedPoints checked = new CheckedPoints();
        for (int i = 0; i < CheckedPoints.CAPACITY; i++) {
            checked.record(new double[] {i}, i);
        }
        assertEquals(CheckedPoints.CAPACITY - 1, checked.recorded(new double[] {CheckedPoints.CAPACITY - 1}));
        // Full: the next point clears the memory, so the first one is new again (a repeated check, never a wrong margin).
        checked.record(new double[] {-1}, -1);
        assertTrue(Double.isNaN(checked.recorded(new double[] {0})));
        assertEquals(-1, checked.recorded(new double[] {-1}));
    }
}
