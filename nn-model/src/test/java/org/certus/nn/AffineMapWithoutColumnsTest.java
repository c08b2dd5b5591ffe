package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AffineMap#withoutColumns}: on inputs that are 0 in the dropped columns the map gives the same values, bit for
 * bit; it keeps each row's other entries in their order and nothing of the dropped columns; a mask that drops no
 * entry gives the map itself, and the same mask again gives the same map (a mask changed after the call does not).
 */
class AffineMapWithoutColumnsTest {
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sameValuesOnInputsThatAreZeroWhereColumnsAreDropped(long seed) {
        Random rnd = new Random(seed * 911 + 5);
        int rows = 1 + rnd.nextInt(12), cols = 2 + rnd.nextInt(12);
        double[] w = new double[rows * cols];
        for (int q = 0; q < w.length; q++) {
            w[q] = rnd.nextDouble() < 0.6 ? 0.0 : rnd.nextGaussian();
        }
        double[] bias = new double[rows];
        for (int r = 0; r < rows; r++) {
            bias[r] = rnd.nextGaussian();
        }
        AffineMap a = AffineMap.fromDense(rows, cols, w, bias);
        boolean[] dropped = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            dropped[c] = rnd.nextBoolean();
        }
        AffineMap b = a.withoutColumns(dropped);
        String where = "seed " + seed;
        assertEquals(rows, b.rows(), where);
        assertEquals(cols, b.cols(), where);
        assertArrayEquals(bias, b.bias(), where);
        for (int r = 0; r < rows; r++) {
            // Row r of b: row r of a without the dropped columns' entries, in a's order.
            int p = b.rowStart()[r];
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                if (!dropped[a.colIndex()[q]]) {
                    assertEquals(a.colIndex()[q], b.colIndex()[p], where + ": row " + r + " entry " + q);
                    assertEquals(a.values()[q], b.values()[p], 0.0, where + ": row " + r + " entry " + q);
                    p++;
                }
            }
            assertEquals(b.rowStart()[r + 1], p, where + ": row " + r + " has other entries");
        }
        for (int q = 0; q < b.nonZeros(); q++) {
            assertTrue(!dropped[b.colIndex()[q]], where + ": an entry of a dropped column is left");
        }
        for (int t = 0; t < 5; t++) {
            double[] x = new double[cols];
            for (int c = 0; c < cols; c++) {
                x[c] = dropped[c] ? 0.0 : rnd.nextGaussian();
            }
            double[] ya = new double[rows], yb = new double[rows];
            a.apply(x, ya);
            b.apply(x, yb);
            assertArrayEquals(ya, yb, where + ": values on an input 0 in the dropped columns");
        }

        assertSame(b, a.withoutColumns(dropped.clone()), where + ": the same mask again");
        boolean[] none = new boolean[cols];
        assertSame(a, a.withoutColumns(none), where + ": nothing dropped");
        if (b != a) {
            boolean[] mask = dropped.clone();
            AffineMap c = a.withoutColumns(mask);
            assertNotSame(a, c, where);
            java.util.Arrays.fill(mask, false);
            assertSame(a, a.withoutColumns(new boolean[cols]), where + ": a mask changed after the call is not the map's");
        }
    }
}
