package org.certus.tighten;

import org.certus.bounds.IntervalPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link UnstableWitnesses}: every witness lies in the box and gives its neuron the claimed sign in an exact
 * forward pass; a neuron with both witnesses really takes both signs (exact extremes from phase-pattern
 * enumeration) and is unstable under every sound bound; with the exact MILP stage, every neuron that truly
 * takes both signs is witnessed and every neuron the bounds leave unstable but that is stable is proved so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnstableWitnessesTest {
    /** Exact extremes closer to zero than this are left out of the completeness check (LP round-off). */
    private static final double NEAR_ZERO = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void witnessesAreRealAndTheMilpStageMakesThemComplete(long seed) {
        Random rnd = new Random(seed);
        int in = 2 + rnd.nextInt(3);
        ReluChain chain = LpTighteningCutsTest.smallChain(rnd, in);
        double[][] bx = MipTighteningTest.box(rnd, in, -1, 1, 0.6);
        double[] lo = bx[0];
        double[] hi = bx[1];
        // Interval bounds leave many neurons unstable, some of them stable in truth: the MILP stage must tell.
        NetworkBounds loose = new IntervalPropagator().propagate(chain, lo, hi);
        NetworkBounds lp = new LpTightening(Duration.ofSeconds(30), false).propagate(chain, lo, hi);
        double[][][] exact = MipTighteningTest.exactExtremes(chain, lo, hi, new SymbolicPropagator(false).propagate(chain, lo, hi));
        UnstableWitnesses.Result w = new UnstableWitnesses(4, 1, 10, seed, new MilpSignSearch(), Duration.ofSeconds(30)).find(chain, lo, hi, loose);
        int both = 0;
        for (int i = 0; i < chain.reluLayerCount(); i++) {
            for (int j = 0; j < chain.width(i); j++) {
                String where = "seed " + seed + " layer " + i + " neuron " + j + ", exact [" + exact[0][i][j] + ", "
                        + exact[1][i][j] + "], interval [" + loose.lower(i)[j] + ", " + loose.upper(i)[j] + "]";
                double[] pos = w.positiveWitness(i, j);
                double[] neg = w.negativeWitness(i, j);
                if (pos != null) {
                    assertInBox(pos, lo, hi, where);
                    assertTrue(chain.preActivations(pos)[i][j] > 0, where);
                    assertTrue(exact[1][i][j] > 0 && lp.upper(i)[j] > 0, where);
                }
                if (neg != null) {
                    assertInBox(neg, lo, hi, where);
                    assertTrue(chain.preActivations(neg)[i][j] < 0, where);
                    assertTrue(exact[0][i][j] < 0 && lp.lower(i)[j] < 0, where);
                }
                assertEquals(pos != null && neg != null, w.bothSigns(i, j), where);
                if (w.bothSigns(i, j)) {
                    both++;
                    assertTrue(lp.isUnstable(i, j), "a witnessed unstable neuron must be unstable under sound bounds: " + where);
                }
                assertTrue(w.smallestSeen(i, j) >= exact[0][i][j] - 1e-9 && w.largestSeen(i, j) <= exact[1][i][j] + 1e-9, where);
                if (!loose.isUnstable(i, j)) {
                    assertFalse(w.provedStable(i, j), where);
                    continue;
                }
                if (exact[0][i][j] < -NEAR_ZERO && exact[1][i][j] > NEAR_ZERO) {
                    assertTrue(w.bothSigns(i, j), "truly unstable but not witnessed: " + where);
                    assertFalse(w.provedStable(i, j), where);
                } else if (exact[0][i][j] > NEAR_ZERO || exact[1][i][j] < -NEAR_ZERO) {
                    assertTrue(w.provedStable(i, j), "stable but not proved so: " + where);
                }
            }
        }
        assertEquals(both, w.bothSignsCount());
    }

    private static void assertInBox(double[] x, double[] lo, double[] hi, String where) {
        for (int t = 0; t < x.length; t++) {
            assertTrue(x[t] >= lo[t] && x[t] <= hi[t], where + ": input " + t + " = " + x[t] + " outside the box");
        }
    }

    /**
     * z = −x over x ∈ [0, 1] reaches 0 at x = 0 but is never positive: no positive witness, however hard the
     * search looks (0 is within {@link UnstableWitnesses#SIGN_MARGIN}), and interval bounds [−1, 0] already
     * call it stable. Shifted by +1e-3, it is positive at x = 0 only, a corner the search must reach.
     */
    @Test
    void aSignReachedOnlyAtACornerIsFoundAndZeroIsNotASign() {
        for (double bias : new double[] {0.0, 1e-3}) {
            Network net = new Network("corner", Shape.flat(1), InputDomain.uniform(1, 0, 1), List.of(
                    new Dense(1, 1, new double[] {-1}, new double[] {bias}), new Relu(),
                    new Dense(1, 1, new double[] {1}, new double[] {0})));
            ReluChain chain = ReluChain.of(net);
            double[] lo = {0};
            double[] hi = {1};
            NetworkBounds b = new IntervalPropagator().propagate(chain, lo, hi);
            UnstableWitnesses.Result w = new UnstableWitnesses(0, 0, 5, 1, null, Duration.ZERO).find(chain, lo, hi, b);
            assertNotNull(w.negativeWitness(0, 0));
            if (bias == 0.0) {
                assertNull(w.positiveWitness(0, 0));
                assertFalse(w.bothSigns(0, 0));
            } else {
                assertEquals(0.0, w.positiveWitness(0, 0)[0]);
                assertTrue(w.bothSigns(0, 0));
                assertEquals(1, w.bothSignsCount());
            }
        }
    }

    /**
     * Layer 0: p = relu(x₁ − 0.5) over x₁, x₂ ∈ [0, 1]; layer 1: z = p − 0.2 ∈ [−0.2, 0.3]. At the centre p is
     * inactive, so the plain gradient of z is zero; the attack passes the triangle slope of the unstable p and
     * climbs to x₁ > 0.7 (no random corners to help).
     */
    @Test
    void theAttackClimbsThroughAnInactiveUnstableRelu() {
        ReluChain chain = ReluChain.of(new Network("slope", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(
                new Dense(2, 1, new double[] {1, 0}, new double[] {-0.5}), new Relu(),
                new Dense(1, 1, new double[] {1}, new double[] {-0.2}), new Relu(),
                new Dense(1, 1, new double[] {1}, new double[] {0}))));
        double[] lo = {0, 0};
        double[] hi = {1, 1};
        NetworkBounds b = new SymbolicPropagator(false).propagate(chain, lo, hi);
        assertTrue(b.isUnstable(1, 0));
        UnstableWitnesses.Result w = new UnstableWitnesses(0, 0, 10, 1, null, Duration.ZERO).find(chain, lo, hi, b);
        assertTrue(w.bothSigns(1, 0), "smallest seen " + w.smallestSeen(1, 0) + ", largest " + w.largestSeen(1, 0));
        assertTrue(w.largestSeen(1, 0) > 0 && w.largestSeen(1, 0) <= 0.3 + 1e-12, "largest seen " + w.largestSeen(1, 0));
    }

    /**
     * z = |x₁ − 0.5| − 0.2 (as relu(x₁ − 0.5) + relu(0.5 − x₁) − 0.2): at the centre both ReLUs are inactive
     * and their slopes cancel, so z's own gradient leads nowhere; but every evaluated input counts for every
     * neuron, and the search for p's and q's positive sides moves x₁ far enough from 0.5 for z to be positive.
     */
    @Test
    void everyEvaluatedInputCountsForEveryNeuron() {
        ReluChain chain = ReluChain.of(new Network("plateau", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(
                new Dense(2, 2, new double[] {1, 0, -1, 0}, new double[] {-0.5, 0.5}), new Relu(),
                new Dense(2, 1, new double[] {1, 1}, new double[] {-0.2}), new Relu(),
                new Dense(1, 1, new double[] {1}, new double[] {0}))));
        double[] lo = {0, 0};
        double[] hi = {1, 1};
        NetworkBounds b = new SymbolicPropagator(false).propagate(chain, lo, hi);
        UnstableWitnesses.Result w = new UnstableWitnesses(0, 0, 10, 1, null, Duration.ZERO).find(chain, lo, hi, b);
        assertTrue(w.bothSigns(1, 0));
        assertTrue(w.largestSeen(1, 0) > 0 && w.largestSeen(1, 0) <= 0.3 + 1e-12, "largest seen " + w.largestSeen(1, 0));
        assertEquals(3, w.bothSignsCount(), "p, q and z all take both signs");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new UnstableWitnesses(-1, 1, 1, 1, null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new UnstableWitnesses(1, -1, 1, 1, null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new UnstableWitnesses(1, 1, -1, 1, null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new UnstableWitnesses().withExactSearch(null, Duration.ofSeconds(-1)));
        Network net = new Network("one", Shape.flat(1), InputDomain.uniform(1, 0, 1), List.of(
                new Dense(1, 1, new double[] {1}, new double[] {0}), new Relu(), new Dense(1, 1, new double[] {1}, new double[] {0})));
        ReluChain chain = ReluChain.of(net);
        NetworkBounds b = new IntervalPropagator().propagate(chain, new double[] {0}, new double[] {1});
        UnstableWitnesses finder = new UnstableWitnesses();
        assertThrows(IllegalArgumentException.class, () -> finder.find(chain, new double[] {0, 0}, new double[] {1, 1}, b));
        assertThrows(IllegalArgumentException.class, () -> finder.find(chain, new double[] {1}, new double[] {0}, b));
    }
}
