package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MaxPool against a brute-force window maximum, with overlapping windows and padding. */
class MaxPoolPropertyTest {

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    /** A pooling window with padding smaller than the kernel (so no window is all padding). */
    static Window2d randomPoolWindow(Random rnd, int h, int w) {
        while (true) {
            int kH = 1 + rnd.nextInt(4), kW = 1 + rnd.nextInt(4);
            // stride below kernel gives overlapping windows; above it, gaps.
            Window2d win = new Window2d(kH, kW, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3),
                    rnd.nextInt(kH), rnd.nextInt(kH), rnd.nextInt(kW), rnd.nextInt(kW));
            if (kH > h + win.padTop() + win.padBottom() || kW > w + win.padLeft() + win.padRight()) {
                continue;
            }
            int outH = win.outHeight(h), outW = win.outWidth(w);
            if ((outH - 1) * win.strideH() - win.padTop() < h && (outW - 1) * win.strideW() - win.padLeft() < w) {
                return win;
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void forwardEqualsBruteForceWindowMax(long seed) {
        Random rnd = new Random(seed);
        Shape in = AffineLayerConsistencyTest.randomImage(rnd);
        Window2d win = randomPoolWindow(rnd, in.height(), in.width());
        MaxPool pool = new MaxPool(win);
        // Strictly negative inputs: a pool that wrongly let zero padding in would return 0.
        double[] x = RandomNetworks.uniform(rnd, in.size(), -3, -0.5);
        Shape os = pool.outputShape(in);
        double[] actual = new double[os.size()];
        pool.forward(in, x, actual);

        int c = in.channels(), h = in.height(), w = in.width();
        for (int ch = 0; ch < c; ch++) {
            for (int oy = 0; oy < os.height(); oy++) {
                for (int ox = 0; ox < os.width(); ox++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            int dy = y + win.padTop() - oy * win.strideH(), dx = xx + win.padLeft() - ox * win.strideW();
                            if (dy >= 0 && dy < win.kernelH() && dx >= 0 && dx < win.kernelW()) {
                                m = Math.max(m, x[(ch * h + y) * w + xx]);
                            }
                        }
                    }
                    assertEquals(m, actual[(ch * os.height() + oy) * os.width() + ox], 0.0,
                            "seed=" + seed + " " + pool.describe() + " on " + in + " at " + ch + "," + oy + "," + ox);
                }
            }
        }
    }

    @Test
    void overlappingWindowsKnownValues() {
        // 1x3x3, kernel 2, stride 1: four overlapping windows.
        double[] x = {1, 5, 2, 7, 3, 0, 4, 8, 6};
        double[] out = new double[4];
        new MaxPool(Window2d.square(2, 1, 0)).forward(Shape.chw(1, 3, 3), x, out);
        assertArrayEquals(new double[] {7, 5, 8, 8}, out);
    }

    @Test
    void windowOfOnlyPaddingIsRejected() {
        assertThrows(NetworkException.class, () -> new MaxPool(Window2d.square(2, 1, 2)).outputShape(Shape.chw(1, 3, 3)));
    }
}
