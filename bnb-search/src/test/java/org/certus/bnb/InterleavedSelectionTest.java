package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two orders against a plain list searched in full: every {@link InterleavedSelection#EVERY}th poll takes the
 * open node of lowest point margin, the others the lowest bound; {@code minBound} is always the open nodes' smallest
 * bound; each node comes out once, and a node taken through one order never comes out of the other.
 */
public class InterleavedSelectionTest {
    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    private static SearchNode node(double bound, double pointMargin) {
        return new SearchNode(new double[] {0}, new double[] {1}, null, null, null, bound, 0, null, null, bound, null,
                null, pointMargin);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pollsFollowBothOrdersAndEveryNodeComesOutOnce(long seed) {
        Random rnd = new Random(seed);
        InterleavedSelection sel = new InterleavedSelection();
        List<SearchNode> open = new ArrayList<>();
        IdentityHashMap<SearchNode, Boolean> out = new IdentityHashMap<>();
        long polls = 0;
        int added = 0;
        for (int step = 0; step < 400; step++) {
            if (open.isEmpty() || rnd.nextInt(3) > 0) {
                // Few distinct values, so that ties happen; +∞ margins (nodes with no checked point) too.
                double bound = rnd.nextInt(20) - 10;
                double margin = rnd.nextInt(8) == 0 ? Double.POSITIVE_INFINITY : rnd.nextInt(20) / 4.0;
                SearchNode n = node(bound, margin);
                sel.add(n);
                open.add(n);
                added++;
            } else {
                boolean byPoint = polls % InterleavedSelection.EVERY == InterleavedSelection.EVERY - 1;
                polls++;
                SearchNode got = sel.poll();
                Comparator<SearchNode> order = byPoint
                        ? Comparator.comparingDouble((SearchNode n) -> n.pointMargin).thenComparingDouble(n -> n.bound)
                        : Comparator.comparingDouble((SearchNode n) -> n.bound);
                SearchNode expected = open.stream().min(order).orElseThrow();
                assertTrue(open.contains(got), "seed " + seed + ": polled a node that is not open");
                assertEquals(0, order.compare(expected, got),
                        "seed " + seed + ", poll " + polls + (byPoint ? " (points)" : " (bounds)"));
                open.remove(got);
                assertNull(out.put(got, Boolean.TRUE), "seed " + seed + ": a node came out twice");
            }
            assertEquals(open.size(), sel.size(), "seed " + seed);
            double min = open.stream().mapToDouble(n -> n.bound).min().orElse(Double.POSITIVE_INFINITY);
            assertEquals(min, sel.minBound(), 0.0, "seed " + seed);
        }
        while (!open.isEmpty()) {
            SearchNode got = sel.poll();
            assertTrue(open.remove(got), "seed " + seed);
            assertNull(out.put(got, Boolean.TRUE), "seed " + seed);
        }
        assertNull(sel.poll(), "seed " + seed);
        assertEquals(Double.POSITIVE_INFINITY, sel.minBound(), 0.0);
        assertEquals(added, out.size());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void keepsNoChildLocal(long seed) {
        Random rnd = new Random(seed);
        SearchNode a = node(rnd.nextDouble(), rnd.nextDouble());
        SearchNode b = node(rnd.nextDouble(), rnd.nextDouble());
        InterleavedSelection sel = new InterleavedSelection();
        assertNull(sel.keepLocal(a, b));
        sel.add(a);
        sel.add(b);
        SearchNode first = sel.poll();
        assertSame(a.bound <= b.bound ? a : b, first, "the first poll is the bound order's");
    }
}
