package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.ReluSplits;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node ranks its splits by the relaxation gaps of the rows of the disjuncts still open when it starts
 * ({@link NodeBounder#bound}): its {@link SearchNode#reluScores} are, bit for bit, the scores of the objective cut
 * down to those rows, and with every disjunct open those of the whole objective. Random networks of two or three
 * hidden layers, two disjuncts of one or two rows, a random set of them closed by the node's parent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenDisjunctScoresTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scoresCountTheOpenDisjunctsRowsOnly(long seed) {
        Random rnd = new Random(seed * 31 + 11);
        VerificationQuery q;
        do {
            q = RootTighteningStageTest.randomQuery(rnd);
        } while (q.disjuncts().size() < 2);
        int disjuncts = q.disjuncts().size();
        SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(1).withSplitMode(SplitMode.RELU);
        SearchProblem problem = new SearchProblem(q, o, () -> false);
        SearchLimits limits = new SearchLimits(o);
        limits.start(System.nanoTime(), o.timeLimit());
        FeasibilityGoal goal = new FeasibilityGoal(problem, limits);
        NodeBounder bounder = new NodeBounder(problem, goal, new IncumbentSearch(problem, goal, limits), limits, new ProvenBound());
        ReluChain chain = problem.chain;
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));

        boolean[] open = new boolean[disjuncts];
        open[rnd.nextInt(open.length)] = true;
        for (int d = 0; d < open.length; d++) {
            open[d] |= rnd.nextBoolean();
        }
        boolean[] allOpen = new boolean[disjuncts];
        java.util.Arrays.fill(allOpen, true);
        for (boolean[] parentOpen : new boolean[][] {open, allOpen}) {
            SearchNode node = bounder.bound(q.inputLower(), q.inputUpper(), none, null, 0, parentOpen, 0, null, null);
            assertNotNull(node, "seed " + seed + ": the root is empty");
            AffineMap rows = problem.objective().selectRows(problem.rows.openRows(parentOpen));
            double[][] expected = new double[chain.reluLayerCount()][];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = new double[chain.width(i)];
            }
            problem.propagator.minimize(chain, node.bounds, q.inputLower(), q.inputUpper(), rows, expected);
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < expected[i].length; j++) {
                    assertEquals(Double.doubleToLongBits(expected[i][j]), Double.doubleToLongBits(node.reluScores[i][j]),
                            "seed " + seed + ", open " + java.util.Arrays.toString(parentOpen) + ": score of layer " + i + " neuron " + j);
                }
            }
        }
    }
}
