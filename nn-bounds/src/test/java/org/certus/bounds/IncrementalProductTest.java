package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.certus.nn.AffineMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Updated products equal fresh ones (up to rounding) over long sequences of points, whatever moves. */
class IncrementalProductTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void matchesFreshProducts(long seed) {
        Random rnd = new Random(seed);
        int rows = 1 + rnd.nextInt(40), cols = 1 + rnd.nextInt(60);
        double[] w = new double[rows * cols];
        double[] bias = new double[rows];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
            bias[r] = rnd.nextGaussian();
        }
        AffineMap a = AffineMap.fromDense(rows, cols, w, bias);
        IncrementalProduct p = new IncrementalProduct(a);
        double[] lo = new double[cols], hi = new double[cols];
        for (int c = 0; c < cols; c++) {
            lo[c] = rnd.nextGaussian();
            hi[c] = lo[c] + rnd.nextDouble();
        }
        double[] x = new double[cols];
        for (int step = 0; step < 200; step++) {
            // Vertices as the optimiser moves them: a few coordinates flip, now and then most of them,
            // sometimes one goes to the box's midpoint (a zero input coefficient).
            double share = step % 17 == 0 ? 0.9 : 0.05;
            for (int c = 0; c < cols; c++) {
                if (step == 0 || rnd.nextDouble() < share) {
                    int pick = rnd.nextInt(5);
                    x[c] = pick == 0 ? 0.5 * (lo[c] + hi[c]) : pick % 2 == 0 ? lo[c] : hi[c];
                }
            }
            double[] expected = new double[rows];
            a.apply(x, expected);
            double[] got = p.at(x);
            for (int r = 0; r < rows; r++) {
                double scale = Math.abs(bias[r]);
                for (int c = 0; c < cols; c++) {
                    scale += Math.abs(w[r * cols + c] * x[c]);
                }
                assertEquals(expected[r], got[r], 1e-12 * (1 + scale) * (1 + step),
                        "seed " + seed + ", step " + step + ", row " + r);
            }
        }
    }

    @Test
    void refusesSparseMaps() {
        double[] w = new double[100 * 100];
        w[0] = 1.0;
        AffineMap sparse = AffineMap.fromDense(100, 100, w, new double[100]);
        assertThrows(IllegalArgumentException.class, () -> new IncrementalProduct(sparse));
    }
}
