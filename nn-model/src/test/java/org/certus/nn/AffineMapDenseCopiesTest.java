package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dense copies of an {@link AffineMap} hold its entries (rows and column arrays alike), exist exactly when
 * the row-major copy does, and {@link AffineMap#addColumns} gives every output the bits of its own dot
 * product in ascending input order.
 */
class AffineMapDenseCopiesTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void copiesHoldTheEntriesAndAddColumnsIsTheDotProduct(long seed) {
        Random rnd = new Random(seed);
        int rows = 1 + rnd.nextInt(30), cols = 1 + rnd.nextInt(30);
        double fill = rnd.nextBoolean() ? 0.9 : 0.2;
        double[] w = new double[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextDouble() < fill ? rnd.nextGaussian() : 0.0;
        }
        double[] bias = new double[rows];
        AffineMap a = AffineMap.fromDense(rows, cols, w, bias);
        double[][] r = a.denseRowsOrNull();
        double[][] c = a.denseColumnArraysOrNull();
        if (a.denseOrNull() == null) {
            assertNull(r, "seed " + seed + ": rows without a dense copy");
            assertNull(c, "seed " + seed + ": columns without a dense copy");
            return;
        }
        double[] x = new double[cols];
        for (int j = 0; j < cols; j++) {
            x[j] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian();
        }
        double[] out = new double[rows];
        AffineMap.addColumns(c, x, out);
        for (int i = 0; i < rows; i++) {
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                assertEquals(w[i * cols + j], r[i][j], "seed " + seed + ": row copy");
                assertEquals(w[i * cols + j], c[j][i], "seed " + seed + ": column copy");
                if (x[j] != 0.0) {
                    dot += w[i * cols + j] * x[j];
                }
            }
            assertEquals(Double.doubleToLongBits(dot), Double.doubleToLongBits(out[i]), "seed " + seed + ": output " + i);
        }
    }
}
