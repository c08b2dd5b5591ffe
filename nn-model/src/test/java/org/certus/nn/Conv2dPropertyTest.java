package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv2d's forward pass against an independent im2col + dense matrix product on random shapes,
 * strides and (asymmetric) paddings. Each case is a seed; the seed is in the test name and message.
 */
class Conv2dPropertyTest {
    static final double TOL = 1e-9;

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    /** A random conv geometry whose kernel fits the padded input. */
    static Window2d randomWindow(Random rnd, int h, int w) {
        while (true) {
            Window2d win = new Window2d(1 + rnd.nextInt(4), 1 + rnd.nextInt(4), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3),
                    rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3));
            if (win.kernelH() <= h + win.padTop() + win.padBottom() && win.kernelW() <= w + win.padLeft() + win.padRight()) {
                return win;
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void forwardEqualsIm2colTimesWeights(long seed) {
        Random rnd = new Random(seed);
        int inC = 1 + rnd.nextInt(3), outC = 1 + rnd.nextInt(3), h = 1 + rnd.nextInt(7), w = 1 + rnd.nextInt(7);
        Window2d win = randomWindow(rnd, h, w);
        Conv2d conv = RandomNetworks.convLayer(rnd, inC, outC, win);
        Shape in = Shape.chw(inC, h, w);
        double[] x = RandomNetworks.uniform(rnd, in.size(), -1, 1);

        Shape os = conv.outputShape(in);
        double[] actual = new double[os.size()];
        conv.forward(in, x, actual);

        double[] expected = im2colConv(x, inC, h, w, win, outC, conv.weights(), conv.bias());
        assertEquals(expected.length, actual.length, "seed=" + seed);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL * (1 + Math.abs(expected[i])), "seed=" + seed + " output " + i + " " + conv.describe());
        }
        // The output size follows the documented floor formula.
        assertEquals((h + win.padTop() + win.padBottom() - win.kernelH()) / win.strideH() + 1, os.height(), "seed=" + seed);
        assertEquals((w + win.padLeft() + win.padRight() - win.kernelW()) / win.strideW() + 1, os.width(), "seed=" + seed);
    }

    /**
     * Reference: zero-pad the image explicitly, unfold every window into a column
     * ({@code cols[inC*kH*kW][outH*outW]}), multiply by the {@code [outC][inC*kH*kW]} weight matrix.
     */
    static double[] im2colConv(double[] x, int inC, int h, int w, Window2d win, int outC, double[] weights, double[] bias) {
        int ph = h + win.padTop() + win.padBottom(), pw = w + win.padLeft() + win.padRight();
        double[][][] padded = new double[inC][ph][pw];
        for (int c = 0; c < inC; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    padded[c][y + win.padTop()][xx + win.padLeft()] = x[(c * h + y) * w + xx];
                }
            }
        }
        int kH = win.kernelH(), kW = win.kernelW();
        int outH = (ph - kH) / win.strideH() + 1, outW = (pw - kW) / win.strideW() + 1;
        int k = inC * kH * kW, p = outH * outW;
        double[][] cols = new double[k][p];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int c = 0; c < inC; c++) {
                    for (int ky = 0; ky < kH; ky++) {
                        for (int kx = 0; kx < kW; kx++) {
                            cols[(c * kH + ky) * kW + kx][oy * outW + ox] = padded[c][oy * win.strideH() + ky][ox * win.strideW() + kx];
                        }
                    }
                }
            }
        }
        double[] out = new double[outC * p];
        for (int o = 0; o < outC; o++) {
            for (int j = 0; j < p; j++) {
                double s = bias[o];
                for (int r = 0; r < k; r++) {
                    s += weights[o * k + r] * cols[r][j];
                }
                out[o * p + j] = s;
            }
        }
        return out;
    }
}
