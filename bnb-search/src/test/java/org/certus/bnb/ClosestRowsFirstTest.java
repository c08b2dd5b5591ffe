package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order in which a node optimises a conjunction's rows ({@link NodeBounder#closestFirst}): every row of the
 * disjunct once, highest bound first, ties in row order, and nothing outside the disjunct's rows.
 */
class ClosestRowsFirstTest {

    static LongStream seeds() {
        return LongStream.range(0, 50);
    }

    @Test
    void tinyYoloNodeStartsWithItsNearRow() {
        double[] rowLb = {-4.60, -2.28, -5.79, -0.0635, -1.197};
        assertArrayEquals(new int[] {3, 4, 1, 0, 2}, NodeBounder.closestFirst(rowLb, 0, 5));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sortsTheDisjunctsRowsByBoundStably(long seed) {
        Random rnd = new Random(seed);
        int total = 1 + rnd.nextInt(12);
        int from = rnd.nextInt(total);
        int to = from + 1 + rnd.nextInt(total - from);
        double[] rowLb = new double[total];
        for (int r = 0; r < total; r++) {
            rowLb[r] = rnd.nextInt(4) == 0 ? -1.0 : rnd.nextGaussian(); // some ties
        }
        int[] order = NodeBounder.closestFirst(rowLb, from, to);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] expectedRows = new int[to - from];
        for (int i = 0; i < expectedRows.length; i++) {
            expectedRows[i] = from + i;
        }
        assertArrayEquals(expectedRows, sorted, "seed=" + seed + ": each row of the disjunct once");
        for (int i = 1; i < order.length; i++) {
            double a = rowLb[order[i - 1]], b = rowLb[order[i]];
            assertTrue(a > b || a == b && order[i - 1] < order[i], "seed=" + seed + " at " + i + ": " + Arrays.toString(order));
        }
    }
}
