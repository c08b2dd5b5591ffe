package org.certus.nn.io;

import static org.certus.nn.io.OnnxGraphBuilder.i;
import static org.certus.nn.io.OnnxGraphBuilder.ints;
import static org.certus.nn.io.OnnxGraphBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Random;

import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.Network;
import org.certus.nn.Add;
import org.junit.jupiter.api.Test;

/** Hand-built graphs exercising each supported operator pattern, checked against ONNX Runtime. */
class OnnxImporterOpsTest {

    private static Network checkAgainstOrt(byte[] model, long seed) throws Exception {
        Network net = OnnxImporter.read(new ByteArrayInputStream(model), "ops-" + seed + ".onnx");
        Random r = new Random(seed);
        try (OnnxTestSupport.Ort ort = new OnnxTestSupport.Ort(model)) {
            for (int k = 0; k < 10; k++) {
                float[] x = new float[net.inputSize()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) r.nextGaussian();
                }
                double err = OnnxTestSupport.maxScaledError(net.evaluate(OnnxTestSupport.toDouble(x)), ort.run(x));
                assertTrue(err <= OnnxRuntimeOracleTest.TOLERANCE, "seed " + seed + ": error " + err + "\n" + net.describe());
            }
        }
        return net;
    }

    @Test
    void matMulAddAndScaledGemm() throws Exception {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 6).randomInit("W", 6, 4).randomInit("b", 4).randomInit("W2", 3, 4).randomInit("c", 3)
                .node("MatMul", "mm", new String[] {"x", "W"}, "h").node("Add", "add", new String[] {"b", "h"}, "h2")
                .node("Relu", "r", new String[] {"h2"}, "h3")
                .node("Gemm", "g", new String[] {"h3", "W2", "c"}, "y", i("transB", 1),
                        org.certus.nn.io.onnx.OnnxProto.AttributeProto.newBuilder().setName("alpha").setF(0.5f)
                                .setType(org.certus.nn.io.onnx.OnnxProto.AttributeProto.AttributeType.FLOAT).build())
                .build("y", 1, 3);
        Network n = checkAgainstOrt(m, 1);
        assertEquals(3, n.layerCount(), n.describe()); // bias folded into the MatMul's Dense
    }

    @Test
    void convSameUpperBatchNormMaxPoolNhwcFlatten() throws Exception {
        byte[] m = new OnnxGraphBuilder(2, "x", 1, 2, 7, 6).randomInit("W", 3, 2, 3, 2)
                .init("gamma", new double[] {1.5, -0.5, 2}, 3).init("beta", new double[] {0.1, 0.2, -0.3}, 3)
                .init("mean", new double[] {0.3, -0.1, 0.2}, 3).init("var", new double[] {0.5, 1.5, 2.0}, 3)
                .randomInit("W2", 4, 3 * 2 * 2)
                .node("Conv", "conv", new String[] {"x", "W"}, "c", s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2))
                .node("BatchNormalization", "bn", new String[] {"c", "gamma", "beta", "mean", "var"}, "b")
                .node("Relu", "r", new String[] {"b"}, "h")
                .node("MaxPool", "mp", new String[] {"h"}, "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 0, 0, 1, 1))
                .node("Transpose", "t", new String[] {"p"}, "pt", ints("perm", 0, 2, 3, 1))
                .node("Flatten", "f", new String[] {"pt"}, "flat", i("axis", 1))
                .node("Gemm", "g", new String[] {"flat", "W2"}, "y", i("transB", 1))
                .build("y", 1, 4);
        Network n = checkAgainstOrt(m, 2);
        // BN folded into the Conv; the NHWC transpose is a rearrangement before the flatten.
        assertInstanceOf(org.certus.nn.IndexSelect.class, n.layer(3), n.describe());
        assertEquals("Transpose", ((org.certus.nn.IndexSelect) n.layer(3)).label(), n.describe());
    }

    @Test
    void averagePoolAsymmetricPadsAndNormalization() throws Exception {
        byte[] m = new OnnxGraphBuilder(3, "x", 1, 2, 6, 5).init("mean", new double[] {0.5, -0.25}, 1, 2, 1, 1)
                .init("std", new double[] {0.3, 2.0}, 1, 2, 1, 1).randomInit("W", 3, 2, 2, 3).randomInit("B", 3)
                .node("Sub", "sub", new String[] {"x", "mean"}, "a").node("Div", "div", new String[] {"a", "std"}, "b")
                .node("AveragePool", "ap", new String[] {"b"}, "c", ints("kernel_shape", 3, 2), ints("pads", 1, 0, 0, 1), i("count_include_pad", 1))
                .node("Conv", "conv", new String[] {"c", "W", "B"}, "d", ints("pads", 0, 1, 1, 0))
                .node("Flatten", "f", new String[] {"d"}, "y")
                .build("y", 1, 3 * 5 * 4);
        checkAgainstOrt(m, 3);
    }

    @Test
    void residualDiamond() throws Exception {
        byte[] m = new OnnxGraphBuilder(4, "x", 1, 5).randomInit("W1", 5, 5).randomInit("W2", 5, 5).randomInit("W3", 2, 5)
                .node("Gemm", "g1", new String[] {"x", "W1"}, "a", i("transB", 1)).node("Relu", "r1", new String[] {"a"}, "b")
                .node("Gemm", "g2", new String[] {"b", "W2"}, "c", i("transB", 1)).node("Relu", "r2", new String[] {"c"}, "d")
                .node("Add", "skip", new String[] {"d", "b"}, "e")
                .node("Gemm", "g3", new String[] {"e", "W3"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = checkAgainstOrt(m, 4);
        assertInstanceOf(Add.class, n.layer(4), n.describe());
        assertArrayEquals(new int[] {4, 2}, n.node(4).inputs(), n.describe());
        assertEquals(10, n.reluCount());
    }

    @Test
    void shapeGatherConcatReshapeIsFolded() throws Exception {
        // x [1,3,4,4] → Relu → Reshape(Concat(Gather(Shape(x), 0), [-1])) → Gemm; the reshape target is computed in-graph.
        byte[] m = new OnnxGraphBuilder(5, "x", 1, 3, 4, 4).int64Init("zero", 0).int64Init("minus1", -1).randomInit("W", 2, 48)
                .node("Relu", "r", new String[] {"x"}, "h")
                .node("Shape", "shape", new String[] {"h"}, "s")
                .node("Gather", "gather", new String[] {"s", "zero"}, "n", i("axis", 0))
                .node("Concat", "cat", new String[] {"n", "minus1"}, "target", i("axis", 0))
                .node("Reshape", "reshape", new String[] {"h", "target"}, "flat")
                .node("Gemm", "g", new String[] {"flat", "W"}, "y", i("transB", 1)).build("y", 1, 2);
        Network n = checkAgainstOrt(m, 5);
        assertEquals(new Flatten(FlattenOrder.NCHW), n.layer(1), n.describe());
    }

    @Test
    void acasXuImportsAsFlatDenseNetworkWithUnboundedDomain() {
        Network n = OnnxImporter.read(OnnxTestSupport.resource(OnnxTestSupport.ACASXU_DIR + "/ACASXU_run2a_1_1_batch_2000.onnx"));
        assertEquals(5, n.inputSize());
        assertTrue(n.inputShape().isFlat());
        assertEquals(13, n.layerCount(), n.describe()); // Sub of zero dropped, 7 Dense + 6 ReLU
        assertEquals(300, n.reluCount());
        assertEquals(Double.NEGATIVE_INFINITY, n.inputDomain().lower(0));
        assertEquals(Double.POSITIVE_INFINITY, n.inputDomain().upper(4));
    }
}
