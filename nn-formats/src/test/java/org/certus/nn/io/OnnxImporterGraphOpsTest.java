package org.certus.nn.io;

import static org.certus.nn.io.OnnxGraphBuilder.i;
import static org.certus.nn.io.OnnxGraphBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;

import org.certus.nn.Add;
import org.certus.nn.Concat;
import org.certus.nn.ConvTranspose2d;
import org.certus.nn.ElementwiseAffine;
import org.certus.nn.IndexSelect;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Test;

/**
 * Graphs with the operations beyond a chain of layers — Pad, Concat, Slice, Gather, general Transpose,
 * ConvTranspose, batch norm after a ReLU, Sub of two computed values, 1-D convolutions — checked against
 * ONNX Runtime, and the verifier's lowered chain checked against the imported graph's forward pass.
 */
class OnnxImporterGraphOpsTest {

    private static Network check(byte[] model, long seed) throws Exception {
        Network net = OnnxImporter.read(new ByteArrayInputStream(model), "graph-" + seed + ".onnx");
        Random r = new Random(seed);
        double[] lo = new double[net.inputSize()];
        double[] hi = new double[net.inputSize()];
        Arrays.fill(lo, -4);
        Arrays.fill(hi, 4);
        ReluChain chain = ReluChain.of(net, lo, hi);
        try (OnnxTestSupport.Ort ort = new OnnxTestSupport.Ort(model)) {
            for (int k = 0; k < 10; k++) {
                float[] x = new float[net.inputSize()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) Math.max(-4, Math.min(4, r.nextGaussian()));
                }
                double[] xd = OnnxTestSupport.toDouble(x);
                double[] y = net.evaluate(xd);
                double err = OnnxTestSupport.maxScaledError(y, ort.run(x));
                assertTrue(err <= OnnxRuntimeOracleTest.TOLERANCE, "seed " + seed + ": error " + err + "\n" + net.describe());
                double[] yc = chain.evaluate(xd);
                for (int o = 0; o < y.length; o++) {
                    assertEquals(y[o], yc[o], 1e-9 * (1 + Math.abs(y[o])), "seed " + seed + ": lowered chain, output " + o + "\n" + net.describe());
                }
            }
        }
        return net;
    }

    private static boolean has(Network n, Class<?> type) {
        return n.layers().stream().anyMatch(type::isInstance);
    }

    @Test
    void padBeforeAveragePool() throws Exception {
        // PyTorch's AvgPool2d(padding=…) with count_include_pad exports as a zero Pad then a plain AveragePool.
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 2, 5, 5).int64Init("pads", 0, 0, 1, 1, 0, 0, 1, 1).randomInit("W", 3, 2 * 3 * 3)
                .node("Pad", "pad", new String[] {"x", "pads"}, "p")
                .node("AveragePool", "ap", new String[] {"p"}, "a", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Relu", "r", new String[] {"a"}, "h")
                .node("Flatten", "f", new String[] {"h"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W"}, "y", i("transB", 1)).build("y", 1, 3);
        Network n = check(m, 1);
        assertTrue(has(n, IndexSelect.class), n.describe());
    }

    @Test
    void padWithConstantAndNegativePads() throws Exception {
        byte[] m = new OnnxGraphBuilder(2, "x", 1, 1, 4, 4).int64Init("pads", 0, 0, -1, 2, 0, 0, 2, -1).init("v", new double[] {0.75})
                .randomInit("W", 2, 1 * 5 * 5)
                .node("Pad", "pad", new String[] {"x", "pads", "v"}, "p")
                .node("Relu", "r", new String[] {"p"}, "h")
                .node("Flatten", "f", new String[] {"h"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W"}, "y", i("transB", 1)).build("y", 1, 2);
        check(m, 2);
    }

    @Test
    void concatOfTwoConvBranchesAlongChannels() throws Exception {
        byte[] m = new OnnxGraphBuilder(3, "x", 1, 1, 6, 6).randomInit("W1", 2, 1, 3, 3).randomInit("W2", 3, 1, 3, 3).randomInit("W3", 2, 5 * 4 * 4)
                .node("Conv", "c1", new String[] {"x", "W1"}, "a").node("Relu", "r1", new String[] {"a"}, "ra")
                .node("Conv", "c2", new String[] {"x", "W2"}, "b").node("Relu", "r2", new String[] {"b"}, "rb")
                .node("Concat", "cat", new String[] {"ra", "rb"}, "c", i("axis", 1))
                .node("Flatten", "f", new String[] {"c"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W3"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = check(m, 3);
        assertTrue(has(n, Concat.class), n.describe());
    }

    @Test
    void concatAlongWidthOfBranchesAtDifferentDepths() throws Exception {
        // One branch has two ReLUs, the other one: the shallow one is carried past a ReLU layer.
        byte[] m = new OnnxGraphBuilder(4, "x", 1, 1, 4, 4).randomInit("W1", 1, 1, 3, 3).randomInit("W2", 1, 1, 3, 3).randomInit("W3", 1, 1, 3, 3)
                .randomInit("W4", 3, 2 * 4)
                .node("Conv", "c1", new String[] {"x", "W1"}, "a", ints("pads", 1, 1, 1, 1)).node("Relu", "r1", new String[] {"a"}, "ra")
                .node("Conv", "c2", new String[] {"ra", "W2"}, "b").node("Relu", "r2", new String[] {"b"}, "rb")
                .node("Conv", "c3", new String[] {"x", "W3"}, "c").node("Relu", "r3", new String[] {"c"}, "rc")
                .node("Concat", "cat", new String[] {"rb", "rc"}, "d", i("axis", 3))
                .node("Flatten", "f", new String[] {"d"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W4"}, "y", i("transB", 1)).build("y", 1, 3);
        Network n = check(m, 4);
        double[] lo = new double[n.inputSize()];
        double[] hi = new double[n.inputSize()];
        Arrays.fill(hi, 1);
        ReluChain c = ReluChain.of(n, lo, hi);
        assertEquals(2, c.reluLayerCount(), n.describe());
        assertTrue(c.passthroughCount(1) > 0, "the shallow branch rides on passthrough neurons");
    }

    @Test
    void sliceGatherConcatOfInputBranches() throws Exception {
        // Pensieve-like: slices and a gathered column of a [1,3,4] input, each through its own dense layer, then joined.
        byte[] m = new OnnxGraphBuilder(5, "x", 1, 3, 4).int64Init("s0", 0).int64Init("e0", 2).int64Init("ax", 1)
                .int64Init("col", 3).randomInit("Wa", 8, 5).randomInit("Wb", 3, 4).randomInit("Wc", 2, 9)
                .node("Slice", "sl", new String[] {"x", "s0", "e0", "ax"}, "xs")
                .node("Flatten", "f1", new String[] {"xs"}, "xsf")
                .node("MatMul", "ma", new String[] {"xsf", "Wa"}, "a").node("Relu", "ra", new String[] {"a"}, "ha")
                .node("Gather", "ga", new String[] {"x", "col"}, "xg", i("axis", 2))
                .node("Flatten", "f2", new String[] {"xg"}, "xgf")
                .node("MatMul", "mb", new String[] {"xgf", "Wb"}, "b").node("Relu", "rb", new String[] {"b"}, "hb")
                .node("Concat", "cat", new String[] {"ha", "hb"}, "h", i("axis", 1))
                .node("Gemm", "g", new String[] {"h", "Wc"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = check(m, 5);
        assertTrue(has(n, IndexSelect.class) && has(n, Concat.class), n.describe());
    }

    @Test
    void generalTransposeFeedingAConv() throws Exception {
        // An NHWC input turned NCHW for the convolution (marabou-cifar10's layout), then back before the flatten.
        byte[] m = new OnnxGraphBuilder(6, "x", 1, 5, 4, 2).randomInit("W", 3, 2, 2, 2).randomInit("W2", 2, 3 * 4 * 3)
                .node("Transpose", "t1", new String[] {"x"}, "xt", ints("perm", 0, 3, 1, 2))
                .node("Conv", "c", new String[] {"xt", "W"}, "a").node("Relu", "r", new String[] {"a"}, "h")
                .node("Transpose", "t2", new String[] {"h"}, "ht", ints("perm", 0, 2, 3, 1))
                .node("Flatten", "f", new String[] {"ht"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W2"}, "y", i("transB", 1)).build("y", 1, 2);
        check(m, 6);
    }

    @Test
    void convTransposeWithPadsAndOutputPadding() throws Exception {
        byte[] m = new OnnxGraphBuilder(7, "x", 1, 2, 3, 3).randomInit("W", 2, 3, 3, 3).randomInit("B", 3).randomInit("W2", 2, 3 * 6 * 6)
                .node("ConvTranspose", "ct", new String[] {"x", "W", "B"}, "a", ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                        ints("output_padding", 1, 1))
                .node("Relu", "r", new String[] {"a"}, "h")
                .node("Flatten", "f", new String[] {"h"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W2"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = check(m, 7);
        assertInstanceOf(ConvTranspose2d.class, n.layer(0), n.describe());
    }

    @Test
    void batchNormAfterReluStaysAnElementwiseMap() throws Exception {
        byte[] m = new OnnxGraphBuilder(8, "x", 1, 2, 4, 4).randomInit("W", 3, 2, 3, 3)
                .init("gamma", new double[] {1.5, -0.5, 2}, 3).init("beta", new double[] {0.1, 0.2, -0.3}, 3)
                .init("mean", new double[] {0.3, -0.1, 0.2}, 3).init("var", new double[] {0.5, 1.5, 2.0}, 3)
                .randomInit("W2", 2, 3 * 2 * 2)
                .node("Conv", "c", new String[] {"x", "W"}, "a").node("Relu", "r", new String[] {"a"}, "h")
                .node("BatchNormalization", "bn", new String[] {"h", "gamma", "beta", "mean", "var"}, "b")
                .node("Flatten", "f", new String[] {"b"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W2"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = check(m, 8);
        assertTrue(has(n, ElementwiseAffine.class), n.describe());
    }

    @Test
    void subOfTwoComputedValues() throws Exception {
        byte[] m = new OnnxGraphBuilder(9, "x", 1, 4).randomInit("W1", 4, 4).randomInit("W2", 3, 4)
                .node("Gemm", "g1", new String[] {"x", "W1"}, "a", i("transB", 1)).node("Relu", "r", new String[] {"a"}, "h")
                .node("Sub", "sub", new String[] {"h", "a"}, "d")
                .node("Gemm", "g2", new String[] {"d", "W2"}, "y", i("transB", 1)).build("y", 1, 3);
        Network n = check(m, 9);
        assertTrue(has(n, Add.class), n.describe());
    }

    @Test
    void oneDimensionalConvolutionAndPooling() throws Exception {
        byte[] m = new OnnxGraphBuilder(10, "x", 1, 2, 9).randomInit("W", 3, 2, 3).randomInit("W2", 2, 3 * 2)
                .node("Conv", "c", new String[] {"x", "W"}, "a", ints("pads", 1, 1), ints("strides", 2))
                .node("Relu", "r", new String[] {"a"}, "h")
                .node("MaxPool", "mp", new String[] {"h"}, "p", ints("kernel_shape", 2), ints("strides", 2))
                .node("Flatten", "f", new String[] {"p"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W2"}, "y", i("transB", 1)).build("y", 1, 2);
        check(m, 10);
    }

    @Test
    void residualBlockWithConvShortcut() throws Exception {
        byte[] m = new OnnxGraphBuilder(11, "x", 1, 2, 6, 6).randomInit("W0", 4, 2, 3, 3).randomInit("W1", 4, 4, 3, 3).randomInit("W2", 4, 4, 3, 3)
                .randomInit("Ws", 4, 4, 1, 1).randomInit("W3", 2, 4 * 3 * 3)
                .node("Conv", "c0", new String[] {"x", "W0"}, "a0", ints("pads", 1, 1, 1, 1)).node("Relu", "r0", new String[] {"a0"}, "h0")
                .node("Conv", "c1", new String[] {"h0", "W1"}, "a1", ints("pads", 1, 1, 1, 1), ints("strides", 2, 2))
                .node("Relu", "r1", new String[] {"a1"}, "h1")
                .node("Conv", "c2", new String[] {"h1", "W2"}, "a2", ints("pads", 1, 1, 1, 1))
                .node("Conv", "cs", new String[] {"h0", "Ws"}, "s", ints("strides", 2, 2))
                .node("Add", "add", new String[] {"a2", "s"}, "j").node("Relu", "r2", new String[] {"j"}, "h2")
                .node("Flatten", "f", new String[] {"h2"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W3"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = check(m, 11);
        assertTrue(has(n, Add.class), n.describe());
    }

    @Test
    void maxPoolCeilModeThatFitsExactly() throws Exception {
        byte[] m = new OnnxGraphBuilder(12, "x", 1, 1, 5, 5).randomInit("W", 2, 4)
                .node("MaxPool", "mp", new String[] {"x"}, "p", ints("kernel_shape", 3, 3), ints("strides", 2, 2), i("ceil_mode", 1))
                .node("Flatten", "f", new String[] {"p"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W"}, "y", i("transB", 1)).build("y", 1, 2);
        check(m, 12);
    }
}
