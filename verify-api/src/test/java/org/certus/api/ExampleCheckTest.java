package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.certus.spec.InputBox;
import org.junit.jupiter.api.Test;

/** The library's own re-check of an adversarial example, independent of the search. */
class ExampleCheckTest {
    @Test
    void theRecheckAcceptsFloat32OnlyExamplesOnlyInSoundMode() {
        InputBox box = new InputBox(new double[] {0, 0}, new double[] {1, 1});
        double[] x = {0.5, 0.5};
        assertNull(ExampleCheck.recheck(x, box, 0.1, 0.2, true, false, true));
        assertNull(ExampleCheck.recheck(x, box, 0.1, 0.2, false, true, true));
        assertNotNull(ExampleCheck.recheck(x, box, 0.1, 0.2, false, true, false));
        assertNotNull(ExampleCheck.recheck(x, box, 0.1, 0.2, false, false, true));
        assertNotNull(ExampleCheck.recheck(x, box, 0.3, 0.2, true, true, true), "too far");
        assertNotNull(ExampleCheck.recheck(new double[] {1.5, 0}, box, 0.1, 0.2, true, true, true), "outside");
    }

    @Test
    void aTargetMustBeatEveryNonTargetByTheMargin() {
        assertTrue(ExampleCheck.targetHolds(new double[] {1, 2, 0}, new int[] {1}, 3, 0.5));
        assertFalse(ExampleCheck.targetHolds(new double[] {1, 2, 0}, new int[] {1}, 3, 1.5));
        assertTrue(ExampleCheck.targetHolds(new double[] {1, 2, 0}, new int[] {0, 1}, 3, 1.5), "targets do not compete");
        assertEquals(1.0, ExampleCheck.adversarialMargin(new double[] {1, 2, 0}, new int[] {1}, 3), 0.0);
        assertEquals(-1.0, ExampleCheck.adversarialMargin(new double[] {1, 2, 0}, new int[] {0}, 3), 0.0);
        assertEquals(2.0, ExampleCheck.adversarialMargin(new double[] {1, 2, 0}, new int[] {0, 1}, 3), 0.0);
    }
}
