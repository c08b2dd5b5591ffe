package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A point is checked once: the same coordinates again (another array) are a repeat, a different bit is not. */
public class CheckedPointsTest {
    @Test
    void samePointIsARepeatAndAnyOtherIsNew() {
        CheckedPoints checked = new CheckedPoints();
        double[] x = {0.25, 0.5, 1.0};
        assertTrue(checked.add(x));
        assertFalse(checked.add(x.clone()), "the same coordinates in another array");
        assertTrue(checked.add(new double[] {0.25, 0.5, Math.nextUp(1.0)}), "one ulp apart");
        assertTrue(checked.add(new double[] {0.25, -0.0 + 0.5, 1.0, 0.0}), "another length");
        // The caller may change its array afterwards: the remembered point is a copy.
        x[0] = 7;
        assertTrue(checked.add(x));
        assertFalse(checked.add(new double[] {0.25, 0.5, 1.0}));
        assertEquals(2, checked.repeats());
    }

    @Test
    void pastItsCapacityItStartsAfresh() {
        CheckedPoints checked = new CheckedPoints();
        for (int i = 0; i < CheckedPoints.CAPACITY; i++) {
            assertTrue(checked.add(new double[] {i}));
        }
        assertFalse(checked.add(new double[] {CheckedPoints.CAPACITY - 1}));
        // Full: the next point clears the memory, so the first one is new again (a repeated check, never a skipped one).
        assertTrue(checked.add(new double[] {-1}));
        assertTrue(checked.add(new double[] {0}));
    }
}
