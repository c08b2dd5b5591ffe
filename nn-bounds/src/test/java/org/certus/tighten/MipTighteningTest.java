package org.certus.tighten;

import org.certus.bounds.Float32BoundsContainmentTest;

import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.Model;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MIP tightening is sound (sampled activations lie within its bounds, in real arithmetic and, in
 * FLOAT32 mode, under float32 and double evaluation in several summation orders), never looser than LP
 * tightening, and — given the time — exact: on tiny networks every neuron it leaves unstable has the
 * exact extreme values over the box as bounds, found by enumerating every ReLU phase pattern with one
 * LP per pattern.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MipTighteningTest {
    private static final Duration NEURON_LIMIT = Duration.ofSeconds(20);
    private static final Duration BUDGET = Duration.ofSeconds(120);
    /** How far the brute-force LP optima may be from the exact extremes (ojAlgo on tiny, well-scaled LPs). */
    private static final double LP_TOLERANCE = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    static LongStream exactSeeds() {
        return LongStream.range(0, 25);
    }

    static LongStream floatSeeds() {
        return LongStream.range(0, 30);
    }

    static double[][] box(Random rnd, int n, double lo, double hi, double maxRadius) {
        double[] l = new double[n];
        double[] h = new double[n];
        double radius = 0.1 + maxRadius * rnd.nextDouble();
        for (int i = 0; i < n; i++) {
            double c = lo + (hi - lo) * rnd.nextDouble();
            l[i] = Math.max(lo, c - radius);
            h[i] = Math.min(hi, c + radius);
        }
        return new double[][] {l, h};
    }

    private static void assertContains(NetworkBounds b, double[][] z, String where) {
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z[i].length; j++) {
                assertTrue(z[i][j] >= b.lower(i)[j] && z[i][j] <= b.upper(i)[j], where + ": layer " + i + " neuron " + j
                        + ": " + z[i][j] + " not in [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "]");
            }
        }
    }

    private static void assertWithin(NetworkBounds inner, NetworkBounds outer, double slack, String where) {
        for (int i = 0; i < inner.layerCount(); i++) {
            for (int j = 0; j < inner.lower(i).length; j++) {
                assertTrue(inner.lower(i)[j] >= outer.lower(i)[j] - slack && inner.upper(i)[j] <= outer.upper(i)[j] + slack,
                        where + ": looser at layer " + i + " neuron " + j + ": [" + inner.lower(i)[j] + ", " + inner.upper(i)[j]
                                + "] vs [" + outer.lower(i)[j] + ", " + outer.upper(i)[j] + "]");
            }
        }
    }

    /** Random dense and convolutional networks: sampled activations inside, never looser than LP. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sampledActivationsLieWithinMipBoundsAndMipIsNeverLooserThanLp(long seed) {
        Random rnd = new Random(seed);
        boolean conv = seed % 2 == 1;
        Network net = conv
                ? RandomNetworks.conv(rnd, 1, 4, 4, new int[] {2, 2}, 3 + rnd.nextInt(3), 3)
                : RandomNetworks.dense(rnd, 2 + rnd.nextInt(3), 5 + rnd.nextInt(4), 5 + rnd.nextInt(4), 4 + rnd.nextInt(4), 3);
        ReluChain chain = ReluChain.of(net);
        double[][] bx = conv ? box(rnd, chain.inputSize(), 0, 1, 0.2) : box(rnd, chain.inputSize(), -1, 1, 0.4);
        double[] lo = bx[0];
        double[] hi = bx[1];
        boolean parallel = seed % 4 < 2;
        NetworkBounds lp = new LpTightening(Duration.ofSeconds(30), parallel).propagate(chain, lo, hi);
        // Soundness does not depend on the searches finishing: short limits keep the test quick.
        MipTightening mipt = new MipTightening(Duration.ofSeconds(2), Duration.ofSeconds(20), parallel);
        NetworkBounds mip = mipt.propagate(chain, lo, hi);
        String where = "seed " + seed + (conv ? " (conv)" : " (dense)");
        assertWithin(mip, lp, 0.0, where + " mip vs lp");
        double[] x = new double[lo.length];
        for (int s = 0; s < 2000; s++) {
            for (int i = 0; i < x.length; i++) {
                double p = rnd.nextDouble();
                x[i] = p < 0.2 ? lo[i] : p < 0.4 ? hi[i] : lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
            }
            assertContains(mip, chain.preActivations(x), where);
        }
    }

    /**
     * Tiny dense networks: for every neuron of the hidden layers 1 … k−1 the bounds contain the exact
     * extremes over the box, and every neuron left unstable has them as its bounds (within the search's
     * gap); a neuron whose exact maximum is negative is never left unstable.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("exactSeeds")
    void withEnoughTimeMipBoundsAreTheExactExtremes(long seed) {
        Random rnd = new Random(seed);
        int in = 2 + rnd.nextInt(2);
        Network net = rnd.nextBoolean()
                ? RandomNetworks.dense(rnd, in, 3 + rnd.nextInt(3), 3 + rnd.nextInt(3), 3 + rnd.nextInt(2), 2)
                : RandomNetworks.dense(rnd, in, 3 + rnd.nextInt(3), 3 + rnd.nextInt(3), 2);
        ReluChain chain = ReluChain.of(net);
        double[][] bx = box(rnd, in, -1, 1, 0.6);
        NetworkBounds sym = new SymbolicPropagator(false).propagate(chain, bx[0], bx[1]);
        MipTightening mipt = new MipTightening(NEURON_LIMIT, BUDGET, seed % 2 == 0);
        NetworkBounds mip = mipt.tighten(chain, bx[0], bx[1], sym);
        assertEquals(0, mipt.lastStatistics().hitLimit(), "seed " + seed + ": a MILP hit its time limit");
        double[][][] exact = exactExtremes(chain, bx[0], bx[1], sym);
        int k = chain.reluLayerCount();
        for (int i = 1; i < k; i++) {
            for (int j = 0; j < chain.width(i); j++) {
                String where = "seed " + seed + " layer " + i + " neuron " + j + ": mip [" + mip.lower(i)[j] + ", "
                        + mip.upper(i)[j] + "], exact [" + exact[0][i][j] + ", " + exact[1][i][j] + "]";
                assertTrue(mip.lower(i)[j] <= exact[0][i][j] + LP_TOLERANCE, where);
                assertTrue(mip.upper(i)[j] >= exact[1][i][j] - LP_TOLERANCE, where);
                if (mip.isUnstable(i, j)) {
                    double tol = MipTightening.RELATIVE_GAP * (sym.upper(i)[j] - sym.lower(i)[j]) + LP_TOLERANCE;
                    assertEquals(exact[1][i][j], mip.upper(i)[j], tol, where);
                    assertEquals(exact[0][i][j], mip.lower(i)[j], tol, where);
                }
            }
        }
    }

    /**
     * Exact min ({@code [0]}) and max ({@code [1]}) of every pre-activation of layers 0 … k−1 over the box:
     * the box is the union of the regions of the phase patterns of the neurons {@code bounds} leaves
     * unstable, and on each region the network is affine, so one LP per region and neuron gives them.
     */
    static double[][][] exactExtremes(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds) {
        int k = chain.reluLayerCount();
        int n = lo.length;
        List<int[]> unstable = new ArrayList<>();
        for (int i = 0; i < k - 1; i++) {
            for (int j = 0; j < chain.width(i); j++) {
                if (bounds.isUnstable(i, j)) {
                    unstable.add(new int[] {i, j});
                }
            }
        }
        assertTrue(unstable.size() <= 14, "too many unstable neurons for brute force: " + unstable.size());
        double[][][] ext = new double[2][k][];
        for (int i = 0; i < k; i++) {
            ext[0][i] = new double[chain.width(i)];
            ext[1][i] = new double[chain.width(i)];
            java.util.Arrays.fill(ext[0][i], Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(ext[1][i], Double.NEGATIVE_INFINITY);
        }
        for (int mask = 0; mask < (1 << unstable.size()); mask++) {
            boolean[][] active = new boolean[k][];
            for (int i = 0; i < k; i++) {
                active[i] = new boolean[chain.width(i)];
                for (int j = 0; j < active[i].length; j++) {
                    active[i][j] = bounds.lower(i)[j] >= 0;
                }
            }
            for (int q = 0; q < unstable.size(); q++) {
                active[unstable.get(q)[0]][unstable.get(q)[1]] = ((mask >> q) & 1) == 1;
            }
            // z_i = A[i] x + c[i] under this pattern.
            double[][][] a = new double[k][][];
            double[][] c = new double[k][];
            double[][] prevA = identity(n);
            double[] prevC = new double[n];
            for (int i = 0; i < k; i++) {
                AffineMap m = chain.affine(i);
                a[i] = new double[m.rows()][n];
                c[i] = new double[m.rows()];
                for (int r = 0; r < m.rows(); r++) {
                    c[i][r] = m.bias()[r];
                    for (int q = m.rowStart()[r]; q < m.rowStart()[r + 1]; q++) {
                        int col = m.colIndex()[q];
                        double w = m.values()[q];
                        c[i][r] += w * prevC[col];
                        for (int t = 0; t < n; t++) {
                            a[i][r][t] += w * prevA[col][t];
                        }
                    }
                }
                prevA = new double[m.rows()][];
                prevC = new double[m.rows()];
                for (int r = 0; r < m.rows(); r++) {
                    prevA[r] = active[i][r] ? a[i][r] : new double[n];
                    prevC[r] = active[i][r] ? c[i][r] : 0.0;
                }
            }
            ModelBuilder mb = new ModelBuilder();
            int[] xs = new int[n];
            for (int t = 0; t < n; t++) {
                xs[t] = mb.addContinuous(lo[t], hi[t]);
            }
            for (int[] u : unstable) {
                double[] row = a[u[0]][u[1]];
                double rhs = -c[u[0]][u[1]];
                if (active[u[0]][u[1]]) {
                    mb.addConstraint(rhs, xs, row, Double.POSITIVE_INFINITY);
                } else {
                    mb.addConstraint(Double.NEGATIVE_INFINITY, xs, row, rhs);
                }
            }
            Model model = mb.build();
            OjAlgoLpSolver lp = new OjAlgoLpSolver(model);
            lp.setObjective(xs, new double[n], Sense.MINIMIZE);
            LpResult feasible = lp.solve();
            if (feasible.status() == LpStatus.INFEASIBLE) {
                continue;
            }
            assertEquals(LpStatus.OPTIMAL, feasible.status());
            for (int i = 0; i < k; i++) {
                for (int r = 0; r < chain.width(i); r++) {
                    for (Sense s : Sense.values()) {
                        lp.setObjective(xs, a[i][r], s);
                        LpResult res = lp.solve();
                        assertEquals(LpStatus.OPTIMAL, res.status());
                        double v = res.objectiveValue() + c[i][r];
                        if (s == Sense.MINIMIZE) {
                            ext[0][i][r] = Math.min(ext[0][i][r], v);
                        } else {
                            ext[1][i][r] = Math.max(ext[1][i][r], v);
                        }
                    }
                }
            }
        }
        return ext;
    }

    private static double[][] identity(int n) {
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1.0;
        }
        return e;
    }

    /**
     * FLOAT32 arithmetic on badly scaled networks (weights 1e-6 … 1e6): bounds contain every float32 and
     * double evaluation in six summation orders, for LP and MIP tightening alike.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("floatSeeds")
    void float32BoundsContainEveryEvaluation(long seed) {
        Random rnd = new Random(seed);
        int in = 1 + rnd.nextInt(3);
        Network net = Float32BoundsContainmentTest.randomNetwork(rnd, in);
        ReluChain chain = ReluChain.of(net);
        double[][] bx = Float32BoundsContainmentTest.randomBox(rnd, in);
        NetworkBounds sym = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32).propagate(chain, bx[0], bx[1]);
        NetworkBounds lp = new LpTightening(Duration.ofSeconds(10), false, ArithmeticModel.FLOAT32).tighten(chain, bx[0], bx[1], sym);
        NetworkBounds mip = new MipTightening(Duration.ofSeconds(2), Duration.ofSeconds(20), false, ArithmeticModel.FLOAT32)
                .tighten(chain, bx[0], bx[1], sym);
        assertWithin(lp, sym, 0.0, "seed " + seed + " lp vs symbolic");
        assertWithin(mip, sym, 0.0, "seed " + seed + " mip vs symbolic");
        for (double[] x : Float32BoundsContainmentTest.samples(rnd, bx[0], bx[1])) {
            for (Float32BoundsContainmentTest.Order order : Float32BoundsContainmentTest.Order.values()) {
                double[][] zf = Float32BoundsContainmentTest.evalFloat(chain, x, order, rnd);
                double[][] zd = Float32BoundsContainmentTest.evalDouble(chain, x, order, rnd);
                assertContains(lp, zf, "seed " + seed + " lp float32 " + order);
                assertContains(mip, zf, "seed " + seed + " mip float32 " + order);
                assertContains(mip, zd, "seed " + seed + " mip double " + order);
            }
        }
    }

    /** The test above must not pass vacuously: MIP tightening must improve on LP somewhere. */
    @Test
    void mipTightensBeyondLpOnSomeSeed() {
        int better = 0;
        for (long seed = 0; seed < 12 && better == 0; seed++) {
            Random rnd = new Random(seed);
            Network net = RandomNetworks.dense(rnd, 2 + rnd.nextInt(3), 5 + rnd.nextInt(4), 5 + rnd.nextInt(4), 4 + rnd.nextInt(4), 3);
            ReluChain chain = ReluChain.of(net);
            double[][] bx = box(rnd, chain.inputSize(), -1, 1, 0.4);
            NetworkBounds lp = new LpTightening(Duration.ofSeconds(30), false).propagate(chain, bx[0], bx[1]);
            NetworkBounds mip = new MipTightening(NEURON_LIMIT, BUDGET, false).tighten(chain, bx[0], bx[1], lp);
            for (int i = 1; i < chain.reluLayerCount(); i++) {
                for (int j = 0; j < chain.width(i); j++) {
                    if (mip.upper(i)[j] < lp.upper(i)[j] - 1e-6 || mip.lower(i)[j] > lp.lower(i)[j] + 1e-6) {
                        better++;
                    }
                }
            }
        }
        assertTrue(better > 0, "MIP tightening improved no LP bound on 12 random networks");
    }
}
