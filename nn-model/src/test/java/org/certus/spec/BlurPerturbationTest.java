package org.certus.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlurPerturbationTest {

    /** A small random conv net over CxHxW images in [0, 1]. */
    static Network randomNetwork(Random rnd, int c, int h, int w) {
        int oc = 3;
        Window2d win = Window2d.square(3, 1, 1);
        Conv2d conv = new Conv2d(c, oc, win, gaussians(rnd, oc * c * 9), gaussians(rnd, oc));
        int flat = oc * h * w;
        return new Network("rnd", Shape.chw(c, h, w), InputDomain.uniform(c * h * w, 0, 1),
                List.of(conv, new Relu(), new Flatten(FlattenOrder.values()[0]), new Dense(flat, 4, gaussians(rnd, flat * 4), gaussians(rnd, 4))));
    }

    static double[] gaussians(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** The blur written from scratch: depthwise, stride 1, SAME, zero edges, kernel [C][K][K]. */
    static double[] explicitBlur(double[] img, int c, int h, int w, double[] kernel, int k) {
        double[] out = new double[img.length];
        int r = (k - 1) / 2;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double s = 0;
                    for (int a = -r; a <= r; a++) {
                        for (int b = -r; b <= r; b++) {
                            boolean inside = i + a >= 0 && i + a < h && j + b >= 0 && j + b < w;
                            double v = inside ? img[ch * h * w + (i + a) * w + (j + b)] : 0.0;
                            s += kernel[ch * k * k + (a + r) * k + (b + r)] * v;
                        }
                    }
                    out[ch * h * w + i * w + j] = s;
                }
            }
        }
        return out;
    }

    /** A random kernel with entries in [0, 1] summing to C: C units of mass spread over random entries. */
    static double[] randomKernel(Random rnd, int full, int c) {
        double[] kernel = new double[full];
        double left = c;
        while (left > 1e-12) {
            int j = rnd.nextInt(full);
            double add = Math.min(left, Math.min(1 - kernel[j], rnd.nextDouble()));
            kernel[j] += add;
            left -= add;
        }
        return kernel;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void parametrisedNetworkEqualsNetworkOnBlurredImage(long seed) {
        Random rnd = new Random(seed);
        int c = 1 + (int) (seed % 3), h = 4 + rnd.nextInt(3), w = 4 + rnd.nextInt(3), k = seed % 2 == 0 ? 3 : 5;
        Network net = randomNetwork(rnd, c, h, w);
        double[] img = new double[c * h * w];
        for (int i = 0; i < img.length; i++) {
            img[i] = rnd.nextDouble();
        }
        BlurPerturbation.Parametrised p = new BlurPerturbation(k).parametrise(net, img);
        assertEquals(c * k * k - 1, p.freeCount(), "seed " + seed);
        for (int t = 0; t < 20; t++) {
            double[] kernel = randomKernel(rnd, c * k * k, c);
            // the free entries: drop channel 0's centre
            double[] free = new double[p.freeCount()];
            int e = (k / 2) * k + k / 2;
            for (int j = 0, f = 0; j < kernel.length; j++) {
                if (j != e) {
                    free[f++] = kernel[j];
                }
            }
            assertArrayEquals(kernel, p.kernel(free), 1e-12, "seed " + seed);
            double[] blurred = explicitBlur(img, c, h, w, kernel, k);
            assertArrayEquals(blurred, p.blurredImage(free), 1e-12, "seed " + seed);
            assertArrayEquals(net.evaluate(blurred), p.network().evaluate(free), 1e-9, "seed " + seed);
            // the two sum rows hold (domain rows may not: a random kernel can leave [0, 1] with C > 1)
            double[] rows = new double[p.constraints().rows()];
            p.constraints().apply(free, rows);
            assertTrue(rows[0] <= 1e-12 && rows[1] <= 1e-12, "seed " + seed);
            boolean inDomain = true;
            for (double v : blurred) {
                inDomain &= v >= 0 && v <= 1;
            }
            for (int r = 2; r < rows.length; r++) {
                assertTrue(!inDomain || rows[r] <= 1e-12, "seed " + seed + ": a domain row excludes an in-domain blur");
            }
        }
        // the identity kernel reproduces the image and satisfies every row
        double[] id = p.identity();
        assertArrayEquals(img, p.blurredImage(id), 1e-15, "seed " + seed);
        assertArrayEquals(net.evaluate(img), p.network().evaluate(id), 1e-9, "seed " + seed);
        double[] rows = new double[p.constraints().rows()];
        p.constraints().apply(id, rows);
        for (double r : rows) {
            assertTrue(r <= 1e-12, "seed " + seed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blur:0x0", "blur:4x3", "blur:4x4", "blur:3x5", "blur:1x1", "blur", "blur:x3", "blur:99x99"})
    void badKernelsAreRefused(String text) {
        assertThrows(SpecException.class, () -> BlurPerturbation.parse(text));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7})
    void parsesSquareOddKernels(int k) {
        assertEquals(k, BlurPerturbation.parse("blur:" + k + "x" + k).kernelSize());
    }
}
