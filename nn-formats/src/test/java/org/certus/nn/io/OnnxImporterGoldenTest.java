package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two bundled MIPVerify networks against PyTorch's reference logits and predictions. */
class OnnxImporterGoldenTest {
    /** The reference logits are float32 from PyTorch; Certus computes in double. */
    private static final double LOGIT_TOLERANCE = 1e-4;

    private static Network wk17a;
    private static Network rsl18a;

    @BeforeAll
    static void load() {
        wk17a = OnnxImporter.read(OnnxTestSupport.resource(OnnxTestSupport.WK17A));
        rsl18a = OnnxImporter.read(OnnxTestSupport.resource(OnnxTestSupport.RSL18A));
    }

    @Test
    void wk17aArchitecture() {
        Network n = wk17a;
        assertEquals("mnist_wk17a_linf0.1_authors", n.name());
        assertEquals(Shape.chw(1, 28, 28), n.inputShape());
        assertEquals(8, n.layerCount(), n.describe());
        Conv2d c1 = assertInstanceOf(Conv2d.class, n.layer(0));
        assertEquals(1, c1.inChannels());
        assertEquals(16, c1.outChannels());
        assertEquals(Window2d.square(4, 2, 1), c1.window());
        assertInstanceOf(Relu.class, n.layer(1));
        Conv2d c2 = assertInstanceOf(Conv2d.class, n.layer(2));
        assertEquals(16, c2.inChannels());
        assertEquals(32, c2.outChannels());
        assertEquals(Window2d.square(4, 2, 1), c2.window());
        assertInstanceOf(Relu.class, n.layer(3));
        assertEquals(new Flatten(FlattenOrder.NCHW), n.layer(4));
        Dense d1 = assertInstanceOf(Dense.class, n.layer(5));
        assertEquals(1568, d1.inputSize());
        assertEquals(100, d1.outputSize());
        assertInstanceOf(Relu.class, n.layer(6));
        Dense d2 = assertInstanceOf(Dense.class, n.layer(7));
        assertEquals(10, d2.outputSize());
        assertEquals(4804, n.reluCount());
        assertEquals(0.0, n.inputDomain().lower(0));
        assertEquals(1.0, n.inputDomain().upper(783));
    }

    @Test
    void rsl18aArchitecture() {
        Network n = rsl18a;
        assertEquals(Shape.chw(1, 28, 28), n.inputShape());
        assertEquals(4, n.layerCount(), n.describe());
        assertEquals(new Flatten(FlattenOrder.NCHW), n.layer(0));
        Dense d1 = assertInstanceOf(Dense.class, n.layer(1));
        assertEquals(784, d1.inputSize());
        assertEquals(500, d1.outputSize());
        assertInstanceOf(Relu.class, n.layer(2));
        assertEquals(10, assertInstanceOf(Dense.class, n.layer(3)).outputSize());
        assertEquals(500, n.reluCount());
    }

    @Test
    void wk17aLogitsOfFirst100Images() throws IOException {
        checkLogits(wk17a, "mnist_wk17a_linf0.1_authors");
    }

    @Test
    void rsl18aLogitsOfFirst100Images() throws IOException {
        checkLogits(rsl18a, "mnist_rsl18a_linf0.1_authors");
    }

    @Test
    void wk17aPredictionsOnAll10000Images() throws IOException {
        checkPredictions(wk17a, "mnist_wk17a_linf0.1_authors", 9811);
    }

    @Test
    void rsl18aPredictionsOnAll10000Images() throws IOException {
        checkPredictions(rsl18a, "mnist_rsl18a_linf0.1_authors", 9582);
    }

    private static void checkLogits(Network n, String stem) throws IOException {
        float[][] images = OnnxTestSupport.mnistTestImages();
        List<String> lines = Files.readAllLines(OnnxTestSupport.resource("reference_outputs/" + stem + "_logits_first100.csv"));
        assertEquals(101, lines.size());
        double worst = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int idx = Integer.parseInt(f[0]);
            double[] y = n.evaluate(OnnxTestSupport.toDouble(images[idx]));
            for (int k = 0; k < 10; k++) {
                double err = Math.abs(y[k] - Double.parseDouble(f[2 + k]));
                worst = Math.max(worst, err);
                assertTrue(err <= LOGIT_TOLERANCE, stem + " image " + idx + " logit " + k + ": " + y[k] + " vs " + f[2 + k]);
            }
        }
        System.out.printf("%s: max |logit - PyTorch| over 100 images = %.3g%n", stem, worst);
    }

    private static void checkPredictions(Network n, String stem, int expectedCorrect) throws IOException {
        float[][] images = OnnxTestSupport.mnistTestImages();
        List<String> lines = Files.readAllLines(OnnxTestSupport.resource("reference_outputs/" + stem + "_predictions_10000.txt"));
        List<String> preds = lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertEquals(10000, preds.size());
        int[] labels = mnistLabels();
        // The exact forward pass of the IR, spread over the available cores (Network is immutable).
        int[] predicted = java.util.stream.IntStream.range(0, 10000).parallel()
                .map(i -> n.predict(OnnxTestSupport.toDouble(images[i]))).toArray();
        int mismatches = 0, correct = 0;
        for (int i = 0; i < 10000; i++) {
            if (predicted[i] != Integer.parseInt(preds.get(i).trim())) {
                mismatches++;
            }
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        assertEquals(0, mismatches, stem + ": predictions differing from the reference");
        assertEquals(expectedCorrect, correct, stem + ": clean accuracy");
    }

    private static int[] mnistLabels() throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(OnnxTestSupport.class.getClassLoader()
                .getResourceAsStream("org/certus/data/mnist/t10k-labels-idx1-ubyte.gz"))) {
            byte[] b = in.readAllBytes();
            int[] labels = new int[b.length - 8];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = b[8 + i] & 0xff;
            }
            return labels;
        }
    }
}
