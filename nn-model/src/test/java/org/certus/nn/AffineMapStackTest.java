package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AffineMap#stack}: applying the stacked map is applying each map in turn, rows one after the other. */
class AffineMapStackTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void stackedMapAppliesEachMapInTurn(long seed) {
        Random rnd = new Random(seed);
        int cols = 1 + rnd.nextInt(6);
        int count = 1 + rnd.nextInt(4);
        AffineMap[] maps = new AffineMap[count];
        int rows = 0;
        for (int m = 0; m < count; m++) {
            int r = 1 + rnd.nextInt(3);
            double[] w = new double[r * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextDouble() < 0.3 ? 0.0 : rnd.nextGaussian();
            }
            double[] b = new double[r];
            for (int i = 0; i < r; i++) {
                b[i] = rnd.nextGaussian();
            }
            maps[m] = AffineMap.fromDense(r, cols, w, b);
            rows += r;
        }
        AffineMap stacked = AffineMap.stack(List.of(maps), cols);
        assertEquals(rows, stacked.rows(), "seed " + seed);
        assertEquals(cols, stacked.cols(), "seed " + seed);
        double[] x = new double[cols];
        for (int c = 0; c < cols; c++) {
            x[c] = rnd.nextGaussian();
        }
        double[] expected = new double[rows];
        int at = 0;
        for (AffineMap m : maps) {
            double[] y = new double[m.rows()];
            m.apply(x, y);
            System.arraycopy(y, 0, expected, at, y.length);
            at += y.length;
        }
        double[] got = new double[rows];
        stacked.apply(x, got);
        assertArrayEquals(expected, got, 0.0, "seed " + seed);
    }

    @Test
    void mapsOverAnotherInputCountAreRejected() {
        AffineMap two = AffineMap.fromDense(1, 2, new double[] {1, -1}, new double[] {0});
        AffineMap three = AffineMap.fromDense(1, 3, new double[] {1, 0, -1}, new double[] {0});
        assertThrows(NetworkException.class, () -> AffineMap.stack(List.of(two, three), 2));
    }
}
