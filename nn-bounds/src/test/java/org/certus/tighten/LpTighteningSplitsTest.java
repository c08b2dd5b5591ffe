package org.certus.tighten;

import org.certus.bounds.SampledActivations;

import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The splitting stage of LP tightening ({@link LpTightening#withSplits}): its bounds contain the exact extremes
 * over the box (every ReLU phase pattern enumerated) and every sampled activation, are never looser than the
 * stages before it, and — with no LP limit — are exact in the direction each neuron was searched, so they settle
 * every phase the relaxation alone gets wrong on that side.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LpTighteningSplitsTest {
    private static final double LP_TOLERANCE = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    /**
     * {@link LpTighteningCutsTest}'s example: z = relu(x₁ + x₂ − 1) − relu(x₁) − 0.45 over [0, 1]², exactly at most
     * −0.45, 0.05 for the triangle relaxation. One split on the unstable ReLU gives −0.45 in both branches.
     */
    @Test
    void oneSplitSettlesWhatTheTriangleRelaxationGetsWrong() {
        ReluChain chain = LpTighteningCutsTest.example();
        double[] lo = {0, 0};
        double[] hi = {1, 1};
        NetworkBounds sym = new SymbolicPropagator(false).propagate(chain, lo, hi);
        LpTightening splitting = new LpTightening(Duration.ofSeconds(30), false).withCuts(false);
        NetworkBounds b = splitting.tighten(chain, lo, hi, sym);
        assertEquals(-0.45, b.upper(1)[0], 1e-6, "LP with splits");
        assertTrue(b.upper(1)[0] >= -0.45, "the certified bound must not cut into the exact maximum: " + b.upper(1)[0]);
        assertEquals(1, splitting.lastStatistics().settledBySplits());
        assertEquals(3, splitting.lastStatistics().splitLps(), "the root and its two children");
        NetworkBounds none = new LpTightening(Duration.ofSeconds(30), false).withCuts(false).withSplits(false)
                .tighten(chain, lo, hi, sym);
        assertEquals(0.05, none.upper(1)[0], 1e-6, "LP without splits");
    }

    private record Outcome(int settled) {
    }

    private static Outcome check(long seed) {
        Random rnd = new Random(seed);
        int in = 2 + rnd.nextInt(2);
        ReluChain chain = LpTighteningCutsTest.smallChain(rnd, in);
        double[][] bx = MipTighteningTest.box(rnd, in, -1, 1, 0.6);
        double[] lo = bx[0];
        double[] hi = bx[1];
        ArithmeticModel arithmetic = seed % 3 == 2 ? ArithmeticModel.FLOAT32 : ArithmeticModel.REAL;
        NetworkBounds sym = new SymbolicPropagator(false, null, arithmetic).propagate(chain, lo, hi);
        NetworkBounds before = new LpTightening(Duration.ofSeconds(30), null, false, arithmetic).withSplits(false)
                .tighten(chain, lo, hi, sym);
        // Every unstable neuron is a candidate and its search runs to the end.
        NetworkBounds split = new LpTightening(Duration.ofSeconds(30), null, seed % 2 == 0, arithmetic)
                .withSplitLimits(0.5, Long.MAX_VALUE).tighten(chain, lo, hi, sym);
        double[][][] exact = MipTighteningTest.exactExtremes(chain, lo, hi, sym);
        int settled = 0;
        for (int i = 0; i < chain.reluLayerCount(); i++) {
            for (int j = 0; j < chain.width(i); j++) {
                double l = split.lower(i)[j];
                double u = split.upper(i)[j];
                String where = "seed " + seed + " layer " + i + " neuron " + j + ": splits [" + l + ", " + u + "], without ["
                        + before.lower(i)[j] + ", " + before.upper(i)[j] + "], exact [" + exact[0][i][j] + ", "
                        + exact[1][i][j] + "]";
                assertTrue(l <= exact[0][i][j] + LP_TOLERANCE, where);
                assertTrue(u >= exact[1][i][j] - LP_TOLERANCE, where);
                assertTrue(l >= before.lower(i)[j] && u <= before.upper(i)[j], where);
                if (i > 0 && l < 0 && u > 0 && arithmetic == ArithmeticModel.REAL) {
                    // Searched towards the nearer bound with no limit and not settled: that bound is the exact extreme.
                    boolean exactLow = Math.abs(l - exact[0][i][j]) <= LP_TOLERANCE;
                    boolean exactHigh = Math.abs(u - exact[1][i][j]) <= LP_TOLERANCE;
                    assertTrue(exactLow || exactHigh, "neither bound exact after a complete split search: " + where);
                }
                if (before.isUnstable(i, j) && !split.isUnstable(i, j)) {
                    settled++;
                }
            }
        }
        SampledActivations.assertWithin(chain, lo, hi, split, rnd, 1000, "seed " + seed);
        return new Outcome(settled);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsWithSplitsContainTheExactExtremesAndAreNeverLooser(long seed) {
        check(seed);
    }

    @Test
    void splittingSettlesSomePhaseOnRandomNetworks() {
        int total = 0;
        for (long seed = 0; seed < 30; seed++) {
            total += check(seed).settled();
        }
        assertTrue(total > 0, "the splitting stage settled no phase on 30 random networks");
    }
}
