package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.tighten.Tightening;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The root's per-neuron tightening runs only when its budget reaches at least {@link RootTighteningStage#LEAST_REACH}
 * of the neurons it would search (two shortest searches each): with 1 ms (a two-hundredth of a neuron's two searches)
 * it declines, with 10 s it runs, on random networks of two or three hidden layers whose symbolic bounds leave some
 * neuron of layers 1 … k−1 unstable. When it runs its bounds are never looser than its start.
 *
 * <p>Its later sweeps ({@link RootTighteningStage#tightenAgain}) each start from the last one's bounds, keep every
 * sampled input's pre-activations inside, never loosen a bound, stop after {@link RootTighteningStage#MAX_SWEEPS} or
 * after a sweep that improved nothing, and do not start with less than {@link RootTighteningStage#MIN_SWEEP_NANOS}
 * of the budget left.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RootTighteningStageTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theSearchesRunOnlyWhereTheirBudgetReachesEnoughNeurons(long seed) {
        Random rnd = new Random(seed);
        VerificationQuery q = randomQuery(rnd);
        double[][] box = {q.inputLower(), q.inputUpper()};
        boolean[] open = allOpen(q);
        for (Duration budget : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(10)}) {
            SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(1).withSplitMode(SplitMode.RELU)
                    .withRootTightening(new RootTightening(Tightening.MIP, Duration.ofMillis(250), budget, true));
            SearchProblem problem = new SearchProblem(q, o, () -> false);
            NetworkBounds start = new SymbolicPropagator(false, null, o.arithmetic()).propagate(problem.chain, box[0], box[1]);
            int k = problem.chain.reluLayerCount();
            long unstable = 0;
            for (int i = 1; i < k; i++) {
                for (int j = 0; j < problem.chain.width(i); j++) {
                    unstable += start.lower(i)[j] < 0 && start.upper(i)[j] > 0 ? 1 : 0;
                }
            }
            Assumptions.assumeTrue(unstable > 0, "seed " + seed + ": no unstable neuron to search");
            double reach = budget.toNanos() / (2.0 * NeuronSearchTightening.MIN_SEARCH_NANOS) / unstable;
            String where = "seed " + seed + ", budget " + budget + ", " + unstable + " unstable, reach " + reach;
            SearchLimits limits = new SearchLimits(o);
            limits.start(System.nanoTime(), o.timeLimit());
            NetworkBounds tightened = new RootTighteningStage(problem, limits).tighten(start, open);
            if (reach < RootTighteningStage.LEAST_REACH) {
                assertNull(tightened, where + ": the searches ran");
            } else {
                assertTrue(tightened != null, where + ": the searches did not run");
                for (int i = 0; i <= k; i++) {
                    for (int j = 0; j < start.lower(i).length; j++) {
                        assertTrue(tightened.lower(i)[j] >= start.lower(i)[j] && tightened.upper(i)[j] <= start.upper(i)[j],
                                where + ": layer " + i + " neuron " + j + " looser than its start");
                    }
                }
            }
            assertEquals(budget.toMillis() == 1, reach < RootTighteningStage.LEAST_REACH, where);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void laterSweepsStartFromTheLastAndStopWhenNothingImprovesOrTimeIsShort(long seed) {
        Random rnd = new Random(500 + seed);
        VerificationQuery q = randomQuery(rnd);
        double[][] box = {q.inputLower(), q.inputUpper()};
        boolean[] open = allOpen(q);
        // A short neuron limit leaves some searches unfinished, which a later sweep, with twice the time, takes up.
        SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(50)).withThreads(1).withSplitMode(SplitMode.RELU)
                .withRootTightening(new RootTightening(Tightening.MIP, Duration.ofMillis(1), Duration.ofSeconds(40), true));
        SearchProblem problem = new SearchProblem(q, o, () -> false);
        NetworkBounds start = new SymbolicPropagator(false, null, o.arithmetic()).propagate(problem.chain, box[0], box[1]);
        SearchLimits limits = new SearchLimits(o);
        limits.start(System.nanoTime(), o.timeLimit());
        RootTighteningStage stage = new RootTighteningStage(problem, limits);
        String where = "seed " + seed;
        assertNull(stage.tightenAgain(start, open), where + ": a later sweep before the first");
        NetworkBounds last = stage.tighten(start, open);
        Assumptions.assumeTrue(last != null, where + ": no neuron to search");
        double[][] samples = samples(rnd, box, 200);
        assertContains(problem.chain, last, samples, where + ", sweep 1");
        int sweeps = 1;
        for (NetworkBounds next = stage.tightenAgain(last, open); next != null; next = stage.tightenAgain(last, open)) {
            sweeps++;
            assertTrue(sweeps <= RootTighteningStage.MAX_SWEEPS, where + ": sweep " + sweeps);
            assertNotLooser(next, last, where + ", sweep " + sweeps);
            assertContains(problem.chain, next, samples, where + ", sweep " + sweeps);
            boolean improved = differs(next, last);
            last = next;
            if (!improved) {
                assertNull(stage.tightenAgain(last, open), where + ": a sweep after one that improved nothing");
                break;
            }
        }
        // A stage with a budget shorter than a sweep's least time runs its first sweep and no other.
        SearchOptions shortBudget = o.withRootTightening(new RootTightening(Tightening.MIP, Duration.ofMillis(1),
                Duration.ofNanos(RootTighteningStage.MIN_SWEEP_NANOS / 2), true));
        SearchProblem p2 = new SearchProblem(q, shortBudget, () -> false);
        SearchLimits l2 = new SearchLimits(shortBudget);
        l2.start(System.nanoTime(), shortBudget.timeLimit());
        RootTighteningStage short2 = new RootTighteningStage(p2, l2);
        NetworkBounds once = short2.tighten(start, open);
        assertTrue(once != null, where + ": the short budget's first sweep did not run");
        assertNull(short2.tightenAgain(once, open), where + ": a second sweep with less than the least time left");
    }

    /** A random network of two or three hidden layers over a random box, with random disjuncts. */
    /** A random query over a network of two or three hidden layers, a box, and one or two disjuncts. */
    static VerificationQuery randomQuery(Random rnd) {
        int inputs = 2 + rnd.nextInt(3);
        Network net = NeuronSearchTighteningTest.randomDeepNetwork(rnd, inputs, 1.0);
        double[][] box = NeuronSearchTighteningTest.randomBox(rnd, inputs);
        List<AffineMap> disjuncts = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        return new VerificationQuery(net, box[0], box[1], disjuncts);
    }

    private static boolean[] allOpen(VerificationQuery q) {
        boolean[] open = new boolean[q.disjuncts().size()];
        Arrays.fill(open, true);
        return open;
    }

    private static double[][] samples(Random rnd, double[][] box, int n) {
        int inputs = box[0].length;
        double[][] xs = new double[n][inputs];
        for (int k = 0; k < n; k++) {
            for (int d = 0; d < inputs; d++) {
                double u = k < (1 << inputs) ? ((k >> d) & 1) : rnd.nextDouble();
                xs[k][d] = box[0][d] + u * (box[1][d] - box[0][d]);
            }
        }
        return xs;
    }

    private static void assertContains(ReluChain chain, NetworkBounds b, double[][] samples, String where) {
        for (double[] x : samples) {
            double[][] z = chain.preActivations(x);
            for (int i = 0; i < chain.reluLayerCount(); i++) {
                for (int j = 0; j < z[i].length; j++) {
                    assertTrue(z[i][j] >= b.lower(i)[j] && z[i][j] <= b.upper(i)[j], where + ": z[" + i + "][" + j + "] = " + z[i][j]
                            + " not in [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "] at " + Arrays.toString(x));
                }
            }
        }
    }

    private static void assertNotLooser(NetworkBounds b, NetworkBounds start, String where) {
        for (int i = 0; i < b.layerCount(); i++) {
            for (int j = 0; j < b.lower(i).length; j++) {
                assertTrue(b.lower(i)[j] >= start.lower(i)[j] && b.upper(i)[j] <= start.upper(i)[j],
                        where + ": looser at layer " + i + " neuron " + j);
            }
        }
    }

    private static boolean differs(NetworkBounds a, NetworkBounds b) {
        for (int i = 0; i < a.layerCount(); i++) {
            if (!Arrays.equals(a.lower(i), b.lower(i)) || !Arrays.equals(a.upper(i), b.upper(i))) {
                return true;
            }
        }
        return false;
    }
}
