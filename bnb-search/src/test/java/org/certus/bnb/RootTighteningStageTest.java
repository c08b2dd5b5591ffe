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
        int inputs = 2 + rnd.nextInt(3);
        Network net = NeuronSearchTighteningTest.randomDeepNetwork(rnd, inputs, 1.0);
        double[][] box = NeuronSearchTighteningTest.randomBox(rnd, inputs);
        List<AffineMap> disjuncts = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        VerificationQuery q = new VerificationQuery(net, box[0], box[1], disjuncts);
        boolean[] open = new boolean[disjuncts.size()];
        Arrays.fill(open, true);
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
}
