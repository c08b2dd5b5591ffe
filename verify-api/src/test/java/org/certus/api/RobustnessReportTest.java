package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The report's counts: MIPVerify's bounds on the adversarial error and the times of attempted samples. */
class RobustnessReportTest {
    private static RobustnessRow row(int i, RobustnessStatus status, double time) {
        return new RobustnessRow(i, 7, 7, status, status == RobustnessStatus.ROBUST ? 0.1 : Double.NaN,
                status == RobustnessStatus.VULNERABLE ? 0.0987654321 : Double.NaN, time, 3, "mnist-wk17a", "mnist", "0.1", "inf", "linf",
                "untargeted", "0.0", "60.0", "feasible", "sound", Double.NaN, Double.NaN);
    }

    @Test
    void countsAndBoundsOfTheAdversarialError() {
        List<RobustnessRow> rows = List.of(row(0, RobustnessStatus.ROBUST, 1), row(1, RobustnessStatus.ROBUST, 3),
                row(2, RobustnessStatus.VULNERABLE, 2), row(3, RobustnessStatus.MISCLASSIFIED, 0.01), row(4, RobustnessStatus.TIMEOUT, 60),
                row(5, RobustnessStatus.ERROR, 0.5));
        RobustnessReport r = RobustnessReport.of(rows);
        assertEquals(2, r.lowerErrors());
        assertEquals(4, r.upperErrors());
        assertEquals(5, r.solved());
        assertEquals(2.0, r.medianSolvedSeconds(), 1e-12);
        assertEquals(66.5 / 5, r.meanSolvedSeconds(), 1e-12);
        List<String> t = r.table("opts", 9);
        assertTrue(t.contains("| adversarial error, lower bound | 33.33% (2/6) |"), t.toString());
        assertTrue(t.contains("| adversarial error, upper bound | 66.67% (4/6) |"), t.toString());
        assertTrue(t.contains("| options | opts |"), t.toString());
    }
}
