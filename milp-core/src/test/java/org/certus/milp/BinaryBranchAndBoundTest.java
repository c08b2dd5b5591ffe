package org.certus.milp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MILP branch-and-bound against brute force: every assignment of the binaries is fixed and its LP
 * solved (exactly, in rational arithmetic, on the smallest models), and the best of them is the MILP
 * optimum. The proven bound must never be on the wrong side of it, and with no limit must meet it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BinaryBranchAndBoundTest {
    /** LP optima from ojAlgo agree with the exact ones to about this much on these small models. */
    private static final double LP_TOLERANCE = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    static LongStream exactSeeds() {
        return LongStream.range(100, 115);
    }

    /**
     * A random mixed-binary model: {@code nc} continuous variables in random boxes, {@code nb} binaries,
     * rows coupling them with big-M-sized binary coefficients. Usually built around a point with integral
     * binaries (so feasible); sometimes around binaries at 0.5 with narrow rows, which makes many of them
     * LP-feasible but MILP-infeasible.
     */
    static Model randomMilp(Random rnd, int nc, int nb, int rows) {
        ModelBuilder b = new ModelBuilder();
        int n = nc + nb;
        double[] x0 = new double[n];
        boolean fractionalCentre = rnd.nextDouble() < 0.25;
        for (int j = 0; j < nc; j++) {
            double lo = -1 - 2 * rnd.nextDouble();
            double hi = 1 + 2 * rnd.nextDouble();
            b.addContinuous(lo, hi);
            x0[j] = lo + (hi - lo) * (0.2 + 0.6 * rnd.nextDouble());
        }
        for (int j = nc; j < n; j++) {
            b.addBinary();
            x0[j] = fractionalCentre ? 0.5 : rnd.nextInt(2);
        }
        for (int i = 0; i < rows; i++) {
            int[] idx = new int[n];
            double[] coef = new double[n];
            int nz = 0;
            for (int j = 0; j < n; j++) {
                boolean binary = j >= nc;
                if (rnd.nextDouble() < (binary ? 0.5 : 0.7)) {
                    idx[nz] = j;
                    coef[nz++] = (binary ? 3 : 1) * rnd.nextGaussian();
                }
            }
            idx = java.util.Arrays.copyOf(idx, nz);
            coef = java.util.Arrays.copyOf(coef, nz);
            double act = 0;
            for (int k = 0; k < nz; k++) {
                act += coef[k] * x0[idx[k]];
            }
            double margin = fractionalCentre ? 0.05 * rnd.nextDouble() : 0.05 + rnd.nextDouble();
            double kind = rnd.nextDouble();
            if (kind < 0.4) {
                b.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, act + margin);
            } else if (kind < 0.8) {
                b.addConstraint(act - margin, idx, coef, Double.POSITIVE_INFINITY);
            } else {
                b.addConstraint(act - margin, idx, coef, act + margin);
            }
        }
        return b.build();
    }

    /** {@link #randomMilp(Random, int, int, int)} with 1–4 continuous variables, 1–6 binaries and 2–6 rows. */
    static Model randomMilp(Random rnd) {
        int nc = 1 + rnd.nextInt(4);
        int nb = 1 + rnd.nextInt(6);
        return randomMilp(rnd, nc, nb, 2 + rnd.nextInt(5));
    }

    private static int[] allVariables(int n) {
        int[] idx = new int[n];
        for (int j = 0; j < n; j++) {
            idx[j] = j;
        }
        return idx;
    }

    /** Best LP optimum over every binary assignment (max form of {@code sense}), or null when all are infeasible. */
    private static Double bruteForce(Model m, double[] c, Sense sense) {
        int n = m.numVariables();
        int[] bins = java.util.stream.IntStream.range(0, n).filter(m::isBinary).toArray();
        Double best = null;
        for (int mask = 0; mask < (1 << bins.length); mask++) {
            OjAlgoLpSolver lp = new OjAlgoLpSolver(m);
            lp.setObjective(allVariables(n), c, sense);
            for (int q = 0; q < bins.length; q++) {
                double v = (mask >> q) & 1;
                lp.setVariableBounds(bins[q], v, v);
            }
            LpResult r = lp.solve();
            if (r.status() == LpStatus.OPTIMAL) {
                double val = r.objectiveValue();
                if (best == null || (sense == Sense.MAXIMIZE ? val > best : val < best)) {
                    best = val;
                }
            } else {
                assertEquals(LpStatus.INFEASIBLE, r.status(), "brute force LP failed");
            }
        }
        return best;
    }

    /**
     * A time limit too long to add to the clock is no limit: it once threw "long overflow" (beyond
     * {@link Duration#toNanos()}) or ended the search at once (an overflowed, past deadline).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("exactSeeds")
    void hugeTimeLimitsSolveToOptimality(long seed) {
        Random rnd = new Random(seed);
        Model m = randomMilp(rnd);
        double[] c = rnd.doubles(m.numVariables()).map(u -> 2 * u - 1).toArray();
        MilpStatus expected = new BinaryBranchAndBound(m).optimize(allVariables(c.length), c, Sense.MAXIMIZE,
                MilpLimits.of(Duration.ofSeconds(30))).status();
        for (Duration limit : new Duration[] {Duration.ofSeconds(10_000_000_000L), Duration.ofNanos(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)}) {
            MilpResult r = new BinaryBranchAndBound(m).optimize(allVariables(c.length), c, Sense.MAXIMIZE, MilpLimits.of(limit));
            assertEquals(expected, r.status(), "seed " + seed + ", limit " + limit + ": " + r);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void provenBoundMatchesBruteForceOverAllAssignments(long seed) {
        Random rnd = new Random(seed);
        Model m = randomMilp(rnd);
        for (Sense sense : Sense.values()) {
            double[] c = new double[m.numVariables()];
            for (int j = 0; j < c.length; j++) {
                c[j] = rnd.nextGaussian();
            }
            Double brute = bruteForce(m, c, sense);
            BinaryBranchAndBound bnb = new BinaryBranchAndBound(m);
            MilpResult r = bnb.optimize(allVariables(c.length), c, sense, MilpLimits.of(Duration.ofSeconds(30)));
            String where = "seed " + seed + " " + sense + ": " + r + ", brute force " + brute;
            if (brute == null) {
                assertEquals(MilpStatus.INFEASIBLE, r.status(), where);
                assertEquals(sense == Sense.MAXIMIZE ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, r.provenBound(), where);
                assertNull(r.incumbent(), where);
                continue;
            }
            assertEquals(MilpStatus.OPTIMAL, r.status(), where);
            double s = sense == Sense.MAXIMIZE ? 1 : -1;
            // Sound: never on the wrong side of the optimum; tight: within the gap and LP tolerances.
            assertTrue(s * (r.provenBound() - brute) >= -LP_TOLERANCE, where);
            assertEquals(brute, r.provenBound(), MilpLimits.DEFAULT_ABSOLUTE_GAP + LP_TOLERANCE, where);
            assertNotNull(r.incumbent(), where);
            assertEquals(brute, r.incumbentValue(), MilpLimits.DEFAULT_ABSOLUTE_GAP + LP_TOLERANCE, where);
            for (int j = 0; j < c.length; j++) {
                if (m.isBinary(j)) {
                    double x = r.incumbent()[j];
                    assertTrue(Math.min(x, 1 - x) <= BinaryBranchAndBound.INTEGRALITY_TOLERANCE, where + ": binary " + j + " = " + x);
                }
            }
            // Limits only ever loosen the bound, never make it wrong.
            MilpResult one = new BinaryBranchAndBound(m).optimize(allVariables(c.length), c, sense,
                    MilpLimits.of(Duration.ofSeconds(30)).withNodeLimit(1));
            assertTrue(s * (one.provenBound() - brute) >= -LP_TOLERANCE, "node limit 1: " + where + " " + one);
            // The solver's bounds are restored: a second search on the same instance gives the same answer.
            MilpResult again = bnb.optimize(allVariables(c.length), c, sense, MilpLimits.of(Duration.ofSeconds(30)));
            assertEquals(r.provenBound(), again.provenBound(), 1e-9, where);
        }
    }

    /** The generator must exercise what the brute-force test checks: branching and certified infeasibility. */
    @Test
    void randomModelsNeedBranchingAndIncludeInfeasibleOnes() {
        int branched = 0;
        int infeasible = 0;
        for (long seed = 0; seed < 60; seed++) {
            Random rnd = new Random(seed);
            Model m = randomMilp(rnd);
            double[] c = new double[m.numVariables()];
            for (int j = 0; j < c.length; j++) {
                c[j] = rnd.nextGaussian();
            }
            MilpResult r = new BinaryBranchAndBound(m).optimize(allVariables(c.length), c, Sense.MAXIMIZE,
                    MilpLimits.of(Duration.ofSeconds(30)));
            branched += r.nodes() > 1 ? 1 : 0;
            infeasible += r.status() == MilpStatus.INFEASIBLE ? 1 : 0;
        }
        assertTrue(branched >= 10, "only " + branched + " of 60 random models needed branching");
        assertTrue(infeasible >= 2, "only " + infeasible + " of 60 random models were infeasible");
    }

    /** Exact rational optimum over every assignment: the certified bound is never below it, not even by rounding. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("exactSeeds")
    void provenBoundIsNeverBelowTheExactOptimum(long seed) {
        Random rnd = new Random(seed);
        Model m = randomMilp(rnd, 2, 2 + rnd.nextInt(2), 3);
        double[] c = new double[m.numVariables()];
        for (int j = 0; j < c.length; j++) {
            c[j] = rnd.nextGaussian();
        }
        MilpResult r = new BinaryBranchAndBound(m).optimize(allVariables(c.length), c, Sense.MAXIMIZE,
                MilpLimits.of(Duration.ofSeconds(30)));
        double[] neg = new double[c.length];
        for (int j = 0; j < c.length; j++) {
            neg[j] = -c[j];
        }
        int[] bins = java.util.stream.IntStream.range(0, c.length).filter(m::isBinary).toArray();
        // Smallest exact minimum of -c·x over the assignments = minus the MILP maximum.
        Fraction best = null;
        for (int mask = 0; mask < (1 << bins.length); mask++) {
            double[] lo = m.variableLowers();
            double[] hi = m.variableUppers();
            for (int q = 0; q < bins.length; q++) {
                lo[bins[q]] = hi[bins[q]] = (mask >> q) & 1;
            }
            Fraction min = ExactLp.minimum(m, neg, lo, hi);
            if (min != null && (best == null || min.compareTo(best) < 0)) {
                best = min;
            }
        }
        String where = "seed " + seed + ": " + r + ", exact " + (best == null ? "infeasible" : -best.toDouble());
        if (best == null) {
            assertEquals(Double.NEGATIVE_INFINITY, r.provenBound(), where);
        } else {
            assertTrue(Fraction.of(-r.provenBound()).compareTo(best) <= 0, where);
            assertEquals(-best.toDouble(), r.provenBound(), MilpLimits.DEFAULT_ABSOLUTE_GAP + LP_TOLERANCE, where);
        }
    }

    /** Binaries x (variable 0) and y (variable 1) with x + y <= 1.5. */
    private static Model twoBinariesSummingToAtMostOneAndAHalf() {
        ModelBuilder b = new ModelBuilder();
        int x = b.addBinary();
        int y = b.addBinary();
        b.addConstraint(Double.NEGATIVE_INFINITY, new int[] {x, y}, new double[] {1, 1}, 1.5);
        return b.build();
    }

    @Test
    void thresholdStopsOnceTheBoundIsGoodEnough() {
        // max x + y: LP bound 1.5, MILP optimum 1.
        Model m = twoBinariesSummingToAtMostOneAndAHalf();
        int x = 0;
        int y = 1;
        BinaryBranchAndBound bnb = new BinaryBranchAndBound(m);
        MilpResult full = bnb.optimize(new int[] {x, y}, new double[] {1, 1}, Sense.MAXIMIZE, MilpLimits.of(Duration.ofSeconds(10)));
        assertEquals(MilpStatus.OPTIMAL, full.status());
        assertEquals(1.0, full.provenBound(), 1e-9);
        MilpResult loose = bnb.optimize(new int[] {x, y}, new double[] {1, 1}, Sense.MAXIMIZE,
                MilpLimits.of(Duration.ofSeconds(10)).withThreshold(2.0));
        assertEquals(MilpStatus.THRESHOLD, loose.status());
        assertTrue(loose.provenBound() >= 1.0 && loose.provenBound() <= 2.0, loose.toString());
        assertEquals(1, loose.nodes());
    }

    @Test
    void respectsTheCallersRootBox() {
        // max x over x binary, x <= 0.7 by row: fixing x = 1 is infeasible, so the optimum is 0.
        ModelBuilder b = new ModelBuilder();
        int x = b.addBinary();
        int z = b.addContinuous(0, 1);
        b.addConstraint(Double.NEGATIVE_INFINITY, new int[] {x, z}, new double[] {1, 1}, 0.7);
        Model m = b.build();
        OjAlgoLpSolver lp = new OjAlgoLpSolver(m);
        BinaryBranchAndBound bnb = new BinaryBranchAndBound(lp, OjAlgoLpSolver::new);
        MilpResult r = bnb.optimize(new int[] {x, z}, new double[] {1, 1}, Sense.MAXIMIZE, MilpLimits.of(Duration.ofSeconds(10)));
        assertEquals(0.7, r.provenBound(), 1e-9);
        lp.setVariableBounds(z, 0, 0.2);
        r = bnb.optimize(new int[] {x, z}, new double[] {1, 1}, Sense.MAXIMIZE, MilpLimits.of(Duration.ofSeconds(10)));
        assertEquals(0.2, r.provenBound(), 1e-9);
        assertEquals(0.2, lp.variableUpper(z), 0.0);
        assertEquals(1.0, lp.variableUpper(x), 0.0);
    }

    /** A rule that branches on a random free binary: any choice must still reach the brute-force optimum. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyBranchingRuleReachesTheBruteForceOptimum(long seed) {
        Random rnd = new Random(seed);
        Model m = randomMilp(rnd);
        double[] c = new double[m.numVariables()];
        for (int j = 0; j < c.length; j++) {
            c[j] = rnd.nextGaussian();
        }
        Random choices = new Random(seed + 1000);
        BranchingRule randomFree = (x, lo, hi) -> {
            int[] free = java.util.stream.IntStream.range(0, x.length).filter(j -> m.isBinary(j) && lo[j] < hi[j]).toArray();
            return free[choices.nextInt(free.length)];
        };
        Double brute = bruteForce(m, c, Sense.MAXIMIZE);
        MilpResult r = new BinaryBranchAndBound(m).withBranching(randomFree).optimize(allVariables(c.length), c, Sense.MAXIMIZE,
                MilpLimits.of(Duration.ofSeconds(30)));
        String where = "seed " + seed + ": " + r + ", brute force " + brute;
        if (brute == null) {
            assertEquals(MilpStatus.INFEASIBLE, r.status(), where);
        } else {
            assertEquals(MilpStatus.OPTIMAL, r.status(), where);
            assertEquals(brute, r.provenBound(), MilpLimits.DEFAULT_ABSOLUTE_GAP + LP_TOLERANCE, where);
        }
    }

    /** A node the rule declines to branch is closed on its certified bound: one node, and a bound still valid. */
    @Test
    void aDeclinedNodeIsClosedOnItsBound() {
        // max x + y: LP bound 1.5, MILP optimum 1.
        Model m = twoBinariesSummingToAtMostOneAndAHalf();
        int x = 0;
        int y = 1;
        MilpResult r = new BinaryBranchAndBound(m).withBranching((p, lo, hi) -> -1)
                .optimize(new int[] {x, y}, new double[] {1, 1}, Sense.MAXIMIZE, MilpLimits.of(Duration.ofSeconds(10)));
        assertEquals(1, r.nodes());
        assertEquals(1.5, r.provenBound(), 1e-9);
        assertNull(r.incumbent());
    }

    @Test
    void aRuleChoosingAnythingButAFreeBinaryIsAnError() {
        ModelBuilder b = new ModelBuilder();
        int x = b.addBinary();
        int y = b.addBinary();
        int z = b.addContinuous(0, 1);
        b.addConstraint(Double.NEGATIVE_INFINITY, new int[] {x, y}, new double[] {1, 1}, 1.5);
        Model m = b.build();
        for (int bad : new int[] {z, 7}) {
            BinaryBranchAndBound bnb = new BinaryBranchAndBound(m).withBranching((p, lo, hi) -> bad);
            MilpException e = org.junit.jupiter.api.Assertions.assertThrows(MilpException.class,
                    () -> bnb.optimize(new int[] {x, y}, new double[] {1, 1}, Sense.MAXIMIZE, MilpLimits.of(Duration.ofSeconds(10))));
            assertTrue(e.getMessage().contains("not a free binary"), e.getMessage());
        }
    }
}
