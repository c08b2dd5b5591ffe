package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attrInts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Operation;
import org.certus.nn.Reshape;
import org.certus.nn.Shape;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;

/**
 * The values of an ONNX graph during its conversion: each ONNX name is a constant, a value of the {@link Network}
 * graph being built (with its ONNX dims), or an extra output that is not supported; and the graph itself. Values are
 * stored in ONNX's row-major order, so reshapes never move data: a Certus {@link Shape} is given to a value only
 * where an operation needs one (a {@link Reshape} node, free after lowering).
 */
final class OnnxValues {
    /** A value that depends on the input: the index of its value in the graph being built, and its ONNX dims (batch included). */
    record Computed(int value, long[] dims) {
    }

    /** By ONNX value name: an {@link OnnxTensor} (a constant), a {@link Computed} value, or an unavailable extra output. */
    private final Map<String, Object> values = new HashMap<>();
    /** The graph being built: node i computes value i + 1; value 0 is the input. */
    private final List<Network.Node> nodes = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();

    /** The graph input, value 0, under its ONNX name. */
    Computed input(String name, long[] dims) {
        shapes.add(OnnxDims.irShapeOf(dims));
        Computed c = new Computed(0, dims);
        values.put(name, c);
        return c;
    }

    /** An initializer: a constant under its ONNX name. */
    void initializer(String name, OnnxTensor t) {
        values.put(name, t);
    }

    /** The value of an ONNX name, or null when nothing produced it. */
    Object get(String name) {
        return values.get(name);
    }

    /** The nodes built so far. */
    List<Network.Node> nodes() {
        return nodes;
    }

    /** The Certus shape of value {@code v}. */
    Shape shape(int v) {
        return shapes.get(v);
    }

    /** Adds a node and returns its value. */
    Computed node(Operation op, long[] dims, Computed... inputs) {
        int[] in = new int[inputs.length];
        List<Shape> inShapes = new ArrayList<>();
        for (int k = 0; k < inputs.length; k++) {
            in[k] = inputs[k].value();
            inShapes.add(shapes.get(inputs[k].value()));
        }
        Shape out = op.outputShape(inShapes);
        if (dims != null && OnnxTensor.size(dims) != out.size()) {
            throw new IllegalStateException(op.describe() + " gives " + out + " for ONNX dims " + Arrays.toString(dims));
        }
        nodes.add(new Network.Node(op, in));
        shapes.add(out);
        return new Computed(nodes.size(), dims != null ? dims : OnnxDims.imageDims(out));
    }

    Shape shapeOf(Computed x) {
        return shapes.get(x.value());
    }

    /** The operation that computes {@code x}, or null for the input. */
    Network.Node producer(Computed x) {
        return x.value() == 0 ? null : nodes.get(x.value() - 1);
    }

    /** {@code x} in the Certus shape {@code s} (same size, same storage): a Reshape node when it differs. */
    Computed as(Computed x, Shape s) {
        if (shapeOf(x).equals(s)) {
            return x;
        }
        if (shapeOf(x).isImage() && s.isFlat()) {
            return node(new Flatten(FlattenOrder.NCHW), x.dims(), x);
        }
        return node(new Reshape(s), x.dims(), x);
    }

    Computed flat(Computed x) {
        return as(x, Shape.flat(shapeOf(x).size()));
    }

    /** {@code x} as an image [C,H,W] from its dims [1,C,H,W], or [1,C,L] read as C×1×L (1-D convolutions). */
    Computed asImage(Computed x) {
        long[] d = x.dims();
        if (d.length == 4 && d[0] == 1) {
            return as(x, Shape.chw((int) d[1], (int) d[2], (int) d[3]));
        }
        if (d.length == 3 && d[0] == 1) {
            return as(x, Shape.chw((int) d[1], 1, (int) d[2]));
        }
        throw new NetworkException("expected an image [1,C,H,W] (or [1,C,L]), got " + Arrays.toString(d));
    }

    /** A value with the same storage and new dims (a reshape): no node. */
    static Computed withDims(Computed x, long[] dims) {
        if (OnnxTensor.size(dims) != OnnxTensor.size(x.dims())) {
            throw new NetworkException("cannot reshape " + Arrays.toString(x.dims()) + " to " + Arrays.toString(dims));
        }
        return new Computed(x.value(), dims);
    }

    /** The built value {@code v} with dims that fit its shape (for re-reading a producer's input). */
    Computed valueOf(int v) {
        return new Computed(v, OnnxDims.imageDims(shapes.get(v)));
    }

    void put(NodeProto n, Object v) {
        for (int i = 0; i < n.getOutputCount(); i++) {
            if (i == 0) {
                values.put(n.getOutput(0), v);
            } else if (!n.getOutput(i).isEmpty()) {
                // Extra outputs (MaxPool indices, BatchNormalization running stats, Dropout mask) are
                // recorded as unavailable so that a use of them fails with a clear message.
                values.put(n.getOutput(i), new Unavailable(n.getOpType() + " output " + i));
            }
        }
    }

    private record Unavailable(String what) {
    }

    Object in(NodeProto n, int i) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            throw new NetworkException("missing input " + i);
        }
        Object v = values.get(n.getInput(i));
        if (v == null) {
            throw new NetworkException("input '" + n.getInput(i) + "' is neither the graph input, an initializer nor an earlier node's output (missing initializer?)");
        }
        if (v instanceof Unavailable u) {
            throw new NetworkException("input '" + n.getInput(i) + "' is the " + u.what + ", which is not supported");
        }
        return v;
    }

    boolean hasInput(NodeProto n, int i) {
        return i < n.getInputCount() && !n.getInput(i).isEmpty();
    }

    OnnxTensor constant(NodeProto n, int i) {
        if (in(n, i) instanceof OnnxTensor t) {
            return t;
        }
        throw new NetworkException("input " + i + " ('" + n.getInput(i) + "') must be a constant (an initializer), but it depends on the network input");
    }

    Computed computed(NodeProto n, int i) {
        if (in(n, i) instanceof Computed c) {
            return c;
        }
        throw new NetworkException("input " + i + " must depend on the network input");
    }

    static long[] dimsOf(Object v) {
        return v instanceof Computed c ? c.dims() : ((OnnxTensor) v).dims();
    }

    long[] axes(NodeProto n) {
        long[] a = attrInts(n, "axes");
        if (a == null && hasInput(n, 1)) {
            a = constant(n, 1).asLongs();
        }
        return a;
    }
}
