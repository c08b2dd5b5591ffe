package org.certus.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.certus.nn.AveragePool;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.Layer;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.OperatorSetIdProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.TypeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * Writes a sequential {@link Network} as an ONNX model (IR version 7, opset 13) that ONNX Runtime
 * and {@link OnnxImporter} read: Dense → Gemm (transB=1), Conv2d → Conv, ReLU → Relu, Flatten →
 * Flatten (NHWC as Transpose then Flatten), MaxPool/AveragePool, Normalize → Sub and Div by
 * constants. The input is named {@code input} with a batch dimension of 1, the output {@code output}.
 *
 * <p>Weights are stored as float32, the type every runtime supports; parameters that are not
 * float32-representable are rounded. The input domain is not stored (ONNX has no place for it).
 * Residual blocks are rejected.
 */
public final class OnnxExporter {
    private static final int IR_VERSION = 7;
    private static final int OPSET = 13;

    private OnnxExporter() {
    }

    public static void write(Network network, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(network, out);
        } catch (IOException e) {
            throw new NetworkException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Writes the model to the stream (not closed here). */
    public static void write(Network network, OutputStream out) {
        try {
            toModel(network).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model as bytes. */
    public static byte[] toBytes(Network network) {
        return toModel(network).toByteArray();
    }

    static ModelProto toModel(Network network) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(network.name());
        g.addInput(valueInfo("input", batched(network.inputShape())));
        String cur = "input";
        for (int i = 0; i < network.layerCount(); i++) {
            Layer l = network.layer(i);
            Shape in = network.shapeBefore(i);
            String p = "l" + i + "_";
            String out = i == network.layerCount() - 1 ? "output" : p + "out";
            cur = emit(g, l, in, cur, out, p);
            if (!cur.equals(out)) {
                // A layer that is the identity in ONNX terms (Flatten of a flat tensor) still needs its output name.
                g.addNode(node("Identity", p + "identity", out, cur));
                cur = out;
            }
        }
        g.addOutput(valueInfo("output", batched(network.outputShape())));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("certus")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
    }

    private static long[] batched(Shape s) {
        return s.isImage() ? new long[] {1, s.channels(), s.height(), s.width()} : new long[] {1, s.size()};
    }

    /** Emits the nodes of one layer reading {@code in}; returns the name of its output. */
    private static String emit(GraphProto.Builder g, Layer l, Shape inShape, String in, String out, String p) {
        if (l instanceof Dense d) {
            g.addInitializer(tensor(p + "W", d.weights(), d.outputSize(), d.inputSize()));
            g.addInitializer(tensor(p + "B", d.bias(), d.outputSize()));
            g.addNode(node("Gemm", p + "Gemm", out, in, p + "W", p + "B").toBuilder()
                    .addAttribute(intAttr("transB", 1)).build());
        } else if (l instanceof Conv2d c) {
            Window2d w = c.window();
            g.addInitializer(tensor(p + "W", c.weights(), c.outChannels(), c.inChannels(), w.kernelH(), w.kernelW()));
            g.addInitializer(tensor(p + "B", c.bias(), c.outChannels()));
            g.addNode(withWindow(node("Conv", p + "Conv", out, in, p + "W", p + "B").toBuilder(), w)
                    .addAttribute(intsAttr("dilations", 1, 1)).addAttribute(intAttr("group", 1)).build());
        } else if (l instanceof Relu) {
            g.addNode(node("Relu", p + "Relu", out, in));
        } else if (l instanceof MaxPool m) {
            g.addNode(withWindow(node("MaxPool", p + "MaxPool", out, in).toBuilder(), m.window()).build());
        } else if (l instanceof AveragePool a) {
            g.addNode(withWindow(node("AveragePool", p + "AveragePool", out, in).toBuilder(), a.window())
                    .addAttribute(intAttr("count_include_pad", a.countIncludePad() ? 1 : 0)).build());
        } else if (l instanceof Flatten f) {
            if (!inShape.isImage()) {
                return in;
            }
            String src = in;
            if (f.order() == FlattenOrder.NHWC) {
                src = p + "nhwc";
                g.addNode(node("Transpose", p + "Transpose", src, in).toBuilder().addAttribute(intsAttr("perm", 0, 2, 3, 1)).build());
            }
            g.addNode(node("Flatten", p + "Flatten", out, src).toBuilder().addAttribute(intAttr("axis", 1)).build());
        } else if (l instanceof Normalize nz) {
            double[] mean = nz.mean(), std = nz.std();
            long[] dims = inShape.isImage() && mean.length > 1 ? new long[] {1, mean.length, 1, 1} : new long[] {mean.length};
            g.addInitializer(tensor(p + "mean", mean, dims));
            g.addInitializer(tensor(p + "std", std, dims));
            g.addNode(node("Sub", p + "Sub", p + "centered", in, p + "mean"));
            g.addNode(node("Div", p + "Div", out, p + "centered", p + "std"));
        } else {
            throw new NetworkException("OnnxExporter: layer " + l.describe() + " is not supported (sequential networks only)");
        }
        return out;
    }

    private static NodeProto.Builder withWindow(NodeProto.Builder b, Window2d w) {
        return b.addAttribute(intsAttr("kernel_shape", w.kernelH(), w.kernelW()))
                .addAttribute(intsAttr("strides", w.strideH(), w.strideW()))
                // ONNX order: all begins, then all ends.
                .addAttribute(intsAttr("pads", w.padTop(), w.padLeft(), w.padBottom(), w.padRight()));
    }

    private static NodeProto node(String op, String name, String out, String... inputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
        for (String i : inputs) {
            b.addInput(i);
        }
        return b.build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    private static TensorProto tensor(String name, double[] values, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            b.addDims(d);
        }
        for (double v : values) {
            b.addFloatData((float) v);
        }
        return b.build();
    }

    private static ValueInfoProto valueInfo(String name, long[] dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s)))
                .build();
    }
}
