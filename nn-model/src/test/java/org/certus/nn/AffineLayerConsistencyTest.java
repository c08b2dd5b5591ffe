package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every affine layer's forward pass equals its {@link AffineMap}: bound propagation and the MILP
 * encoding use only the map, the counterexample check uses forward, so they must agree.
 */
class AffineLayerConsistencyTest {
    static final double TOL = 1e-12;

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    private static void assertForwardEqualsMap(UnaryAffineOperation layer, Shape in, Random rnd, long seed) {
        double[] x = RandomNetworks.uniform(rnd, in.size(), -2, 2);
        Shape os = layer.outputShape(in);
        double[] viaForward = new double[os.size()];
        layer.forward(in, x, viaForward);
        AffineMap map = layer.toAffineMap(in);
        assertEquals(os.size(), map.rows(), "seed=" + seed + " rows of " + layer.describe());
        assertEquals(in.size(), map.cols(), "seed=" + seed + " cols of " + layer.describe());
        double[] viaMap = new double[map.rows()];
        map.apply(x, viaMap);
        for (int i = 0; i < viaMap.length; i++) {
            assertEquals(viaForward[i], viaMap[i], TOL * (1 + Math.abs(viaForward[i])),
                    "seed=" + seed + " " + layer.describe() + " on " + in + ", output " + i);
        }
        // The dense view of the map agrees with its sparse application.
        double[] dense = map.toDense();
        for (int r = 0; r < map.rows(); r++) {
            double s = map.bias()[r];
            for (int c = 0; c < map.cols(); c++) {
                s += dense[r * map.cols() + c] * x[c];
            }
            assertEquals(viaMap[r], s, TOL * (1 + Math.abs(s)), "seed=" + seed + " toDense row " + r);
        }
    }

    static Shape randomImage(Random rnd) {
        return Shape.chw(1 + rnd.nextInt(3), 1 + rnd.nextInt(6), 1 + rnd.nextInt(6));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void conv2d(long seed) {
        Random rnd = new Random(seed);
        Shape in = randomImage(rnd);
        Window2d win = Conv2dPropertyTest.randomWindow(rnd, in.height(), in.width());
        assertForwardEqualsMap(RandomNetworks.convLayer(rnd, in.channels(), 1 + rnd.nextInt(3), win), in, rnd, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void averagePool(long seed) {
        Random rnd = new Random(seed);
        Shape in = randomImage(rnd);
        Window2d win = MaxPoolPropertyTest.randomPoolWindow(rnd, in.height(), in.width());
        assertForwardEqualsMap(new AveragePool(win, rnd.nextBoolean()), in, rnd, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void flattenBothOrders(long seed) {
        Random rnd = new Random(seed);
        Shape in = randomImage(rnd);
        assertForwardEqualsMap(new Flatten(FlattenOrder.NCHW), in, rnd, seed);
        assertForwardEqualsMap(new Flatten(FlattenOrder.NHWC), in, rnd, seed);
        assertForwardEqualsMap(new Flatten(FlattenOrder.NHWC), Shape.flat(1 + rnd.nextInt(9)), rnd, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void normalize(long seed) {
        Random rnd = new Random(seed);
        Shape in = rnd.nextInt(4) == 0 ? Shape.flat(1 + rnd.nextInt(9)) : randomImage(rnd);
        int c = in.isImage() && rnd.nextBoolean() ? in.channels() : 1;
        double[] std = RandomNetworks.uniform(rnd, c, 0.1, 2);
        if (rnd.nextBoolean()) {
            std[0] = -std[0]; // a negative std is odd but affine all the same
        }
        assertForwardEqualsMap(new Normalize(RandomNetworks.uniform(rnd, c, -1, 1), std), in, rnd, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void dense(long seed) {
        Random rnd = new Random(seed);
        int in = 1 + rnd.nextInt(8);
        assertForwardEqualsMap(RandomNetworks.denseLayer(rnd, in, 1 + rnd.nextInt(8)), Shape.flat(in), rnd, seed);
    }

    @Test
    void flattenNhwcMovesChannelsLast() {
        // 2 channels of 1x2: CHW [a0 a1 | b0 b1] -> HWC [a0 b0 a1 b1]
        double[] out = new double[4];
        new Flatten(FlattenOrder.NHWC).forward(Shape.chw(2, 1, 2), new double[] {1, 2, 10, 20}, out);
        assertArrayEquals(new double[] {1, 10, 2, 20}, out);
        new Flatten(FlattenOrder.NCHW).forward(Shape.chw(2, 1, 2), new double[] {1, 2, 10, 20}, out);
        assertArrayEquals(new double[] {1, 2, 10, 20}, out);
    }
}
