package org.certus.nn.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.certus.nn.Add;
import org.certus.nn.AffineOperation;
import org.certus.nn.AveragePool;
import org.certus.nn.Concat;
import org.certus.nn.Conv2d;
import org.certus.nn.ConvTranspose2d;
import org.certus.nn.Dense;
import org.certus.nn.ElementwiseAffine;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.IndexSelect;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.Operation;
import org.certus.nn.Relu;
import org.certus.nn.Reshape;
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
 * Writes a {@link Network} (any graph of its operations) as an ONNX model (IR version 7, opset 13)
 * that ONNX Runtime and {@link OnnxImporter} read: Dense → Gemm (transB=1), Conv2d → Conv,
 * ConvTranspose2d → ConvTranspose, ReLU → Relu, Flatten → Flatten (NHWC as Transpose then Flatten),
 * MaxPool/AveragePool, Normalize → Sub and Div by constants, Add → Add, Concat → Concat, a static
 * rearrangement → Gather of the flattened value (with its fill constant appended), an elementwise
 * affine map → Mul and Add, a general sparse map → Gemm. The input is named {@code input} with a batch
 * dimension of 1, the output {@code output}.
 *
 * <p>Weights are stored as float32, the type every runtime supports; parameters that are not
 * float32-representable are rounded. The input domain is not stored (ONNX has no place for it).
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
        int n = network.nodeCount();
        for (int i = 0; i < n; i++) {
            Operation op = network.layer(i);
            int[] inputs = network.node(i).inputs();
            String[] in = new String[inputs.length];
            for (int k = 0; k < in.length; k++) {
                in[k] = valueName(inputs[k], n);
            }
            String p = "l" + i + "_";
            String out = valueName(i + 1, n);
            String produced = emit(g, op, network.inputShapes(i), network.valueShape(i + 1), in, out, p);
            if (!produced.equals(out)) {
                // An operation that is the identity in ONNX terms (Flatten of a flat tensor) still needs its output name.
                g.addNode(node("Identity", p + "identity", out, produced));
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

    private static String valueName(int v, int nodes) {
        return v == 0 ? "input" : v == nodes ? "output" : "v" + v;
    }

    private static long[] batched(Shape s) {
        return s.isImage() ? new long[] {1, s.channels(), s.height(), s.width()} : new long[] {1, s.size()};
    }

    /** Emits the nodes of one operation reading {@code in}; returns the name of its output. */
    private static String emit(GraphProto.Builder g, Operation l, List<Shape> inShapes, Shape outShape, String[] in, String out,
                               String p) {
        Shape inShape = inShapes.get(0);
        if (l instanceof Dense d) {
            g.addInitializer(tensor(p + "W", d.weights(), d.outputSize(), d.inputSize()));
            g.addInitializer(tensor(p + "B", d.bias(), d.outputSize()));
            g.addNode(node("Gemm", p + "Gemm", out, in[0], p + "W", p + "B").toBuilder()
                    .addAttribute(intAttr("transB", 1)).build());
        } else if (l instanceof Conv2d c) {
            Window2d w = c.window();
            g.addInitializer(tensor(p + "W", c.weights(), c.outChannels(), c.inChannels(), w.kernelH(), w.kernelW()));
            g.addInitializer(tensor(p + "B", c.bias(), c.outChannels()));
            g.addNode(withWindow(node("Conv", p + "Conv", out, in[0], p + "W", p + "B").toBuilder(), w)
                    .addAttribute(intsAttr("dilations", 1, 1)).addAttribute(intAttr("group", 1)).build());
        } else if (l instanceof ConvTranspose2d c) {
            int[] geo = c.geometry();
            g.addInitializer(tensor(p + "W", c.weights(), c.inChannels(), c.outChannels(), geo[0], geo[1]));
            g.addInitializer(tensor(p + "B", c.bias(), c.outChannels()));
            g.addNode(node("ConvTranspose", p + "ConvTranspose", out, in[0], p + "W", p + "B").toBuilder()
                    .addAttribute(intsAttr("kernel_shape", geo[0], geo[1])).addAttribute(intsAttr("strides", geo[2], geo[3]))
                    .addAttribute(intsAttr("pads", geo[4], geo[5], geo[6], geo[7]))
                    .addAttribute(intsAttr("output_padding", geo[8], geo[9])).build());
        } else if (l instanceof Relu) {
            g.addNode(node("Relu", p + "Relu", out, in[0]));
        } else if (l instanceof MaxPool m) {
            g.addNode(withWindow(node("MaxPool", p + "MaxPool", out, in[0]).toBuilder(), m.window()).build());
        } else if (l instanceof AveragePool a) {
            g.addNode(withWindow(node("AveragePool", p + "AveragePool", out, in[0]).toBuilder(), a.window())
                    .addAttribute(intAttr("count_include_pad", a.countIncludePad() ? 1 : 0)).build());
        } else if (l instanceof Flatten f) {
            if (!inShape.isImage()) {
                return in[0];
            }
            String src = in[0];
            if (f.order() == FlattenOrder.NHWC) {
                src = p + "nhwc";
                g.addNode(node("Transpose", p + "Transpose", src, in[0]).toBuilder().addAttribute(intsAttr("perm", 0, 2, 3, 1)).build());
            }
            g.addNode(node("Flatten", p + "Flatten", out, src).toBuilder().addAttribute(intAttr("axis", 1)).build());
        } else if (l instanceof Reshape) {
            reshape(g, in[0], outShape, out, p);
        } else if (l instanceof Normalize nz) {
            double[] mean = nz.mean(), std = nz.std();
            long[] dims = inShape.isImage() && mean.length > 1 ? new long[] {1, mean.length, 1, 1} : new long[] {mean.length};
            g.addInitializer(tensor(p + "mean", mean, dims));
            g.addInitializer(tensor(p + "std", std, dims));
            g.addNode(node("Sub", p + "Sub", p + "centered", in[0], p + "mean"));
            g.addNode(node("Div", p + "Div", out, p + "centered", p + "std"));
        } else if (l instanceof Add) {
            g.addNode(node("Add", p + "Add", out, in[0], in[1]));
        } else if (l instanceof Concat c) {
            long axis = switch (c.axis()) {
                case FLAT, CHANNEL -> 1;
                case HEIGHT -> 2;
                case WIDTH -> 3;
            };
            g.addNode(node("Concat", p + "Concat", out, in).toBuilder().addAttribute(intAttr("axis", axis)).build());
        } else if (l instanceof ElementwiseAffine e) {
            g.addInitializer(tensor(p + "scale", e.scale(), batched(inShape)));
            g.addInitializer(tensor(p + "shift", e.shift(), batched(inShape)));
            g.addNode(node("Mul", p + "Mul", p + "scaled", in[0], p + "scale"));
            g.addNode(node("Add", p + "Add", out, p + "scaled", p + "shift"));
        } else if (l instanceof IndexSelect s) {
            // Gather from the flattened value with its fill constant appended at index size.
            int n = inShape.size();
            g.addInitializer(longTensor(p + "flat", 1, -1));
            g.addNode(node("Reshape", p + "Flatten", p + "flat_in", in[0], p + "flat"));
            g.addInitializer(tensor(p + "fill", new double[] {s.fill()}, 1, 1));
            g.addNode(node("Concat", p + "WithFill", p + "padded", p + "flat_in", p + "fill").toBuilder()
                    .addAttribute(intAttr("axis", 1)).build());
            int[] src = s.source();
            long[] idx = new long[src.length];
            for (int k = 0; k < src.length; k++) {
                idx[k] = src[k] >= 0 ? src[k] : n;
            }
            g.addInitializer(longTensor(p + "idx", idx));
            g.addNode(node("Gather", p + "Gather", p + "gathered", p + "padded", p + "idx").toBuilder()
                    .addAttribute(intAttr("axis", 1)).build());
            reshape(g, p + "gathered", outShape, out, p);
        } else if (l instanceof AffineOperation a && inShapes.size() == 1) {
            // Any other affine map (e.g. AffineTransform) as a dense Gemm over the flattened input.
            var map = a.toAffineMap(inShapes);
            double[] dense = map.toDense();
            g.addInitializer(longTensor(p + "flat", 1, -1));
            g.addNode(node("Reshape", p + "Flatten", p + "flat_in", in[0], p + "flat"));
            g.addInitializer(tensor(p + "W", dense, map.rows(), map.cols()));
            g.addInitializer(tensor(p + "B", map.bias(), map.rows()));
            g.addNode(node("Gemm", p + "Gemm", p + "flat_out", p + "flat_in", p + "W", p + "B").toBuilder()
                    .addAttribute(intAttr("transB", 1)).build());
            reshape(g, p + "flat_out", outShape, out, p);
        } else {
            throw new NetworkException("OnnxExporter: operation " + l.describe() + " is not supported");
        }
        return out;
    }

    private static void reshape(GraphProto.Builder g, String in, Shape to, String out, String p) {
        g.addInitializer(longTensor(p + "shape", batched(to)));
        g.addNode(node("Reshape", p + "Reshape", out, in, p + "shape"));
    }

    private static TensorProto longTensor(String name, long... values) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length)
                .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()).build();
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
