package org.certus.nn.io;

import java.util.Random;

import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.OperatorSetIdProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.TypeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/** Small hand-built ONNX graphs for tests (opset 13). */
final class OnnxGraphBuilder {
    final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    private final Random rnd;

    OnnxGraphBuilder(long seed, String input, int elemType, long[] dims) {
        this.rnd = new Random(seed);
        g.addInput(valueInfo(input, elemType, dims));
    }

    OnnxGraphBuilder(long seed, String input, long... dims) {
        this(seed, input, TensorProto.DataType.FLOAT_VALUE, dims);
    }

    static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    OnnxGraphBuilder init(String name, double[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (double v : values) {
            t.addFloatData((float) v);
        }
        g.addInitializer(t);
        return this;
    }

    OnnxGraphBuilder randomInit(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian() * 0.5;
        }
        return init(name, v, dims);
    }

    OnnxGraphBuilder int64Init(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        g.addInitializer(t);
        return this;
    }

    OnnxGraphBuilder node(String op, String name, String[] inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        g.addNode(b);
        return this;
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    byte[] build(String output, long... outDims) {
        g.addOutput(valueInfo(output, TensorProto.DataType.FLOAT_VALUE, outDims));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("certus-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray();
    }
}
