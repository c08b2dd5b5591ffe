package org.certus.nn.io.nnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.RandomNetworks;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NnetRoundTripTest {
    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 150);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void denseNetworkRoundTripsWeightForWeight(long seed) {
        Random rnd = new Random(seed);
        int[] widths = new int[2 + rnd.nextInt(4)];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = 1 + rnd.nextInt(7);
        }
        Network net = RandomNetworks.dense(rnd, widths);
        Path file = dir.resolve("net" + seed + ".nnet");
        NnetExporter.write(net, file);
        Network back = NnetImporter.read(file);

        assertEquals(net.layerCount(), back.layerCount(), "seed=" + seed);
        for (int i = 0; i < net.layerCount(); i++) {
            if (net.layer(i) instanceof Dense d) {
                Dense e = (Dense) back.layer(i);
                assertArrayEquals(d.weights(), e.weights(), 0.0, "seed=" + seed + " layer " + i);
                assertArrayEquals(d.bias(), e.bias(), 0.0, "seed=" + seed + " layer " + i);
            } else {
                assertTrue(back.layer(i) instanceof Relu, "seed=" + seed);
            }
        }
        assertArrayEquals(net.inputDomain().lower(), back.inputDomain().lower(), 0.0);
        assertArrayEquals(net.inputDomain().upper(), back.inputDomain().upper(), 0.0);
        for (int t = 0; t < 5; t++) {
            double[] x = RandomNetworks.pointIn(rnd, net.inputDomain());
            assertArrayEquals(net.evaluate(x), back.evaluate(x), 0.0, "seed=" + seed);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void convAndNormalizeAreFoldedIntoDenseLayers(long seed) {
        Random rnd = new Random(seed);
        Network conv = RandomNetworks.conv(rnd, 1 + rnd.nextInt(2), 3 + rnd.nextInt(3), 3 + rnd.nextInt(3), new int[] {1 + rnd.nextInt(2)}, rnd.nextInt(4), 2);
        List<org.certus.nn.Operation> layers = new java.util.ArrayList<>();
        layers.add(new Normalize(new double[] {0.3}, new double[] {0.7}));
        layers.addAll(conv.layers());
        Network net = new Network("folded", conv.inputShape(), conv.inputDomain(), layers);
        Path file = dir.resolve("conv" + seed + ".nnet");
        NnetExporter.write(net, file);
        Network back = NnetImporter.read(file);
        assertEquals(net.reluCount(), back.reluCount(), "seed=" + seed);
        for (int t = 0; t < 5; t++) {
            double[] x = RandomNetworks.pointIn(rnd, net.inputDomain());
            double[] a = net.evaluate(x), b = back.evaluate(x);
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-9 * (1 + Math.abs(a[j])), "seed=" + seed);
            }
        }
    }

    /**
     * Unbounded inputs (as ONNX networks without image inputs have) are written as the largest float32,
     * as the format's reference converter writes them, and read back as unbounded.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void infiniteInputBoundsRoundTrip(long seed) throws IOException {
        Random rnd = new Random(seed);
        Network dense = RandomNetworks.dense(rnd, 1 + rnd.nextInt(5), 1 + rnd.nextInt(5), 1 + rnd.nextInt(3));
        int n = dense.inputSize();
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = rnd.nextBoolean() ? Double.NEGATIVE_INFINITY : -rnd.nextDouble();
            hi[i] = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : rnd.nextDouble();
        }
        Network net = new Network("open", dense.inputShape(), new InputDomain(lo, hi), dense.layers());
        Path file = dir.resolve("open" + seed + ".nnet");
        NnetExporter.write(net, file);
        String text = Files.readString(file);
        assertTrue(!text.contains("Infinity") && !text.contains("NaN"), "seed=" + seed + ": only finite numbers are written\n" + text);
        Network back = NnetImporter.read(file);
        assertArrayEquals(lo, back.inputDomain().lower(), 0.0, "seed=" + seed);
        assertArrayEquals(hi, back.inputDomain().upper(), 0.0, "seed=" + seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 10 * rnd.nextGaussian();
        }
        assertArrayEquals(net.evaluate(x), back.evaluate(x), 0.0, "seed=" + seed);
    }

    @Test
    void importedAcasStyleNetworkReExportsWithNormalisationFolded() throws IOException {
        Path small = dir.resolve("small.nnet");
        Files.writeString(small, NnetImporterTest.SMALL);
        Network net = NnetImporter.read(small);
        Path again = dir.resolve("again.nnet");
        NnetExporter.write(net, again);
        Network back = NnetImporter.read(again);
        for (double[] x : new double[][] {{3, 2}, {-1, 4}, {2, 6}, {0.3, -1.7}}) {
            assertEquals(net.evaluate(x)[0], back.evaluate(x)[0], 1e-12);
        }
        assertArrayEquals(net.inputDomain().lower(), back.inputDomain().lower(), 0.0);
    }

    @Test
    void networksNnetCannotExpressAreRejected() {
        Random rnd = new Random(9);
        Network endsWithRelu = new Network("r", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(RandomNetworks.denseLayer(rnd, 2, 2), new Relu()));
        assertTrue(assertThrows(NetworkException.class, () -> NnetExporter.write(endsWithRelu, dir.resolve("a.nnet"))).getMessage().contains("ends with a ReLU"));
        Network startsWithRelu = new Network("s", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(new Relu(), RandomNetworks.denseLayer(rnd, 2, 2)));
        assertTrue(assertThrows(NetworkException.class, () -> NnetExporter.write(startsWithRelu, dir.resolve("b.nnet"))).getMessage().contains("layer 0"));
        Network pooled = new Network("p", Shape.chw(1, 2, 2), InputDomain.uniform(4, 0, 1),
                List.of(new MaxPool(Window2d.square(2, 2, 0)), new Flatten(FlattenOrder.NCHW), RandomNetworks.denseLayer(rnd, 1, 2)));
        NetworkException e = assertThrows(NetworkException.class, () -> NnetExporter.write(pooled, dir.resolve("c.nnet")));
        assertTrue(e.getMessage().contains("MaxPool"), e.getMessage());
    }
}
