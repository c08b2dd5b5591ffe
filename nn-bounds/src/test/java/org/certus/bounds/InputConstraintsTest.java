package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bounds over box ∩ linear input constraints: the Lagrangian concretisation against an LP oracle
 * (equal for one range, never above the LP minimum for several, never looser than the box), and
 * symbolic bounds on random networks containing every sampled activation of a region point while
 * staying at least as tight as box-only bounds.
 */
class InputConstraintsTest {

    static LongStream seeds() {
        return LongStream.range(0, 150);
    }

    /** Random ranges around a random box point, so the region is never empty; each range two-sided or one-sided. */
    static AffineMap randomConstraints(Random rnd, double[] lo, double[] hi, int ranges) {
        int n = lo.length;
        double[] x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
        }
        int rows = 0;
        double[] w = new double[2 * ranges * n];
        double[] b = new double[2 * ranges];
        for (int k = 0; k < ranges; k++) {
            double[] a = new double[n];
            double s = 0;
            for (int i = 0; i < n; i++) {
                // Sparse-ish rows, sometimes the all-ones row of the blur family.
                a[i] = k == 0 && rnd.nextBoolean() ? 1.0 : rnd.nextInt(4) == 0 ? 0.0 : rnd.nextGaussian();
                s += a[i] * x0[i];
            }
            double width = rnd.nextDouble() * 0.5;
            // a·x − (s + width) <= 0
            System.arraycopy(a, 0, w, rows * n, n);
            b[rows++] = -(s + width);
            if (rnd.nextInt(3) > 0) {
                // −a·x + (s − width') <= 0
                for (int i = 0; i < n; i++) {
                    w[rows * n + i] = -a[i];
                }
                b[rows++] = s - rnd.nextDouble() * 0.5;
            }
        }
        return AffineMap.fromDense(rows, n, Arrays.copyOf(w, rows * n), Arrays.copyOf(b, rows));
    }

    static double lpMinimum(double[] c, double[] lo, double[] hi, AffineMap cons) {
        int n = c.length;
        ModelBuilder mb = new ModelBuilder();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = mb.addContinuous(lo[i], hi[i]);
        }
        double[] g = cons.toDense();
        for (int r = 0; r < cons.rows(); r++) {
            mb.addConstraint(Double.NEGATIVE_INFINITY, all, Arrays.copyOfRange(g, r * n, (r + 1) * n), -cons.bias()[r]);
        }
        mb.setObjective(Sense.MINIMIZE, all, c, 0);
        LpResult r = new OjAlgoLpSolver(mb.build()).solve();
        assertEquals(LpStatus.OPTIMAL, r.status(), "oracle LP");
        return r.objectiveValue();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void lagrangianBoundMatchesLp(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(9);
        double[] lo = new double[n], hi = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = rnd.nextDouble() - 1;
            hi[i] = lo[i] + rnd.nextDouble() * 2;
            c[i] = rnd.nextInt(5) == 0 ? 0.0 : rnd.nextGaussian();
        }
        int ranges = 1 + (seed % 3 == 0 ? rnd.nextInt(3) : 0);
        AffineMap cons = randomConstraints(rnd, lo, hi, ranges);
        InputConstraints ic = InputConstraints.of(cons);
        double[] mag = new double[1];
        double[] argmin = new double[n];
        double mn = ic.optimize(c, n, lo, hi, false, argmin, mag);
        double mx = ic.optimize(c, n, lo, hi, true, null, mag);
        double lpMin = lpMinimum(c, lo, hi, cons);
        double[] neg = new double[n];
        for (int i = 0; i < n; i++) {
            neg[i] = -c[i];
        }
        double lpMax = -lpMinimum(neg, lo, hi, cons);
        double boxMin = 0, boxMax = 0;
        for (int i = 0; i < n; i++) {
            boxMin += Math.min(c[i] * lo[i], c[i] * hi[i]);
            boxMax += Math.max(c[i] * lo[i], c[i] * hi[i]);
        }
        String ctx = "seed " + seed + ", ranges " + ic.rangeCount() + ": min " + mn + " lp " + lpMin + " box " + boxMin + "; max " + mx
                + " lp " + lpMax + " box " + boxMax;
        // Sound: below the LP minimum / above the LP maximum (the LP itself is exact to ~1e-9).
        assertTrue(mn <= lpMin + 1e-8 && mx >= lpMax - 1e-8, ctx);
        // Never looser than the box (up to rounding).
        assertTrue(mn >= boxMin - 1e-12 && mx <= boxMax + 1e-12, ctx);
        if (ic.rangeCount() == 1) {
            // One range: the multiplier is exact, the bound is the LP optimum.
            assertEquals(lpMin, mn, 1e-7, ctx);
            assertEquals(lpMax, mx, 1e-7, ctx);
            // The primal point attains it, within the box and (up to rounding) the constraints.
            double v = 0;
            double[] rows = new double[cons.rows()];
            cons.apply(argmin, rows);
            for (int i = 0; i < n; i++) {
                assertTrue(argmin[i] >= lo[i] && argmin[i] <= hi[i], ctx);
                v += c[i] * argmin[i];
            }
            for (double r : rows) {
                assertTrue(r <= 1e-9, ctx + ": primal point violates a row by " + r);
            }
            assertEquals(lpMin, v, 1e-7, ctx);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void symbolicBoundsOverConstrainedRegionAreSoundAndTighter(long seed) {
        Random rnd = new Random(7000 + seed);
        Network net = BoundSoundnessTest.randomNetwork(rnd);
        ReluChain chain = ReluChain.of(net);
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            double c = rnd.nextDouble() * 2 - 1, r = rnd.nextDouble() * 0.5;
            lo[i] = Math.max(-1, c - r);
            hi[i] = Math.min(1, c + r);
        }
        AffineMap cons = randomConstraints(rnd, lo, hi, 1 + rnd.nextInt(2));
        ArithmeticModel model = seed % 2 == 0 ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds box = new SymbolicPropagator(false, null, model).propagate(chain, lo, hi, none);
        NetworkBounds con = new SymbolicPropagator(false, null, model, InputConstraints.of(cons)).propagate(chain, lo, hi, none);
        String ctx = "seed " + seed;
        for (int j = 0; j < box.layerCount(); j++) {
            for (int q = 0; q < box.lower(j).length; q++) {
                assertTrue(con.lower(j)[q] >= box.lower(j)[q] && con.upper(j)[q] <= box.upper(j)[q],
                        ctx + ": layer " + j + " neuron " + q + " looser than the box's");
            }
        }
        // Region points: rejection sampling from the box, plus the Lagrangian primal points of random objectives.
        double[] rows = new double[cons.rows()];
        int accepted = 0;
        for (int t = 0; t < 4000 && accepted < 300; t++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
            }
            cons.apply(x, rows);
            if (Arrays.stream(rows).allMatch(r -> r <= 0)) {
                accepted++;
                assertContains(chain, con, x, ctx);
            }
        }
        AffineMap objective = AffineMap.fromDense(1, net.outputSize(), BoundSoundnessTest.gaussian(rnd, net.outputSize(), 1.0), new double[1]);
        SymbolicPropagator prop = new SymbolicPropagator(false, null, model, InputConstraints.of(cons));
        LinearBounds lb = prop.minimize(chain, con, lo, hi, objective);
        double[] x = lb.argmin()[0];
        cons.apply(x, rows);
        if (Arrays.stream(rows).allMatch(r -> r <= 0)) {
            assertContains(chain, con, x, ctx);
            double[] y = chain.evaluate(x);
            double[] v = new double[1];
            objective.apply(y, v);
            assertTrue(lb.lower()[0] <= v[0], ctx + ": objective bound above its value at a region point");
        }
    }

    private static void assertContains(ReluChain chain, NetworkBounds b, double[] x, String ctx) {
        double[][] z = chain.preActivations(x);
        for (int j = 0; j < z.length; j++) {
            for (int q = 0; q < z[j].length; q++) {
                assertTrue(z[j][q] >= b.lower(j)[q] && z[j][q] <= b.upper(j)[q], ctx + ": layer " + j + " neuron " + q + " value " + z[j][q]
                        + " outside [" + b.lower(j)[q] + ", " + b.upper(j)[q] + "] at " + Arrays.toString(x));
            }
        }
    }
}
