package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.certus.nn.Add;
import org.certus.nn.Concat;
import org.certus.nn.ElementwiseAffine;
import org.certus.nn.IndexSelect;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The networks PyTorch exports in {@code examples/pytorch} (made by {@code export_networks.py} there):
 * each imports with the operation it was made for, its forward pass matches ONNX Runtime on MNIST test
 * images, and its lowered chain computes the same outputs.
 */
class PyTorchExportsTest {
    static final Path DIR = Path.of("..", "examples", "pytorch");

    static Stream<String> networks() {
        return Stream.of("cnn_batchnorm_maxpool", "cnn_avgpool", "residual_block", "concat_branches");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void importsMatchesOnnxRuntimeAndLowers(String name) throws Exception {
        Path file = DIR.resolve(name + ".onnx");
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " missing (run examples/pytorch/export_networks.py)");
        Network net = OnnxImporter.read(file);
        Class<? extends Operation> expected = switch (name) {
            case "cnn_batchnorm_maxpool" -> MaxPool.class;
            case "cnn_avgpool" -> IndexSelect.class; // the zero Pad PyTorch puts before the AveragePool
            case "residual_block" -> Add.class;
            default -> Concat.class;
        };
        assertTrue(net.layers().stream().anyMatch(expected::isInstance), name + ": no " + expected.getSimpleName() + "\n" + net.describe());
        if (name.startsWith("cnn_batchnorm")) {
            assertTrue(net.layers().stream().anyMatch(ElementwiseAffine.class::isInstance), "the batch norm after a ReLU\n" + net.describe());
        }
        assertEquals(784, net.inputSize());
        double[] lo = new double[784];
        double[] hi = new double[784];
        Arrays.fill(hi, 1);
        ReluChain chain = ReluChain.of(net, lo, hi);
        float[][] images = OnnxTestSupport.mnistTestImages();
        try (OnnxTestSupport.Ort ort = new OnnxTestSupport.Ort(Files.readAllBytes(file))) {
            for (int i = 0; i < 50; i++) {
                double[] x = OnnxTestSupport.toDouble(images[i]);
                double[] y = net.evaluate(x);
                double err = OnnxTestSupport.maxScaledError(y, ort.run(images[i]));
                assertTrue(err <= OnnxRuntimeOracleTest.TOLERANCE, name + " image " + i + ": error " + err);
                double[] yc = chain.evaluate(x);
                for (int o = 0; o < y.length; o++) {
                    assertEquals(y[o], yc[o], 1e-9 * (1 + Math.abs(y[o])), name + " image " + i + ": lowered chain, output " + o);
                }
            }
        }
    }
}
