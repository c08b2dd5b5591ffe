package org.certus.nn.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;

/**
 * Checks that Certus's own onnx_subset.proto has the field numbers and wire types of the real
 * format, by parsing the bundled networks and comparing with facts documented in their SOURCES.md.
 * A wrong field number would show up as missing data (parsed into unknown fields) here.
 */
class OnnxSubsetSchemaTest {
    private static final String WK17A = "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx";
    private static final String RSL18A = "/org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx";
    private static final String ACASXU_1_1 = "/org/certus/benchmarks/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx";

    @Test
    void wk17aHasTheDocumentedGraph() throws IOException {
        ModelProto model = parse(WK17A);
        assertEquals(7, model.getIrVersion());
        assertEquals("pytorch", model.getProducerName());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(13, model.getOpsetImport(0).getVersion());
        GraphProto graph = model.getGraph();
        assertTrue(graph.getUnknownFields().asMap().isEmpty(), "graph has fields the schema misses");

        assertEquals(List.of("Conv", "Relu", "Conv", "Relu", "Flatten", "Gemm", "Relu", "Gemm"), opTypes(graph));
        assertEquals(Set.of("Conv", "Relu", "Flatten", "Gemm"), Set.copyOf(opTypes(graph)));

        assertEquals(1, graph.getInputCount());
        ValueInfoProto input = graph.getInput(0);
        assertEquals("input", input.getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, input.getType().getTensorType().getElemType());
        assertEquals(List.of(1L, 1L, 28L, 28L), dims(input));
        assertEquals("logits", graph.getOutput(0).getName());
        assertEquals(List.of(1L, 10L), dims(graph.getOutput(0)));

        NodeProto conv = graph.getNode(0);
        assertEquals(List.of("input", "0.weight", "0.bias"), conv.getInputList());
        Map<String, AttributeProto> attributes = attributes(conv);
        assertEquals(AttributeProto.AttributeType.INTS, attributes.get("kernel_shape").getType());
        assertEquals(List.of(4L, 4L), attributes.get("kernel_shape").getIntsList());
        assertEquals(List.of(2L, 2L), attributes.get("strides").getIntsList());
        assertEquals(List.of(1L, 1L, 1L, 1L), attributes.get("pads").getIntsList());
        assertEquals(1L, attributes.get("group").getI());
        assertEquals(1L, attributes(graph.getNode(4)).get("axis").getI());
        AttributeProto transB = attributes(graph.getNode(5)).get("transB");
        assertEquals(AttributeProto.AttributeType.INT, transB.getType());
        assertEquals(1L, transB.getI());
        assertEquals(1.0f, attributes(graph.getNode(5)).get("alpha").getF());

        Map<String, TensorProto> initializers = initializers(graph);
        assertTensor(initializers.get("0.weight"), List.of(16L, 1L, 4L, 4L), 16 * 1 * 4 * 4);
        assertTensor(initializers.get("0.bias"), List.of(16L), 16);
        assertTensor(initializers.get("2.weight"), List.of(32L, 16L, 4L, 4L), 32 * 16 * 4 * 4);
        assertTensor(initializers.get("5.weight"), List.of(100L, 1568L), 100 * 1568);
        assertTensor(initializers.get("7.weight"), List.of(10L, 100L), 1000);
        assertTensor(initializers.get("7.bias"), List.of(10L), 10);
        assertEquals(8, initializers.size());
        for (float w : floats(initializers.get("5.weight"))) {
            assertTrue(Float.isFinite(w));
        }
    }

    @Test
    void rsl18aHasTheDocumentedGraph() throws IOException {
        ModelProto model = parse(RSL18A);
        GraphProto graph = model.getGraph();
        assertEquals(List.of("Flatten", "Gemm", "Relu", "Gemm"), opTypes(graph));
        assertEquals(List.of(1L, 1L, 28L, 28L), dims(graph.getInput(0)));
        Map<String, TensorProto> initializers = initializers(graph);
        assertTensor(initializers.get("1.weight"), List.of(500L, 784L), 500 * 784);
        assertTensor(initializers.get("1.bias"), List.of(500L), 500);
        assertTensor(initializers.get("3.weight"), List.of(10L, 500L), 5000);
        assertTensor(initializers.get("3.bias"), List.of(10L), 10);
    }

    @Test
    void acasXuListsItsInitializersAmongTheGraphInputs() throws IOException {
        ModelProto model = parse(ACASXU_1_1);
        assertEquals(3, model.getIrVersion());
        assertEquals(8, model.getOpsetImport(0).getVersion());
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> initializers = initializers(graph);
        assertEquals(15, initializers.size());
        Set<String> inputNames = graph.getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
        assertTrue(inputNames.containsAll(initializers.keySet()), "IR 3 lists every initializer as an input");
        List<ValueInfoProto> realInputs = graph.getInputList().stream()
                .filter(v -> !initializers.containsKey(v.getName())).collect(Collectors.toList());
        assertEquals(1, realInputs.size());
        assertEquals("input", realInputs.get(0).getName());
        assertEquals(List.of(1L, 1L, 1L, 5L), dims(realInputs.get(0)));

        List<String> ops = opTypes(graph);
        assertEquals("Sub", ops.get(0));
        assertEquals(6, ops.stream().filter("Relu"::equals).count());
        assertEquals(7, ops.stream().filter("MatMul"::equals).count());
        assertFalse(ops.get(ops.size() - 1).equals("Relu"), "no ReLU on the output");

        assertTensor(initializers.get("input_AvgImg"), List.of(1L, 1L, 1L, 5L), 5);
        for (float v : floats(initializers.get("input_AvgImg"))) {
            assertEquals(0.0f, v, "Sub subtracts a zero constant");
        }
        assertTensor(initializers.get("Operation_1_MatMul_W"), List.of(5L, 50L), 250);
        assertTensor(initializers.get("Operation_2_MatMul_W"), List.of(50L, 50L), 2500);
        assertTensor(initializers.get("linear_7_MatMul_W"), List.of(50L, 5L), 250);
        assertTensor(initializers.get("linear_7_Add_B"), List.of(5L), 5);
    }

    @Test
    void typedDataFieldsRoundTrip() throws IOException {
        // The bundled files all use raw_data; check the packed typed fields through a round trip.
        TensorProto tensor = TensorProto.newBuilder().setName("w").addDims(2).addDims(3)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllFloatData(List.of(1f, -2f, 3.5f, 0f, 5f, 6f)).build();
        TensorProto back = TensorProto.parseFrom(tensor.toByteArray());
        assertEquals(List.of(1f, -2f, 3.5f, 0f, 5f, 6f), back.getFloatDataList());
        assertTensor(back, List.of(2L, 3L), 6);
        TensorShapeProto.Dimension symbolic = TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
        assertEquals(TensorShapeProto.Dimension.ValueCase.DIM_PARAM,
                TensorShapeProto.Dimension.parseFrom(symbolic.toByteArray()).getValueCase());
    }

    private static ModelProto parse(String resource) throws IOException {
        try (InputStream in = OnnxSubsetSchemaTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing resource " + resource);
            return ModelProto.parseFrom(in);
        }
    }

    private static List<String> opTypes(GraphProto graph) {
        return graph.getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList());
    }

    private static List<Long> dims(ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(TensorShapeProto.Dimension::getDimValue).collect(Collectors.toList());
    }

    private static Map<String, AttributeProto> attributes(NodeProto node) {
        return node.getAttributeList().stream().collect(Collectors.toMap(AttributeProto::getName, Function.identity()));
    }

    private static Map<String, TensorProto> initializers(GraphProto graph) {
        return graph.getInitializerList().stream().collect(Collectors.toMap(TensorProto::getName, Function.identity()));
    }

    /** A float tensor of the given shape holding exactly {@code count} elements, typed or raw. */
    private static void assertTensor(TensorProto tensor, List<Long> dims, int count) {
        assertNotNull(tensor);
        assertEquals(TensorProto.DataType.FLOAT_VALUE, tensor.getDataType(), tensor.getName());
        assertEquals(dims, tensor.getDimsList(), tensor.getName());
        assertEquals(count, floats(tensor).length, tensor.getName());
    }

    private static float[] floats(TensorProto tensor) {
        if (tensor.hasRawData()) {
            assertEquals(0, tensor.getFloatDataCount(), "data in both raw_data and float_data");
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, raw.remaining() % Float.BYTES, tensor.getName());
            float[] out = new float[raw.remaining() / Float.BYTES];
            raw.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tensor.getFloatData(i);
        }
        return out;
    }
}
