package org.certus.milp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SafeLpBoundTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    /** How close the certified bound must be to ojAlgo's optimum when given ojAlgo's duals. */
    private static final double TIGHTNESS = 1e-6;

    static LongStream seeds() {
        return LongStream.range(1, 61);
    }

    /**
     * Tiny random LPs (2-3 variables, so exact vertex enumeration is cheap): the certified bound from
     * the solver's duals is below the exact rational optimum and within {@link #TIGHTNESS} of it; bounds
     * from perturbed duals stay below the exact optimum.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void certifiedBoundNeverExceedsExactOptimum(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(2);
        Model m = RandomLps.feasible(rnd, n, 2 + rnd.nextInt(3), Sense.MINIMIZE);
        double[] c = m.objectiveCoefficients();
        double[] lo = m.variableLowers();
        double[] hi = m.variableUppers();
        Fraction exact = ExactLp.minimum(m, c, lo, hi);
        assertNotNull(exact, "seed " + seed + ": generator promises feasibility");

        LpResult r = new OjAlgoLpSolver(m).solve();
        assertEquals(LpStatus.OPTIMAL, r.status(), "seed " + seed);
        double bound = SafeLpBound.lowerBound(m, c, r.rowDuals());
        assertTrue(Fraction.of(bound).compareTo(exact) <= 0, "seed " + seed + ": bound " + bound + " > exact " + exact);
        assertEquals(exact.toDouble(), bound, TIGHTNESS, "seed " + seed);
        assertEquals(r.objectiveValue() - m.objectiveConstant(), bound, TIGHTNESS, "seed " + seed);

        for (int trial = 0; trial < 20; trial++) {
            double[] y = r.rowDuals();
            double scale = trial < 10 ? 1e-3 : 1.0;
            for (int i = 0; i < y.length; i++) {
                y[i] += scale * rnd.nextGaussian();
            }
            double b = SafeLpBound.lowerBound(m, c, y);
            assertTrue(Fraction.of(Math.max(b, -1e300)).compareTo(exact) <= 0,
                    "seed " + seed + " trial " + trial + ": perturbed bound " + b + " > exact " + exact);
        }
        // Maximisation through negation: max c·x = -min(-c)·x.
        double up = SafeLpBound.upperBound(m, negate(c), negate(r.rowDuals()), lo, hi);
        assertEquals(-bound, up, 0.0);
    }

    /** Random duals on feasible tiny LPs never certify infeasibility; on infeasible ones, the solver-free check is exact. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void infeasibilityCertificatesAreNeverWrong(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(2);
        Model m = RandomLps.feasible(rnd, n, 2 + rnd.nextInt(3), Sense.MINIMIZE);
        double[] lo = m.variableLowers();
        double[] hi = m.variableUppers();
        // Shrink the box at random: sometimes this makes the LP infeasible.
        for (int j = 0; j < n; j++) {
            double a = lo[j] + (hi[j] - lo[j]) * rnd.nextDouble();
            double b = lo[j] + (hi[j] - lo[j]) * rnd.nextDouble();
            lo[j] = Math.min(a, b);
            hi[j] = Math.max(a, b);
        }
        boolean feasible = ExactLp.feasible(m, lo, hi);
        for (int trial = 0; trial < 30; trial++) {
            double[] y = new double[m.numConstraints()];
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextGaussian();
            }
            if (SafeLpBound.certifiesInfeasible(m, y, lo, hi)) {
                assertFalse(feasible, "seed " + seed + ": certified infeasible but a feasible vertex exists");
            }
        }
    }

    @Test
    void farkasCertificateOnKnownInfeasibleSystem() {
        // x + y >= 3 with x, y in [0, 1]: y = (1) proves it (max of x + y over the box is 2 < 3).
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 1);
        b.addContinuous(0, 1);
        b.addConstraint(3, new int[] {0, 1}, new double[] {1, 1}, INF);
        Model m = b.build();
        assertTrue(SafeLpBound.certifiesInfeasible(m, new double[] {1}));
        assertTrue(SafeLpBound.certifiesInfeasible(m, new double[] {1e-30}), "any positive scaling works");
        assertFalse(SafeLpBound.certifiesInfeasible(m, new double[] {-1}), "wrong sign is zeroed, proves nothing");
        assertEquals(1.0, SafeLpBound.lowerBound(m, new double[2], new double[] {1}), "3 - 2: the certified gap");
    }

    @Test
    void boundIsMinusInfinityWhenANonzeroResidualMeetsAnInfiniteBound() {
        // min x with x free and the row x >= 1: y = 1 gives residual 0 and bound 1; y = 0.5 leaves 0.5·x unbounded.
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(-INF, INF);
        b.addConstraint(1, new int[] {0}, new double[] {1}, INF);
        Model m = b.build();
        assertEquals(1.0, SafeLpBound.lowerBound(m, new double[] {1}, new double[] {1}));
        assertEquals(Double.NEGATIVE_INFINITY, SafeLpBound.lowerBound(m, new double[] {1}, new double[] {0.5}));
    }

    @Test
    void roundingIsOutwardOnInexactData() {
        // min x s.t. 0.1·x >= 0.3 (as doubles), x in [0, 10]. The exact optimum is 0.3d/0.1d, which is
        // not a double; the bound must not exceed it even though 0.3/0.1 rounds above it.
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 10);
        b.addConstraint(0.3, new int[] {0}, new double[] {0.1}, INF);
        Model m = b.build();
        Fraction exact = Fraction.of(0.3).divide(Fraction.of(0.1));
        double y = 1 / 0.1;
        double bound = SafeLpBound.lowerBound(m, new double[] {1}, new double[] {y});
        assertTrue(Fraction.of(bound).compareTo(exact) <= 0, bound + " vs " + exact);
        assertEquals(3.0, bound, 1e-14);
    }

    @Test
    void directedRoundingPrimitivesBracketTheExactResult() {
        Random rnd = new Random(7);
        for (int t = 0; t < 10_000; t++) {
            double a = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
            double b = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
            Fraction prod = Fraction.of(a).multiply(Fraction.of(b));
            Fraction sum = Fraction.of(a).add(Fraction.of(b));
            assertTrue(Fraction.of(SafeLpBound.mulDown(a, b)).compareTo(prod) <= 0, a + "*" + b);
            assertTrue(Fraction.of(SafeLpBound.mulUp(a, b)).compareTo(prod) >= 0, a + "*" + b);
            assertTrue(Fraction.of(SafeLpBound.addDown(a, b)).compareTo(sum) <= 0, a + "+" + b);
            assertTrue(Fraction.of(SafeLpBound.addUp(a, b)).compareTo(sum) >= 0, a + "+" + b);
        }
        assertEquals(6.0, SafeLpBound.mulDown(2, 3), "exact products are not widened");
        assertEquals(0.0, SafeLpBound.addDown(1, -1), "exact sums are not widened");
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }
}
