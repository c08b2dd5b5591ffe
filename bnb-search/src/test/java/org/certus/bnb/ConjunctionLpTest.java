package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conjunction LP ({@link ConjunctionLp}) and the bound of its weighted rows ({@link RowCombination#weightedBound}):
 * the bound never exceeds brute force's {@code min max_r row_r} over the box, whatever the weights; three rows that
 * only all together prove a conjunction empty are proved by the LP's weights and by no pair; and the LP's point is a
 * counterexample the rows' own vertices miss.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConjunctionLpTest {
    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    /**
     * y = x on x ∈ [−2, 2]² through ReLUs that stay active (h = ReLU(x + 3)), and a third ReLU(x0) that is unstable
     * and feeds nothing: the rows' linear bounds are exact, but the root is not a leaf, whose exact LP would decide it.
     */
    private static Network identity2() {
        return new Network("identity", Shape.flat(2), InputDomain.uniform(2, -2, 2), List.of(
                new Dense(2, 3, new double[] {1, 0, 0, 1, 1, 0}, new double[] {3, 3, 0}), new Relu(),
                new Dense(3, 2, new double[] {1, 0, 0, 0, 1, 0}, new double[] {-3, -3})));
    }

    /**
     * Rows y0, y1 and 1.2 − y0 − y1: every point has one of them positive (their average is 0.4), but no two of
     * them prove it over [−2, 2]² (e.g. y0 and 1.2 − y0 − y1 at y1 = 2 average (−0.8)/2 for every y0).
     */
    @Test
    void threeRowsTogetherProveWhatNoPairProves() {
        Network net = identity2();
        ReluChain chain = ReluChain.of(net);
        double[] lo = {-2, -2}, hi = {2, 2};
        AffineMap rows = AffineMap.fromDense(3, 2, new double[] {1, 0, 0, 1, -1, -1}, new double[] {0, 0, 1.2});
        for (ArithmeticModel model : ArithmeticModel.values()) {
            SymbolicPropagator p = new SymbolicPropagator(false, null, model);
            NetworkBounds b = p.propagate(chain, lo, hi, ReluSplits.none(BoundPropagator.widths(chain)));
            for (int[] pair : new int[][] {{0, 1}, {0, 2}, {1, 2}}) {
                double two = RowCombination.bestBound(p, chain, b, lo, hi, rows, pair[0], pair[1]);
                assertTrue(two < 0, model + ": rows " + pair[0] + ", " + pair[1] + " prove " + two);
            }
            LinearBounds lb = p.minimize(chain, b, lo, hi, rows);
            ConjunctionLp.Result lp = ConjunctionLp.solve(lb, 0, 3, lo, hi);
            assertNotNull(lp, model.toString());
            for (int j = 0; j < 3; j++) {
                assertEquals(1.0 / 3, lp.weights()[j], 1e-6, model + ": weight " + j);
            }
            // The LP's point is where the three rows meet: y0 = y1 = 0.4.
            assertEquals(0.4, lp.point()[0], 1e-6, model.toString());
            assertEquals(0.4, lp.point()[1], 1e-6, model.toString());
            double all = RowCombination.weightedBound(p, chain, b, lo, hi, rows, 0, 3, lp.weights());
            assertTrue(all > 0.3999 && all <= 0.4, model + ": three rows " + all);
        }
        VerificationQuery q = new VerificationQuery(net, lo, hi, List.of(rows));
        Verdict v = new BranchAndBound(q, SearchOptions.defaults().withSplitMode(SplitMode.INPUT).withThreads(1)).run();
        assertEquals(VerdictStatus.VERIFIED, v.status(), v.toString());
        assertEquals(1, v.statistics().nodes(), v.toString());
    }

    /**
     * The unsafe set {y0 ≤ 0.5, y1 ≤ 0.5, y0 + y1 ≥ 0.999} is a triangle of legs 0.001 inside [−2, 2]². Each row's
     * minimising vertex is a corner of the box, where another row is far positive; the LP's point is in the
     * triangle, so the search (no attack) finds it at the root.
     */
    @Test
    void theLpPointFindsATinyRegionAtTheRoot() {
        Network net = identity2();
        double[] lo = {-2, -2}, hi = {2, 2};
        AffineMap rows = AffineMap.fromDense(3, 2, new double[] {1, 0, 0, 1, -1, -1}, new double[] {-0.5, -0.5, 0.999});
        VerificationQuery q = new VerificationQuery(net, lo, hi, List.of(rows));
        Verdict v = new BranchAndBound(q, SearchOptions.defaults().withSplitMode(SplitMode.INPUT).withThreads(1).withAttack(0, 0)
                .withTimeLimit(Duration.ofSeconds(20))).run();
        assertEquals(VerdictStatus.FALSIFIED, v.status(), v.toString());
        assertEquals(1, v.statistics().nodes(), v.toString());
        double[] x = v.counterexample().orElseThrow().input();
        assertTrue(q.margin(net.evaluate(x)) <= 0, "counterexample " + java.util.Arrays.toString(x));
    }

    /**
     * y0 = |x| (two ReLUs, both unstable on [−1, 1]) and y1 = x; the unsafe set {|x| ≤ 0.3, x ≥ 0.2} is [0.2, 0.3]. The
     * relaxation's lower bound of |x| is 0 everywhere, so the LP's point is some x ≥ 0.5, where |x| is too large; a few
     * steps of the network's own gradient from it reach the interval, at the root (with no attack before the search).
     */
    @Test
    void aShortDescentFromTheLpPointFindsWhatThePointMisses() {
        Network net = new Network("abs", Shape.flat(1), InputDomain.uniform(1, -1, 1), List.of(
                new Dense(1, 2, new double[] {1, -1}, new double[] {0, 0}), new Relu(),
                new Dense(2, 2, new double[] {1, 1, 1, -1}, new double[] {0, 0})));
        double[] lo = {-1}, hi = {1};
        AffineMap rows = AffineMap.fromDense(2, 2, new double[] {1, 0, 0, -1}, new double[] {-0.3, 0.2});
        VerificationQuery q = new VerificationQuery(net, lo, hi, List.of(rows));
        Verdict v = new BranchAndBound(q, SearchOptions.defaults().withSplitMode(SplitMode.INPUT).withThreads(1).withAttack(0, 0)
                .withTimeLimit(Duration.ofSeconds(20))).run();
        assertEquals(VerdictStatus.FALSIFIED, v.status(), v.toString());
        assertEquals(1, v.statistics().nodes(), v.toString());
        double x = v.counterexample().orElseThrow().input()[0];
        assertTrue(x >= 0.2 && x <= 0.3, "counterexample " + x);
    }

    /** A box with an unbounded input gives no LP (the model builder refuses infinite constants): null, not an exception. */
    @Test
    void anUnboundedInputGivesNoLp() {
        double[][] coef = {{1, 0}, {0, 1}};
        double[] lo = {Double.NEGATIVE_INFINITY, -1}, hi = {1, 1};
        LinearBounds lb = new LinearBounds(new double[] {Double.NEGATIVE_INFINITY, -1}, new double[][] {{-1, -1}, {-1, -1}}, coef);
        assertNull(ConjunctionLp.solve(lb, 0, 2, lo, hi));
        double[][] nan = {{Double.NaN, 0}, {0, 1}};
        LinearBounds lbNan = new LinearBounds(new double[] {-1, -1}, new double[][] {{-1, -1}, {-1, -1}}, nan);
        assertNull(ConjunctionLp.solve(lbNan, 0, 2, new double[] {-1, -1}, hi));
    }

    /**
     * On random networks and conjunctions of 2–4 rows, the weighted bound with random weights (of any sum) and with
     * the LP's weights is at most brute force's minimum of the largest row, in both arithmetic models; the LP's
     * weights do at least as well as the best row's symbolic bound less a tolerance (they are optimal for the rows'
     * linear bounds, of which the best row is one choice).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void weightedBoundNeverExceedsBruteForce(long seed) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        int inputs = 1 + rnd.nextInt(3);
        Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[][] box = BruteForceAgreementTest.randomBox(rnd, inputs);
        double[] lo = box[0], hi = box[1];
        int k = 2 + rnd.nextInt(3);
        int outputs = net.outputSize();
        AffineMap rows = AffineMap.fromDense(k, outputs, BruteForceAgreementTest.gaussian(rnd, k * outputs, 1.0),
                BruteForceAgreementTest.gaussian(rnd, k, 0.5));
        double oracle = PhasePatternOracle.minMargin(chain, lo, hi, List.of(rows));
        Assumptions.assumeTrue(Double.isFinite(oracle), "seed " + seed);
        for (ArithmeticModel model : ArithmeticModel.values()) {
            String ctx = "seed " + seed + " " + model + ": oracle " + oracle;
            SymbolicPropagator p = new SymbolicPropagator(false, null, model);
            NetworkBounds b = p.propagate(chain, lo, hi, ReluSplits.none(BoundPropagator.widths(chain)));
            LinearBounds lb = p.minimize(chain, b, lo, hi, rows);
            double bestRow = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < k; r++) {
                bestRow = Math.max(bestRow, lb.lower()[r]);
            }
            double[] random = new double[k];
            for (int r = 0; r < k; r++) {
                random[r] = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 3;
            }
            double withRandom = RowCombination.weightedBound(p, chain, b, lo, hi, rows, 0, k, random);
            assertTrue(withRandom <= oracle, ctx + ": random weights " + java.util.Arrays.toString(random) + " give " + withRandom);
            ConjunctionLp.Result lp = ConjunctionLp.solve(lb, 0, k, lo, hi);
            assertNotNull(lp, ctx);
            for (int i = 0; i < inputs; i++) {
                assertTrue(lp.point()[i] >= lo[i] - 1e-9 && lp.point()[i] <= hi[i] + 1e-9, ctx + ": point outside the box");
            }
            double withLp = RowCombination.weightedBound(p, chain, b, lo, hi, rows, 0, k, lp.weights());
            assertTrue(withLp <= oracle, ctx + ": LP weights give " + withLp);
            assertTrue(withLp >= bestRow - 1e-5 * (1 + Math.abs(bestRow)), ctx + ": LP weights give " + withLp + " < best row " + bestRow);
        }
    }
}
