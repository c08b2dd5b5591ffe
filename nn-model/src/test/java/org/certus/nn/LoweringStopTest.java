package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lowering honours its caller's stop condition (a time limit or a cancel) and caches nothing when stopped; a graph
 * lowered per query keeps its last chain for the next query above the same floor.
 */
class LoweringStopTest {
    /** x -> dense -> relu -> dense, plus x again: a skip from an unbounded input, so each query's box lowers it. */
    private static Network skipFromInput() {
        Dense first = new Dense(2, 3, new double[] {1, -1, 0.5, 2, -0.5, 1}, new double[] {0.1, -0.2, 0.3});
        Dense second = new Dense(3, 2, new double[] {1, 0.5, -1, -0.5, 2, 1}, new double[] {0, 0.5});
        List<Network.Node> nodes = List.of(new Network.Node(first, new int[] {0}), new Network.Node(new Relu(), new int[] {1}),
                new Network.Node(second, new int[] {2}), new Network.Node(new Add(), new int[] {3, 0}));
        return Network.graph("skip", Shape.flat(2), InputDomain.uniform(2, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), nodes);
    }

    @Test
    void aStopThatHoldsAbandonsTheLoweringAndCachesNothing() {
        Network net = skipFromInput();
        double[] lo = {-1, -1};
        double[] hi = {1, 1};
        AtomicInteger polls = new AtomicInteger();
        // Stops at its third poll: part of the graph is lowered by then.
        assertThrows(LoweringStopped.class, () -> ReluChain.of(net, lo, hi, () -> polls.incrementAndGet() >= 3));
        assertTrue(polls.get() >= 3, "the stop condition was polled");
        ReluChain chain = ReluChain.of(net, lo, hi, () -> false);
        double[] x = {0.25, -0.75};
        assertArrayEquals(net.evaluate(x), chain.evaluate(x), 1e-12, "the lowering after a stopped one is whole");
    }

    @Test
    void theLastRegionChainServesTheNextQueryAboveItsFloor() {
        Network net = skipFromInput();
        ReluChain first = ReluChain.of(net, new double[] {-1, -1}, new double[] {1, 1});
        assertSame(first, ReluChain.of(net, new double[] {-0.5, 0}, new double[] {0.5, 1}), "a box above the floor reuses it");
        assertThrows(LoweringStopped.class, () -> ReluChain.of(net, new double[] {-2, -1}, new double[] {1, 1}, () -> true),
                "a box below the floor lowers again");
    }
}
