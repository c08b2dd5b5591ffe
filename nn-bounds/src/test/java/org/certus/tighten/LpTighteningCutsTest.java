package org.certus.tighten;

import org.certus.bounds.SampledActivations;

import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cutting-plane stage of LP tightening ({@link org.certus.encode.IdealReluCuts}): its bounds contain the
 * exact extremes over the box (every ReLU phase pattern enumerated), are never looser than LP without cuts,
 * and are strictly tighter where the triangle relaxation is loose — exact for a neuron that reads one
 * unstable ReLU of the input layer. The splitting stage is off here ({@link LpTighteningSplitsTest} has it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LpTighteningCutsTest {
    private static final double LP_TOLERANCE = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    /**
     * x₁, x₂ ∈ [0, 1]; layer 0: p = relu(x₁ + x₂ − 1) (unstable) and q = relu(x₁) (stable active); layer 1:
     * z = p − q − 0.45. Exactly, p − q ≤ 0 (x₂ ≤ 1), so z ≤ −0.45: inactive. The triangle relaxation allows
     * p = (x₁ + x₂)/2 at x = (0, 1), so the LP's maximum is 0.05 and z looks unstable; the ideal inequality
     * p ≤ x₁ (the subset {x₁}) gives −0.45.
     */
    static ReluChain example() {
        return ReluChain.of(new Network("cut-example", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(
                new Dense(2, 2, new double[] {1, 1, 1, 0}, new double[] {-1, 0}), new Relu(),
                new Dense(2, 1, new double[] {1, -1}, new double[] {-0.45}), new Relu(),
                new Dense(1, 1, new double[] {1}, new double[] {0}))));
    }

    @Test
    void aNeuronReadingOneUnstableReluIsExactWithCutsAndLooseWithout() {
        ReluChain chain = example();
        double[] lo = {0, 0};
        double[] hi = {1, 1};
        NetworkBounds sym = new SymbolicPropagator(false).propagate(chain, lo, hi);
        NetworkBounds plain = new LpTightening(Duration.ofSeconds(30), false).withCuts(false).withSplits(false)
                .tighten(chain, lo, hi, sym);
        assertEquals(0.05, plain.upper(1)[0], 1e-6, "LP without cuts");
        LpTightening withCuts = new LpTightening(Duration.ofSeconds(30), false).withSplits(false);
        NetworkBounds cut = withCuts.tighten(chain, lo, hi, sym);
        assertEquals(-0.45, cut.upper(1)[0], 1e-6, "LP with cuts");
        assertTrue(cut.upper(1)[0] >= -0.45, "the certified bound must not cut into the exact maximum: " + cut.upper(1)[0]);
        assertEquals(1, withCuts.lastStatistics().settledByCuts());
        assertTrue(withCuts.lastStatistics().cutsAdded() >= 1);
    }

    private record Outcome(int tightened) {
    }

    /**
     * A random dense network with {@code in} inputs and two or three hidden layers of 3–6 ReLUs (few enough
     * unstable ones for {@link MipTighteningTest#exactExtremes}).
     */
    static ReluChain smallChain(Random rnd, int in) {
        Network net = rnd.nextBoolean()
                ? RandomNetworks.dense(rnd, in, 3 + rnd.nextInt(3), 3 + rnd.nextInt(3), 3 + rnd.nextInt(2), 2)
                : RandomNetworks.dense(rnd, in, 3 + rnd.nextInt(4), 3 + rnd.nextInt(3), 2);
        return ReluChain.of(net);
    }

    private static Outcome check(long seed) {
        Random rnd = new Random(seed);
        int in = 2 + rnd.nextInt(2);
        ReluChain chain = smallChain(rnd, in);
        double[][] bx = MipTighteningTest.box(rnd, in, -1, 1, 0.6);
        double[] lo = bx[0];
        double[] hi = bx[1];
        ArithmeticModel arithmetic = seed % 3 == 2 ? ArithmeticModel.FLOAT32 : ArithmeticModel.REAL;
        NetworkBounds sym = new SymbolicPropagator(false, null, arithmetic).propagate(chain, lo, hi);
        NetworkBounds plain = new LpTightening(Duration.ofSeconds(30), null, false, arithmetic).withCuts(false)
                .withSplits(false).tighten(chain, lo, hi, sym);
        NetworkBounds cut = new LpTightening(Duration.ofSeconds(30), null, seed % 2 == 0, arithmetic)
                .withCutCandidateShare(0.5).withSplits(false).tighten(chain, lo, hi, sym);
        double[][][] exact = MipTighteningTest.exactExtremes(chain, lo, hi, sym);
        int tightened = 0;
        for (int i = 0; i < chain.reluLayerCount(); i++) {
            for (int j = 0; j < chain.width(i); j++) {
                String where = "seed " + seed + " layer " + i + " neuron " + j + ": cuts [" + cut.lower(i)[j] + ", "
                        + cut.upper(i)[j] + "], without [" + plain.lower(i)[j] + ", " + plain.upper(i)[j] + "], exact ["
                        + exact[0][i][j] + ", " + exact[1][i][j] + "]";
                assertTrue(cut.lower(i)[j] <= exact[0][i][j] + LP_TOLERANCE, where);
                assertTrue(cut.upper(i)[j] >= exact[1][i][j] - LP_TOLERANCE, where);
                assertTrue(cut.lower(i)[j] >= plain.lower(i)[j] && cut.upper(i)[j] <= plain.upper(i)[j], where);
                if (cut.lower(i)[j] > plain.lower(i)[j] + 1e-7 || cut.upper(i)[j] < plain.upper(i)[j] - 1e-7) {
                    tightened++;
                }
            }
        }
        SampledActivations.assertWithin(chain, lo, hi, cut, rnd, 1000, "seed " + seed);
        return new Outcome(tightened);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsWithCutsContainTheExactExtremesAndAreNeverLooser(long seed) {
        check(seed);
    }

    @Test
    void cutsTightenSomeBoundOnRandomNetworks() {
        int total = 0;
        for (long seed = 0; seed < 30; seed++) {
            total += check(seed).tightened();
        }
        assertTrue(total > 0, "the cutting-plane stage tightened no bound on 30 random networks");
    }
}
