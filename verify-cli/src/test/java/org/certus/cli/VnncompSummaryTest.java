package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class VnncompSummaryTest {
    private static VnncompResults.Row row(String vnnlib, String result, double seconds) {
        return new VnncompResults.Row("onnx/n.onnx", vnnlib, result, seconds, 1);
    }

    @Test
    void timesOverAllRowsAndOverSolvedOnes() {
        VnncompSummary s = VnncompSummary.of(List.of(row("a", "unsat", 1.0), row("b", "sat", 4.0),
                row("c", "timeout", 300.0), row("d", "unsat", 2.0)), null);
        assertEquals(3, s.solved());
        assertEquals(307.0, s.totalSeconds(), 1e-9);
        assertEquals(3.0, s.medianSeconds(), 1e-9);
        assertEquals(2.0, s.medianSolvedSeconds(), 1e-9);
        assertEquals(4.0, s.maxSolvedSeconds(), 1e-9);
        assertEquals("  solved 3/4; time: total 307.0 s, median 3.00 s; solved instances: median 2.00 s, max 4.00 s", s.timesLine());
    }

    @Test
    void noSolvedInstanceSaysSoInsteadOfNaN() {
        VnncompSummary s = VnncompSummary.of(List.of(row("a", "timeout", 300.0), row("b", "timeout", 300.25)), null);
        assertEquals("  solved 0/2; time: total 600.3 s, median 300.13 s; no instance solved", s.timesLine());
        VnncompSummary empty = VnncompSummary.of(List.of(), null);
        assertEquals("  solved 0/0; time: total 0.0 s; no instance solved", empty.timesLine());
        assertFalse(empty.timesLine().contains("NaN"));
    }
}
