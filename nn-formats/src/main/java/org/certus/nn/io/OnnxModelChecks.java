package org.certus.nn.io;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.certus.nn.NetworkException;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.OperatorSetIdProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * The structural rules of {@code onnx.checker.check_model} that a model must pass before it is converted: files
 * that break them are not ONNX, whatever a lenient reader would make of them. A duplicate initializer name let
 * the last one silently win; an attribute the operator does not have (an {@code alpha} on a Relu, as if it were a
 * LeakyRelu) was ignored, so the network computed something else than its author meant.
 *
 * <p>Checked: {@code ir_version} is set and at least 1; initializer, graph input and node output names are
 * unique and non-empty, and no node output redefines an initializer or a graph input (single assignment); every
 * tensor (initializers, Constant values) has non-negative dimensions and holds as many elements as they say,
 * before anything is allocated for it (a dimension of 2^63 once overflowed into a negative array size); and on
 * the default-domain operators the importer knows, no attribute is repeated and every attribute is one that
 * some version of the operator defines. Operators it does not know are left to the converter, which names them.
 */
final class OnnxModelChecks {
    /** Attributes that existed only in opset 1 on many operators (in-place hints); accepted while the model's opset is below 6. */
    private static final String CONSUMED_INPUTS = "consumed_inputs";
    private static final int CONSUMED_INPUTS_REMOVED_IN = 6;

    /** Every attribute of every version (opset 1 to 23) of the operators the importer converts or folds. */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.ofEntries(
            Map.entry("Relu", Set.of()),
            Map.entry("Identity", Set.of()),
            Map.entry("Dropout", Set.of("ratio", "is_test", "seed")),
            Map.entry("Gemm", Set.of("alpha", "beta", "transA", "transB", "broadcast")),
            Map.entry("MatMul", Set.of()),
            Map.entry("Add", Set.of("axis", "broadcast")),
            Map.entry("Sub", Set.of("axis", "broadcast")),
            Map.entry("Mul", Set.of("axis", "broadcast")),
            Map.entry("Div", Set.of("axis", "broadcast")),
            Map.entry("Neg", Set.of()),
            Map.entry("Conv", Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")),
            Map.entry("MaxPool", Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")),
            Map.entry("AveragePool", Set.of("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides")),
            Map.entry("BatchNormalization", Set.of("epsilon", "momentum", "spatial", "is_test", "training_mode")),
            Map.entry("Flatten", Set.of("axis")),
            Map.entry("Reshape", Set.of("shape", "allowzero")),
            Map.entry("Squeeze", Set.of("axes")),
            Map.entry("Unsqueeze", Set.of("axes")),
            Map.entry("Transpose", Set.of("perm")),
            Map.entry("Constant", Set.of("value", "value_float", "value_floats", "value_int", "value_ints", "value_string",
                    "value_strings", "sparse_value")),
            Map.entry("Shape", Set.of("start", "end")),
            Map.entry("Gather", Set.of("axis")),
            Map.entry("Concat", Set.of("axis")),
            Map.entry("ConvTranspose", Set.of("auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads",
                    "strides")),
            Map.entry("Pad", Set.of("mode", "pads", "paddings", "value")),
            Map.entry("Slice", Set.of("axes", "ends", "starts")),
            Map.entry("Cast", Set.of("to", "saturate", "round_mode")));

    private OnnxModelChecks() {
    }

    /** @throws NetworkException naming the offending field, initializer, value or node */
    static void check(ModelProto model) {
        if (!model.hasIrVersion() || model.getIrVersion() < 1) {
            throw new NetworkException("ir_version is " + (model.hasIrVersion() ? String.valueOf(model.getIrVersion()) : "missing")
                    + "; an ONNX model has ir_version 1 or more");
        }
        if (model.hasGraph()) {
            checkGraph(model.getGraph(), defaultOpset(model));
        }
    }

    /** The model's opset of the default domain; files without opset_import (IR 1 and 2) use opset 1. */
    private static long defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 1;
    }

    private static void checkGraph(GraphProto graph, long opset) {
        // Where each value name is defined, to say what a second definition clashes with.
        Map<String, String> defined = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new NetworkException("an initializer has no name");
            }
            if (defined.putIfAbsent(t.getName(), "an initializer") != null) {
                throw new NetworkException("initializer '" + t.getName() + "' is defined twice (ONNX names must be unique)");
            }
            checkTensor(t, "initializer '" + t.getName() + "'");
        }
        Set<String> inputs = new HashSet<>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!inputs.add(in.getName())) {
                throw new NetworkException("graph input '" + in.getName() + "' is listed twice");
            }
            // An input may repeat an initializer's name: that gives the input a default value (IR 3 and later).
            defined.putIfAbsent(in.getName(), "a graph input");
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            String node = (n.getName().isEmpty() ? "node #" + i : "node '" + n.getName() + "'") + " (" + n.getOpType() + ")";
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue; // an optional output left out
                }
                String before = defined.putIfAbsent(out, node);
                if (before != null) {
                    throw new NetworkException(node + ": its output '" + out + "' is already defined by " + before
                            + " (ONNX values are assigned once)");
                }
            }
            checkAttributes(n, node, opset);
        }
    }

    private static void checkAttributes(NodeProto n, String node, long opset) {
        Set<String> known = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? ATTRIBUTES.get(n.getOpType()) : null;
        Set<String> seen = new HashSet<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (!seen.add(a.getName())) {
                throw new NetworkException(node + ": attribute '" + a.getName() + "' is given twice");
            }
            if (a.hasT()) {
                checkTensor(a.getT(), node + ": attribute '" + a.getName() + "'");
            }
            boolean legacy = a.getName().equals(CONSUMED_INPUTS) && opset < CONSUMED_INPUTS_REMOVED_IN;
            if (known != null && !known.contains(a.getName()) && !legacy) {
                throw new NetworkException(node + ": unknown attribute '" + a.getName() + "' (" + n.getOpType()
                        + (known.isEmpty() ? " has none" : " has " + String.join(", ", known.stream().sorted().toList())) + ")");
            }
        }
    }

    /**
     * Dimensions non-negative, and as many elements stored (raw or typed) as their product; types whose width is
     * not fixed (strings) and external data are left to the decoder.
     */
    private static void checkTensor(TensorProto t, String what) {
        long elements = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new NetworkException(what + " has a negative dimension in " + t.getDimsList());
            }
            elements = d == 0 || elements <= Long.MAX_VALUE / d ? elements * d : Long.MAX_VALUE;
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            return;
        }
        int width = width(t.getDataType());
        if (width == 0) {
            return;
        }
        long stored = t.hasRawData() ? t.getRawData().size() / width : typedCount(t);
        if (stored != elements) {
            throw new NetworkException(what + " has shape " + t.getDimsList() + " (" + (elements == Long.MAX_VALUE ? "more than 2^63" : elements)
                    + " elements) but holds " + stored + (t.hasRawData() ? " in raw_data" : ""));
        }
    }

    /** Bytes per element in raw_data; 0 for types without a fixed width. */
    private static int width(int type) {
        return switch (type) {
            case TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.BOOL_VALUE -> 1;
            case TensorProto.DataType.UINT16_VALUE, TensorProto.DataType.INT16_VALUE, TensorProto.DataType.FLOAT16_VALUE,
                 TensorProto.DataType.BFLOAT16_VALUE -> 2;
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.UINT32_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE, TensorProto.DataType.UINT64_VALUE,
                 TensorProto.DataType.COMPLEX64_VALUE -> 8;
            case TensorProto.DataType.COMPLEX128_VALUE -> 16;
            default -> 0;
        };
    }

    /** Elements stored in the typed field that ONNX assigns to the tensor's type. */
    private static long typedCount(TensorProto t) {
        return switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case TensorProto.DataType.COMPLEX64_VALUE -> t.getFloatDataCount() / 2;
            case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            case TensorProto.DataType.COMPLEX128_VALUE -> t.getDoubleDataCount() / 2;
            case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
            case TensorProto.DataType.UINT32_VALUE, TensorProto.DataType.UINT64_VALUE -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
    }
}
