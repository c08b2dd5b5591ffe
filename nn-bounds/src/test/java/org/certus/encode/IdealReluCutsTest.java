package org.certus.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.certus.milp.Model;
import org.certus.milp.ModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ideal-formulation inequalities of one ReLU: every one of them holds at every point of the ReLU's graph
 * (with the indicator at its phase), and {@link IdealReluCuts#separate} finds the most violated one — the same
 * violation as the best of all 2ⁿ subsets, found by enumeration — at points of the triangle relaxation.
 */
class IdealReluCutsTest {
    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /** A model with n box variables (some degenerate or negative), h and a, and a random pre-activation over them. */
    private record Case(Model model, EncodedRelu relu, double[] lo, double[] hi) {
    }

    private static Case randomCase(Random rnd) {
        int n = 1 + rnd.nextInt(7);
        ModelBuilder mb = new ModelBuilder();
        double[] lo = new double[n];
        double[] hi = new double[n];
        int[] idx = new int[n];
        double[] coef = new double[n];
        for (int k = 0; k < n; k++) {
            lo[k] = -2 + 3 * rnd.nextDouble();
            hi[k] = rnd.nextInt(8) == 0 ? lo[k] : lo[k] + 2 * rnd.nextDouble();
            idx[k] = mb.addContinuous(lo[k], hi[k]);
            coef[k] = rnd.nextInt(6) == 0 ? 0.0 : 2 * rnd.nextGaussian();
        }
        int h = mb.addContinuous(0, 100);
        int a = mb.addBinary();
        double e = rnd.nextBoolean() ? 0.0 : 1e-3 * rnd.nextDouble();
        LinearExpression z = new LinearExpression(idx, coef, rnd.nextGaussian());
        return new Case(mb.build(), new EncodedRelu(0, 0, h, a, z, e), lo, hi);
    }

    /** Interval bounds {@code [min, max]} of the case's pre-activation over its box. */
    private static double[] interval(Case k) {
        LinearExpression z = k.relu().preActivation();
        double zl = z.constant();
        double zu = z.constant();
        for (int q = 0; q < z.size(); q++) {
            zl += Math.min(z.coef()[q] * k.lo()[q], z.coef()[q] * k.hi()[q]);
            zu += Math.max(z.coef()[q] * k.lo()[q], z.coef()[q] * k.hi()[q]);
        }
        return new double[] {zl, zu};
    }

    /** The subset of terms {@code 0 … n−1} whose bits are set in {@code mask}. */
    private static boolean[] subset(int mask, int n) {
        boolean[] inI = new boolean[n];
        for (int q = 0; q < n; q++) {
            inI[q] = ((mask >> q) & 1) == 1;
        }
        return inI;
    }

    private static double activity(IdealReluCuts.Cut c, double[] p) {
        double s = 0;
        for (int q = 0; q < c.idx().length; q++) {
            s += c.coef()[q] * p[c.idx()[q]];
        }
        return s;
    }

    private static double[] graphPoint(Random rnd, Case k, int phaseIfZero) {
        int n = k.lo().length;
        double[] p = new double[n + 2];
        for (int q = 0; q < n; q++) {
            double r = rnd.nextDouble();
            p[q] = r < 0.3 ? k.lo()[q] : r < 0.6 ? k.hi()[q] : k.lo()[q] + rnd.nextDouble() * (k.hi()[q] - k.lo()[q]);
        }
        double z = k.relu().preActivation().evaluate(p);
        p[n] = Math.max(0, z);
        p[n + 1] = z > 0 ? 1 : z < 0 ? 0 : phaseIfZero;
        return p;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyInequalityHoldsOnTheGraph(long seed) {
        Random rnd = new Random(seed);
        Case k = randomCase(rnd);
        int n = k.lo().length;
        for (int mask = 0; mask < (1 << n); mask++) {
            IdealReluCuts.Cut c = IdealReluCuts.cut(k.relu(), k.model(), subset(mask, n));
            for (int s = 0; s < 200; s++) {
                double[] p = graphPoint(rnd, k, s % 2);
                assertTrue(activity(c, p) <= c.upper(), "seed " + seed + " subset " + mask + ": cut violated on the graph by "
                        + (activity(c, p) - c.upper()));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void separationFindsTheMostViolatedInequality(long seed) {
        Random rnd = new Random(seed);
        Case k = randomCase(rnd);
        int n = k.lo().length;
        LinearExpression z = k.relu().preActivation();
        // A point of the big-M (triangle) relaxation with h as large as it allows.
        double[] range = interval(k);
        double zl = range[0];
        double zu = range[1];
        double[] p = graphPoint(rnd, k, 0);
        double a = rnd.nextDouble();
        double zp = z.evaluate(p);
        double e = k.relu().evaluationError();
        p[n + 1] = a;
        p[n] = Math.max(Math.max(0, zp - e), Math.min(Math.max(zu, 0) * a, zp + e - zl * (1 - a)));
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < (1 << n); mask++) {
            IdealReluCuts.Cut c = IdealReluCuts.cut(k.relu(), k.model(), subset(mask, n));
            best = Math.max(best, activity(c, p) - c.upper());
        }
        IdealReluCuts.Cut found = IdealReluCuts.separate(k.relu(), k.model(), p, 1e-9);
        if (best > 1e-7) {
            assertNotNull(found, "seed " + seed + ": a subset is violated by " + best + " but none was found");
            assertEquals(best, activity(found, p) - found.upper(), 1e-9, "seed " + seed + ": not the most violated");
        } else if (best < -1e-7) {
            assertNull(found, "seed " + seed + ": nothing is violated, yet a cut was returned");
        }
    }

    @Test
    void someTrianglePointsAreCutOff() {
        int violated = 0;
        for (long seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed);
            Case k = randomCase(rnd);
            int n = k.lo().length;
            double[] p = graphPoint(rnd, k, 0);
            LinearExpression z = k.relu().preActivation();
            double[] range = interval(k);
            double zl = range[0];
            double zu = range[1];
            if (!(zl < 0 && zu > 0)) {
                continue;
            }
            double a = 0.5;
            p[n + 1] = a;
            p[n] = Math.max(0, Math.min(zu * a, z.evaluate(p) - zl * (1 - a)));
            if (IdealReluCuts.separate(k.relu(), k.model(), p, 1e-6) != null) {
                violated++;
            }
        }
        assertTrue(violated > 0, "no point of the triangle relaxation was cut off in 200 cases");
    }
}
