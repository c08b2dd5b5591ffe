package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.certus.nn.AveragePool;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.Normalize;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Random sequential networks → OnnxExporter → OnnxImporter (and ONNX Runtime) give the same outputs. */
class OnnxRoundTripTest {
    /**
     * Parameters are float32-representable, so export loses nothing; the importer may fold Normalize
     * into a preceding Dense, which reorders double arithmetic: allow 1e-9 of |y| + 1.
     */
    private static final double ROUND_TRIP_TOLERANCE = 1e-9;

    static LongStream seeds() {
        return LongStream.range(0, 300).map(i -> 1_000_003L * i + 17);
    }

    static LongStream ortSeeds() {
        return LongStream.range(0, 40).map(i -> 7_919L * i + 5);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exportThenImportKeepsOutputs(long seed) {
        Network net = randomNetwork(new Random(seed));
        Network back = OnnxImporter.read(new java.io.ByteArrayInputStream(OnnxExporter.toBytes(net)), "roundtrip-" + seed);
        assertEquals(net.inputShape(), back.inputShape(), "seed " + seed);
        assertEquals(net.outputShape(), back.outputShape(), "seed " + seed);
        assertEquals(net.reluCount(), back.reluCount(), "seed " + seed);
        Random rnd = new Random(seed ^ 0xabcdefL);
        for (int k = 0; k < 5; k++) {
            double[] x = new double[net.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextDouble() * 2 - 1;
            }
            double[] a = net.evaluate(x), b = back.evaluate(x);
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - b[i]) <= ROUND_TRIP_TOLERANCE * (1 + Math.abs(a[i])),
                        "seed " + seed + " output " + i + ": " + a[i] + " vs " + b[i] + "\n" + net.describe());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("ortSeeds")
    void exportedNetworkAgreesWithOnnxRuntime(long seed, @TempDir Path dir) throws Exception {
        Network net = randomNetwork(new Random(seed));
        Path file = dir.resolve("net.onnx");
        OnnxExporter.write(net, file);
        try (OnnxTestSupport.Ort ort = new OnnxTestSupport.Ort(Files.readAllBytes(file))) {
            Random rnd = new Random(seed);
            for (int k = 0; k < 3; k++) {
                float[] x = new float[net.inputSize()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextFloat() * 2 - 1;
                }
                double err = OnnxTestSupport.maxScaledError(net.evaluate(OnnxTestSupport.toDouble(x)), ort.run(x));
                assertTrue(err <= OnnxRuntimeOracleTest.TOLERANCE, "seed " + seed + ": error " + err + "\n" + net.describe());
            }
        }
    }

    @Test
    void gzippedFileIsDetectedByMagic(@TempDir Path dir) throws Exception {
        Network net = randomNetwork(new Random(42));
        Path gz = dir.resolve("net.onnx.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            OnnxExporter.write(net, out);
        }
        Network back = OnnxImporter.read(gz);
        assertEquals("net", back.name());
        double[] x = new double[net.inputSize()];
        Arrays.fill(x, 0.25);
        assertEquals(net.evaluate(x)[0], back.evaluate(x)[0], 1e-9 * (1 + Math.abs(net.evaluate(x)[0])));
    }

    @Test
    void callerSuppliedInputDomainIsUsed(@TempDir Path dir) {
        Network net = randomNetwork(new Random(7));
        Path f = dir.resolve("n.onnx");
        OnnxExporter.write(net, f);
        InputDomain d = InputDomain.uniform(net.inputSize(), -2, 3);
        assertEquals(-2.0, OnnxImporter.read(f, d).inputDomain().lower(0));
        Network dflt = OnnxImporter.read(f);
        assertEquals(net.inputShape().isImage() ? 0.0 : Double.NEGATIVE_INFINITY, dflt.inputDomain().lower(0));
    }

    // ------------------------------------------------------------ random networks

    static Network randomNetwork(Random r) {
        List<Operation> layers = new ArrayList<>();
        Shape in;
        if (r.nextBoolean()) {
            int n = 1 + r.nextInt(12);
            in = Shape.flat(n);
            if (r.nextInt(4) == 0) {
                layers.add(new Normalize(new double[] {f(r)}, new double[] {nonZero(r)}));
            }
        } else {
            int c = 1 + r.nextInt(3);
            in = Shape.chw(c, 2 + r.nextInt(8), 2 + r.nextInt(8));
            if (r.nextInt(3) == 0) {
                double[] m = new double[c], s = new double[c];
                for (int i = 0; i < c; i++) {
                    m[i] = f(r);
                    s[i] = nonZero(r);
                }
                layers.add(new Normalize(m, s));
            }
            Shape cur = in;
            int convs = 1 + r.nextInt(3);
            for (int k = 0; k < convs; k++) {
                Operation l = randomWindowLayer(r, cur);
                if (l == null) {
                    break;
                }
                layers.add(l);
                cur = l.outputShape(cur);
                if (r.nextBoolean()) {
                    layers.add(new Relu());
                }
            }
            layers.add(new Flatten(r.nextBoolean() ? FlattenOrder.NCHW : FlattenOrder.NHWC));
        }
        int width = sizeAfter(in, layers);
        int dense = 1 + r.nextInt(3);
        for (int k = 0; k < dense; k++) {
            int out = 1 + r.nextInt(10);
            layers.add(new Dense(width, out, floats(r, width * out), floats(r, out)));
            if (k < dense - 1) {
                layers.add(new Relu());
            }
            width = out;
        }
        return new Network("random", in, InputDomain.uniform(in.size(), -1, 1), layers);
    }

    private static int sizeAfter(Shape in, List<Operation> layers) {
        Shape cur = in;
        for (Operation l : layers) {
            cur = l.outputShape(cur);
        }
        return cur.size();
    }

    private static Operation randomWindowLayer(Random r, Shape in) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int kH = 1 + r.nextInt(Math.min(4, in.height())), kW = 1 + r.nextInt(Math.min(4, in.width()));
            int sH = 1 + r.nextInt(3), sW = 1 + r.nextInt(3);
            int kind = r.nextInt(4);
            // Pools need pad < kernel (ONNX and the IR both forbid windows of pure padding).
            int maxPadH = kind == 0 || kind == 1 ? kH : kH - 1, maxPadW = kind == 0 || kind == 1 ? kW : kW - 1;
            Window2d w = new Window2d(kH, kW, sH, sW, r.nextInt(maxPadH + 1) % 3, r.nextInt(maxPadH + 1) % 3,
                    r.nextInt(maxPadW + 1) % 3, r.nextInt(maxPadW + 1) % 3);
            Operation l = switch (kind) {
                case 0, 1 -> {
                    int oc = 1 + r.nextInt(4);
                    yield new Conv2d(in.channels(), oc, w, floats(r, oc * in.channels() * kH * kW), floats(r, oc));
                }
                case 2 -> new MaxPool(w);
                default -> new AveragePool(w, r.nextBoolean());
            };
            try {
                l.outputShape(in);
                return l;
            } catch (RuntimeException e) {
                // geometry does not fit this input; draw again
            }
        }
        return null;
    }

    /** A float32-representable value in [-1, 1]. */
    private static double f(Random r) {
        return (float) (r.nextDouble() * 2 - 1);
    }

    private static double nonZero(Random r) {
        return (float) ((0.25 + r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
    }

    private static double[] floats(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = f(r);
        }
        return v;
    }
}
