package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Network construction rejects bad shapes and weights with a message naming the layer. */
class NetworkValidationTest {

    private static void assertMessageContains(NetworkException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void denseSizeMismatchNamesLayerIndexAndLayer() {
        Random rnd = new Random(1);
        List<Operation> layers = List.of(RandomNetworks.denseLayer(rnd, 5, 4), new Relu(), RandomNetworks.denseLayer(rnd, 3, 2));
        NetworkException e = assertThrows(NetworkException.class,
                () -> new Network("net", Shape.flat(5), InputDomain.uniform(5, 0, 1), layers));
        assertMessageContains(e, "'net'", "layer 2", "Dense(3->2)", "[4]");
    }

    @Test
    void convOnFlatInputAndChannelMismatchAreRejected() {
        Random rnd = new Random(2);
        NetworkException flat = assertThrows(NetworkException.class, () -> new Network("n", Shape.flat(16), InputDomain.uniform(16, 0, 1),
                List.of(RandomNetworks.convLayer(rnd, 1, 2, Window2d.square(3, 1, 1)))));
        assertMessageContains(flat, "layer 0", "Conv2d(1->2");
        NetworkException channels = assertThrows(NetworkException.class, () -> new Network("n", Shape.chw(3, 4, 4), InputDomain.uniform(48, 0, 1),
                List.of(RandomNetworks.convLayer(rnd, 1, 2, Window2d.square(3, 1, 1)))));
        assertMessageContains(channels, "layer 0", "1 channels", "[3x4x4]");
    }

    @Test
    void denseAfterImageNeedsFlatten() {
        Random rnd = new Random(3);
        NetworkException e = assertThrows(NetworkException.class, () -> new Network("n", Shape.chw(1, 2, 2), InputDomain.uniform(4, 0, 1),
                List.of(new Relu(), RandomNetworks.denseLayer(rnd, 4, 2))));
        assertMessageContains(e, "layer 1", "Dense(4->2)", "flat");
    }

    @Test
    void kernelLargerThanInputIsRejected() {
        Random rnd = new Random(4);
        NetworkException e = assertThrows(NetworkException.class, () -> new Network("n", Shape.chw(1, 2, 2), InputDomain.uniform(4, 0, 1),
                List.of(RandomNetworks.convLayer(rnd, 1, 1, Window2d.valid(3, 3, 1, 1)))));
        assertMessageContains(e, "layer 0", "kernel height 3");
    }

    @Test
    void domainSizeAndEmptyNetworkAreRejected() {
        assertThrows(NetworkException.class, () -> new Network("n", Shape.flat(3), InputDomain.uniform(4, 0, 1), List.of(new Relu())));
        assertThrows(NetworkException.class, () -> new Network("n", Shape.flat(3), InputDomain.uniform(3, 0, 1), List.of()));
        assertThrows(NetworkException.class, () -> new InputDomain(new double[] {1}, new double[] {0}));
        assertThrows(NetworkException.class, () -> new InputDomain(new double[] {Double.NaN}, new double[] {0}));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteWeightsAndBiasesAreRejectedNamingTheLayer(double bad) {
        double[] w = {1, 2, 3, 4, 5, 6};
        w[4] = bad;
        assertMessageContains(assertThrows(NetworkException.class, () -> new Dense(3, 2, w, new double[2])), "Dense weights", "index 4");
        assertMessageContains(assertThrows(NetworkException.class, () -> new Dense(3, 2, new double[6], new double[] {0, bad})), "Dense bias", "index 1");
        double[] k = new double[2 * 1 * 3 * 1];
        k[5] = bad;
        assertMessageContains(assertThrows(NetworkException.class, () -> new Conv2d(1, 2, Window2d.valid(3, 1, 1, 1), k, new double[2])),
                "Conv2d weights", "index 5");
        assertMessageContains(assertThrows(NetworkException.class, () -> new Conv2d(1, 1, Window2d.valid(1, 1, 1, 1), new double[1], new double[] {bad})),
                "Conv2d bias");
        assertMessageContains(assertThrows(NetworkException.class, () -> new Normalize(new double[] {bad}, new double[] {1})), "Normalize means");
        assertMessageContains(assertThrows(NetworkException.class, () -> new Normalize(new double[] {0}, new double[] {bad})), "Normalize stds");
    }

    @Test
    void wrongWeightCountsAreRejected() {
        assertThrows(NetworkException.class, () -> new Dense(3, 2, new double[5], new double[2]));
        assertThrows(NetworkException.class, () -> new Dense(3, 2, new double[6], new double[3]));
        assertThrows(NetworkException.class, () -> new Conv2d(1, 2, Window2d.square(3, 1, 0), new double[17], new double[2]));
        assertThrows(NetworkException.class, () -> new Normalize(new double[] {0}, new double[] {0}));
        assertThrows(NetworkException.class, () -> new Normalize(new double[] {0, 1}, new double[] {1}));
    }

    @Test
    void forwardChecksInputLengthAndReportsEveryLayer() {
        Network net = RandomNetworks.dense(new Random(5), 3, 4, 2);
        assertThrows(NetworkException.class, () -> net.evaluate(new double[2]));
        Activations a = net.forward(new double[] {0.1, -0.2, 0.3});
        assertEquals(net.layerCount() + 1, a.count());
        assertArrayEquals(new double[] {0.1, -0.2, 0.3}, a.input());
        assertEquals(4, net.reluCount());
    }

    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void networkForwardEqualsComposedAffineMapsAndRelus(long seed) {
        Random rnd = new Random(seed);
        Network net = rnd.nextBoolean()
                ? RandomNetworks.dense(rnd, 1 + rnd.nextInt(5), 1 + rnd.nextInt(6), 1 + rnd.nextInt(6), 1 + rnd.nextInt(4))
                : RandomNetworks.conv(rnd, 1 + rnd.nextInt(2), 3 + rnd.nextInt(4), 3 + rnd.nextInt(4), new int[] {1 + rnd.nextInt(3)}, rnd.nextInt(5), 2);
        double[] x = RandomNetworks.pointIn(rnd, net.inputDomain());
        double[] v = x;
        for (int i = 0; i < net.layerCount(); i++) {
            Operation l = net.layer(i);
            double[] o = new double[net.shapeBefore(i + 1).size()];
            if (l instanceof UnaryAffineOperation a) {
                a.toAffineMap(net.shapeBefore(i)).apply(v, o);
            } else {
                for (int j = 0; j < v.length; j++) {
                    o[j] = Math.max(0, v[j]);
                }
            }
            v = o;
        }
        double[] y = net.evaluate(x);
        for (int j = 0; j < y.length; j++) {
            assertEquals(v[j], y[j], 1e-9 * (1 + Math.abs(v[j])), "seed=" + seed);
        }
    }
}
