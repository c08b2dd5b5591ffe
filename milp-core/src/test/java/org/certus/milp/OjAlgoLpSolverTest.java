package org.certus.milp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OjAlgoLpSolverTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    /** Agreement expected between two solves of the same LP (objective values of order 1-10). */
    private static final double OBJECTIVE_TOLERANCE = 1e-7;
    /** Agreement of r = c - Aᵀy with the reported reduced costs. */
    private static final double DUAL_TOLERANCE = 1e-7;

    static LongStream seeds() {
        return LongStream.range(1, 41);
    }

    @Test
    void knownOptimumWithDualsAndReducedCosts() {
        // min x + 2y  s.t.  x + y >= 2,  x - y <= 1,  0 <= x <= 10, 0 <= y <= 10.  Optimum x=1.5, y=0.5: 2.5.
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 10);
        b.addContinuous(0, 10);
        b.addConstraint(2, new int[] {0, 1}, new double[] {1, 1}, INF);
        b.addConstraint(-INF, new int[] {0, 1}, new double[] {1, -1}, 1);
        b.setObjective(Sense.MINIMIZE, new int[] {0, 1}, new double[] {1, 2}, 0.25);
        Model m = b.build();
        LpResult r = new OjAlgoLpSolver(m).solve();
        assertEquals(LpStatus.OPTIMAL, r.status());
        assertEquals(2.75, r.objectiveValue(), 1e-9);
        assertArrayEquals(new double[] {1.5, 0.5}, r.primal(), 1e-9);
        // 1 = y0 + y1, 2 = y0 - y1  ->  y0 = 1.5 (>= row at lower side), y1 = -0.5 (<= row at upper side).
        assertArrayEquals(new double[] {1.5, -0.5}, r.rowDuals(), 1e-9);
        assertArrayEquals(new double[] {0, 0}, r.reducedCosts(), 1e-9);
    }

    @Test
    void maximisationWithRangedRowAndActiveBound() {
        // max 3x + y  s.t.  1 <= x + y <= 4 (ranged),  x <= 2.5 (bound).  Optimum x=2.5, y=1.5: 9.
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(-INF, 2.5);
        b.addContinuous(0, INF);
        b.addConstraint(1, new int[] {0, 1}, new double[] {1, 1}, 4);
        b.setObjective(Sense.MAXIMIZE, new int[] {0, 1}, new double[] {3, 1}, 0);
        Model m = b.build();
        LpResult r = new OjAlgoLpSolver(m).solve();
        assertEquals(LpStatus.OPTIMAL, r.status());
        assertEquals(9.0, r.objectiveValue(), 1e-9);
        assertArrayEquals(new double[] {2.5, 1.5}, r.primal(), 1e-9);
        assertEquals(1.0, r.rowDual(0), 1e-9, "max: positive dual at the upper side");
        assertArrayEquals(new double[] {2, 0}, r.reducedCosts(), 1e-9);
        assertEquals(9.0, SafeLpBound.upperBound(m, m.objectiveCoefficients(), r.rowDuals()), 1e-9);
    }

    @Test
    void infeasibleAndUnbounded() {
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 1);
        b.addContinuous(0, 1);
        b.addConstraint(3, new int[] {0, 1}, new double[] {1, 1}, INF);
        b.setObjective(Sense.MINIMIZE, new int[] {0}, new double[] {1}, 0);
        assertEquals(LpStatus.INFEASIBLE, new OjAlgoLpSolver(b.build()).solve().status());

        ModelBuilder u = new ModelBuilder();
        u.addContinuous(0, INF);
        u.addContinuous(-INF, INF);
        u.addConstraint(-INF, new int[] {1}, new double[] {1}, 1);
        u.setObjective(Sense.MAXIMIZE, new int[] {0}, new double[] {1}, 0);
        LpResult r = new OjAlgoLpSolver(u.build()).solve();
        assertEquals(LpStatus.UNBOUNDED, r.status());
        assertTrue(Double.isNaN(r.objectiveValue()));
        assertFalse(r.hasPrimal());
    }

    @Test
    void degenerateVertexAndEqualities() {
        // Three constraints through the optimum (1,1) in 2-D, one of them an equality: degenerate.
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 5);
        b.addContinuous(0, 5);
        b.addConstraint(2, new int[] {0, 1}, new double[] {1, 1}, INF);
        b.addConstraint(0, new int[] {0, 1}, new double[] {1, -1}, 0);
        b.addConstraint(3, new int[] {0, 1}, new double[] {2, 1}, INF);
        b.setObjective(Sense.MINIMIZE, new int[] {0, 1}, new double[] {1, 1}, 0);
        Model m = b.build();
        LpResult r = new OjAlgoLpSolver(m).solve();
        assertEquals(LpStatus.OPTIMAL, r.status());
        assertEquals(2.0, r.objectiveValue(), 1e-9);
        assertArrayEquals(new double[] {1, 1}, r.primal(), 1e-9);
        assertEquals(2.0, SafeLpBound.lowerBound(m, m.objectiveCoefficients(), r.rowDuals()), 1e-9);
    }

    @Test
    void binariesAreRelaxedAndBoundsCanFixThem() {
        ModelBuilder b = new ModelBuilder();
        int x = b.addContinuous(0, 1);
        int d = b.addBinary();
        b.addConstraint(-INF, new int[] {x, d}, new double[] {1, -1}, 0); // x <= d
        b.setObjective(Sense.MAXIMIZE, new int[] {x, d}, new double[] {1, -0.5}, 0);
        OjAlgoLpSolver s = new OjAlgoLpSolver(b.build());
        assertEquals(0.5, s.solve().objectiveValue(), 1e-9);
        s.setVariableBounds(d, 0, 0);
        assertEquals(0.0, s.solve().objectiveValue(), 1e-9);
        s.setVariableBounds(d, 1, 1);
        assertEquals(0.5, s.solve().objectiveValue(), 1e-9);
        s.resetBounds();
        assertEquals(1.0, s.variableUpper(d));
        assertThrows(MilpException.class, () -> s.setVariableBounds(d, 1, 0));
        assertThrows(MilpException.class, () -> s.setVariableBounds(7, 0, 1));
    }

    @Test
    void modelWithoutRowsIsSolvedOnTheBox() {
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(-1, 2);
        b.addContinuous(-3, 4);
        b.setObjective(Sense.MINIMIZE, new int[] {0, 1}, new double[] {1, -1}, 1);
        LpResult r = new OjAlgoLpSolver(b.build()).solve();
        assertEquals(-1 - 4 + 1, r.objectiveValue(), 0.0);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomLpPrimalIsFeasibleAndDualsAreConsistent(long seed) {
        Random rnd = new Random(seed);
        Sense sense = rnd.nextBoolean() ? Sense.MINIMIZE : Sense.MAXIMIZE;
        Model m = RandomLps.feasible(rnd, 3 + rnd.nextInt(12), 2 + rnd.nextInt(12), sense);
        LpResult r = new OjAlgoLpSolver(m).solve();
        assertEquals(LpStatus.OPTIMAL, r.status(), "seed " + seed);
        assertFeasible(m, r.primal(), m.variableLowers(), m.variableUppers(), seed);
        assertEquals(m.objectiveValue(r.primal()), r.objectiveValue(), OBJECTIVE_TOLERANCE, "seed " + seed);
        // r = c - Aᵀy must hold for the reported duals and reduced costs.
        double[] red = m.objectiveCoefficients();
        for (int i = 0; i < m.numConstraints(); i++) {
            for (int k = m.rowStart(i); k < m.rowEnd(i); k++) {
                red[m.entryColumn(k)] -= m.entryValue(k) * r.rowDual(i);
            }
        }
        assertArrayEquals(red, r.reducedCosts(), DUAL_TOLERANCE, "seed " + seed);
        LpResult dense = new OjAlgoLpSolver(m, false).solve();
        assertEquals(r.objectiveValue(), dense.objectiveValue(), OBJECTIVE_TOLERANCE, "dense store, seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void warmResolveAfterBoundChangesEqualsColdSolve(long seed) {
        Random rnd = new Random(seed);
        Sense sense = rnd.nextBoolean() ? Sense.MINIMIZE : Sense.MAXIMIZE;
        int n = 4 + rnd.nextInt(20);
        Model m = RandomLps.feasible(rnd, n, 3 + rnd.nextInt(20), sense);
        OjAlgoLpSolver warm = new OjAlgoLpSolver(m);
        warm.solve();
        for (int step = 0; step < 12; step++) {
            int j = rnd.nextInt(n);
            double l0 = m.variableLower(j);
            double h0 = m.variableUpper(j);
            double a = l0 + (h0 - l0) * rnd.nextDouble();
            double c = l0 + (h0 - l0) * rnd.nextDouble();
            if (rnd.nextInt(4) == 0) {
                warm.setVariableBounds(j, l0, h0); // undo, as branch and bound does on backtracking
            } else {
                warm.setVariableBounds(j, Math.min(a, c), Math.max(a, c));
            }
            LpResult w = warm.solve();
            OjAlgoLpSolver cold = new OjAlgoLpSolver(m);
            for (int t = 0; t < n; t++) {
                cold.setVariableBounds(t, warm.variableLower(t), warm.variableUpper(t));
            }
            LpResult c0 = cold.solve();
            String where = "seed " + seed + " step " + step;
            assertEquals(c0.status(), w.status(), where);
            if (w.isOptimal()) {
                assertEquals(c0.objectiveValue(), w.objectiveValue(), OBJECTIVE_TOLERANCE, where);
                double[] lo = new double[n];
                double[] hi = new double[n];
                for (int t = 0; t < n; t++) {
                    lo[t] = warm.variableLower(t);
                    hi[t] = warm.variableUpper(t);
                }
                assertFeasible(m, w.primal(), lo, hi, seed);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void changedObjectiveEqualsFreshSolverAndCopyIsIndependent(long seed) {
        Random rnd = new Random(seed);
        int n = 3 + rnd.nextInt(10);
        Model m = RandomLps.feasible(rnd, n, 2 + rnd.nextInt(10), Sense.MINIMIZE);
        OjAlgoLpSolver s = new OjAlgoLpSolver(m);
        s.solve();
        s.setVariableBounds(0, m.variableLower(0), 0.5 * (m.variableLower(0) + m.variableUpper(0)));
        for (int round = 0; round < 4; round++) {
            int k = rnd.nextInt(n);
            Sense sense = rnd.nextBoolean() ? Sense.MINIMIZE : Sense.MAXIMIZE;
            s.setObjective(new int[] {k}, new double[] {1.0}, sense);
            LpResult r = s.solve();
            LpSolver copy = s.copy();
            LpResult fresh = copy.solve();
            assertEquals(fresh.status(), r.status(), "seed " + seed);
            if (!r.isOptimal()) {
                continue; // halving x0's range can make the LP infeasible; both solvers must agree
            }
            assertEquals(fresh.objectiveValue(), r.objectiveValue(), OBJECTIVE_TOLERANCE, "seed " + seed);
            assertEquals(r.primal(k), r.objectiveValue(), 1e-12, "no constant after setObjective");
            copy.setVariableBounds(0, m.variableLower(0), m.variableLower(0));
            assertEquals(0.5 * (m.variableLower(0) + m.variableUpper(0)), s.variableUpper(0), "copy is independent");
            // Safe bound of the neuron-style objective from the solver's duals.
            double[] c = new double[n];
            c[k] = sense.sign();
            double[] y = r.rowDuals();
            for (int i = 0; i < y.length; i++) {
                y[i] *= sense.sign();
            }
            double[] lo = new double[n];
            double[] hi = new double[n];
            for (int t = 0; t < n; t++) {
                lo[t] = s.variableLower(t);
                hi[t] = s.variableUpper(t);
            }
            double safe = SafeLpBound.lowerBound(m, c, y, lo, hi);
            assertEquals(sense.sign() * r.objectiveValue(), safe, 1e-6, "seed " + seed);
        }
    }

    static void assertFeasible(Model m, double[] x, double[] lo, double[] hi, long seed) {
        double tol = OjAlgoLpSolver.FEASIBILITY_TOLERANCE;
        for (int j = 0; j < m.numVariables(); j++) {
            assertTrue(x[j] >= lo[j] - tol && x[j] <= hi[j] + tol,
                    "seed " + seed + ": x" + j + "=" + x[j] + " outside [" + lo[j] + ", " + hi[j] + "]");
        }
        for (int i = 0; i < m.numConstraints(); i++) {
            double act = m.rowActivity(i, x);
            assertTrue(act >= m.constraintLower(i) - tol && act <= m.constraintUpper(i) + tol,
                    "seed " + seed + ": row " + i + " activity " + act + " outside [" + m.constraintLower(i) + ", "
                            + m.constraintUpper(i) + "]");
        }
    }
}
