package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AlphaBetaOptimizer#splitEstimates}: for every unstable neuron of a random node (splits anywhere, real and
 * float32 arithmetic) and both phases, the child's bound resumed from the node's recorded pass is the number
 * {@link AlphaBetaOptimizer#boundWith} gives the child from the objective, with the node's optimised start and
 * without one; and the estimates do not disturb each other (they are asked in a random order, twice).
 */
class SplitEstimatesTest {
    static LongStream seeds() {
        return LongStream.range(0, 80);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void resumedChildBoundsAreTheWholePassNumbers(long seed) {
        Random rnd = new Random(seed * 7919 + 3);
        AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.random(rnd, 0, 4);
        if (at.node().infeasible()) {
            return;
        }
        int outputs = at.chain().outputSize();
        AffineMap objective = AffineMap.fromDense(1, outputs, BoundSoundnessTest.gaussian(rnd, outputs, 1.0),
                new double[] {rnd.nextGaussian()});
        AlphaBetaOptimizer opt = new AlphaBetaOptimizer(at.model());
        AlphaBetaStart start = rnd.nextBoolean() ? null
                : opt.lowerBound(at.chain(), at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 10).end();
        AlphaBetaOptimizer.SplitEstimates est = opt.splitEstimates(at.chain(), at.node(), at.splits(), at.lo(), at.hi(), objective, 0,
                start);
        for (int pass = 0; pass < 2; pass++) {
            for (int layer = at.chain().reluLayerCount() - 1; layer >= 0; layer--) {
                for (int n = 0; n < at.chain().width(layer); n++) {
                    if (!at.node().isUnstable(layer, n) || at.splits().raw(layer, n) != 0 || rnd.nextInt(3) == 0) {
                        continue;
                    }
                    for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                        NetworkBounds child = at.node().withSplit(layer, n, phase);
                        ReluSplits childSplits = at.splits().with(layer, n, phase);
                        double whole = opt.boundWith(at.chain(), child, childSplits, at.lo(), at.hi(), objective, 0, start);
                        double resumed = est.bound(layer, n, child, childSplits);
                        assertEquals(whole, resumed, 0.0, "seed " + seed + ": layer " + layer + " neuron " + n + " " + phase);

                    }
                }
            }
        }
    }
}
