package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Intermediate bounds are back-substituted in blocks of (row, side) lanes; each lane must do exactly
 * the operations of a lone back-substitution. So the bounds are the same bits whatever the block size
 * (1 = one lane at a time, a prime that splits rows from their other side, the default), on random
 * dense and convolutional networks, at the root and at a node with splits, in both arithmetic models.
 */
class BlockBackSubstitutionTest {
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.range(0, 100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void blockSizeDoesNotChangeBounds(long seed) {
        Random rnd = new Random(seed * 104729 + 7);
        RandomChainBox at = RandomChainBox.draw(rnd);
        ReluChain chain = at.chain();
        double[] lo = at.lo(), hi = at.hi();
        ArithmeticModel am = at.arithmetic();
        SymbolicPropagator reference = new SymbolicPropagator(rnd.nextBoolean(), null, am).withBlockLanes(1);
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds root = reference.propagate(chain, lo, hi, none);
        RandomSplits drawn = RandomSplits.draw(rnd, chain, 2);
        ReluSplits splits = drawn.splits();
        int firstLayer = drawn.firstLayer();
        NetworkBounds node = reference.propagate(chain, lo, hi, splits, root, firstLayer);
        for (int lanes : new int[] {3, SymbolicPropagator.BLOCK_LANES}) {
            for (boolean parallel : new boolean[] {false, true}) {
                SymbolicPropagator p = new SymbolicPropagator(parallel, null, am).withBlockLanes(lanes);
                assertSameBits(seed, lanes, root, p.propagate(chain, lo, hi, none));
                assertSameBits(seed, lanes, node, p.propagate(chain, lo, hi, splits, root, firstLayer));
            }
        }
    }

    private static void assertSameBits(long seed, int lanes, NetworkBounds expected, NetworkBounds actual) {
        assertEquals(expected.infeasible(), actual.infeasible(), "seed " + seed + ", " + lanes + " lanes: feasibility");
        if (expected.infeasible()) {
            return;
        }
        for (int j = 0; j < expected.layerCount(); j++) {
            for (int i = 0; i < expected.lower(j).length; i++) {
                assertEquals(Double.doubleToLongBits(expected.lower(j)[i]), Double.doubleToLongBits(actual.lower(j)[i]),
                        "seed " + seed + ", " + lanes + " lanes: lower bound of layer " + j + " neuron " + i);
                assertEquals(Double.doubleToLongBits(expected.upper(j)[i]), Double.doubleToLongBits(actual.upper(j)[i]),
                        "seed " + seed + ", " + lanes + " lanes: upper bound of layer " + j + " neuron " + i);
            }
        }
    }
}
