package org.certus.milp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LpResultTest {
    @Test
    void dualsWithANaNOrAnInfinityCountAsNoDuals() {
        double[] primal = {1.0};
        assertFalse(new LpResult(LpStatus.OPTIMAL, 1.0, primal, new double[] {0.5, Double.NaN}, null).hasDuals());
        assertFalse(new LpResult(LpStatus.OPTIMAL, 1.0, primal, new double[] {Double.NEGATIVE_INFINITY}, null).hasDuals());
        LpResult ok = new LpResult(LpStatus.OPTIMAL, 1.0, primal, new double[] {0.5, -2.0}, null);
        assertTrue(ok.hasDuals());
        assertArrayEquals(new double[] {0.5, -2.0}, ok.rowDuals());
    }
}
