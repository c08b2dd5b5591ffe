package org.certus.nn.io;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.certus.nn.Add;
import org.certus.nn.AffineMap;
import org.certus.nn.AffineTransform;
import org.certus.nn.AveragePool;
import org.certus.nn.Concat;
import org.certus.nn.Conv2d;
import org.certus.nn.ConvTranspose2d;
import org.certus.nn.Dense;
import org.certus.nn.ElementwiseAffine;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.IndexSelect;
import org.certus.nn.InputDomain;
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
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * Turns one ONNX graph into a {@link Network} graph by symbolic execution: every value is either a
 * constant (folded eagerly, so Shape→Gather→Concat chains and Constant nodes disappear) or a value of
 * the network graph being built, with its ONNX dims (batch included). Values are stored in ONNX's
 * row-major order, so reshapes never move data: a Certus {@link Shape} (flat or CHW) is given to a
 * value only where an operation needs one (a {@link Reshape} node, free after lowering). Static
 * rearrangements (Transpose, Slice, Gather, Pad) become {@link IndexSelect}s; constants next to a
 * Dense or Conv2d fold into its weights (as runtimes fuse them); Add of two computed values is a
 * residual join.
 */
final class OnnxGraphConverter {
    /** A value that depends on the input: the index of its value in the graph being built, and its ONNX dims (batch included). */
    private record Computed(int value, long[] dims) {
    }

    private final GraphProto graph;
    private final Map<String, Object> values = new HashMap<>();
    private final String inputName;
    private final long[] inputDims;
    /** The graph being built: node i computes value i + 1; value 0 is the input. */
    private final List<Network.Node> nodes = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();

    OnnxGraphConverter(GraphProto graph) {
        this.graph = graph;
        Set<String> initNames = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            initNames.add(t.getName());
        }
        List<ValueInfoProto> real = new ArrayList<>();
        for (ValueInfoProto vi : graph.getInputList()) {
            if (!initNames.contains(vi.getName())) {
                real.add(vi);
            }
        }
        if (real.size() != 1) {
            throw new NetworkException("the graph must have exactly one input without an initializer, found " + real.size()
                    + " " + real.stream().map(ValueInfoProto::getName).toList());
        }
        if (graph.getOutputCount() != 1) {
            throw new NetworkException("the graph must have exactly one output, found " + graph.getOutputCount());
        }
        ValueInfoProto in = real.get(0);
        this.inputName = in.getName();
        this.inputDims = inputDims(in);
    }

    Network convert(String name, InputDomain domainOrNull) {
        for (TensorProto t : graph.getInitializerList()) {
            try {
                values.put(t.getName(), OnnxTensor.decode(t));
            } catch (NetworkException e) {
                throw new NetworkException("initializer '" + t.getName() + "': " + e.getMessage(), e);
            }
        }
        shapes.add(irShapeOf(inputDims));
        values.put(inputName, new Computed(0, inputDims));
        String outName = graph.getOutput(0).getName();
        boolean[] live = liveNodes(outName);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (!live[i]) {
                continue;
            }
            NodeProto node = graph.getNode(i);
            try {
                convertNode(node);
            } catch (RuntimeException e) {
                String msg = e instanceof NetworkException ? e.getMessage() : "internal error " + e;
                throw new NetworkException("node '" + node.getName() + "' (" + node.getOpType() + "): " + msg, e);
            }
        }
        Object out = values.get(outName);
        if (out == null) {
            throw new NetworkException("graph output '" + outName + "' is not produced by any node");
        }
        if (!(out instanceof Computed c)) {
            throw new NetworkException("graph output '" + outName + "' does not depend on the input");
        }
        if (c.value == 0) {
            throw new NetworkException("graph output '" + outName + "' is the input itself; the network has no layers");
        }
        List<Network.Node> kept = new ArrayList<>(nodes.subList(0, c.value));
        Shape inShape = shapes.get(0);
        // A reshape of the input that nothing else reads re-reads the input in that shape (e.g. [1,784]
        // viewed as [1,1,28,28]), so the network's input matches its data set's images.
        while (kept.size() > 1 && kept.get(0).op() instanceof Reshape r && readsOnlyOnce(kept, 0)) {
            inShape = r.target();
            kept = renumberWithoutFirst(kept);
        }
        InputDomain domain = domainOrNull;
        if (domain == null) {
            domain = inShape.isImage() ? InputDomain.uniform(inShape.size(), 0.0, 1.0)
                    : InputDomain.uniform(inShape.size(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        } else if (domain.size() != inShape.size()) {
            throw new NetworkException("the given input domain has " + domain.size() + " elements, the network input " + inShape + " has " + inShape.size());
        }
        return Network.graph(name, inShape, domain, kept);
    }

    /** True when value {@code v} is read by exactly one node in all (and node 0 is it, for v = 0). */
    private static boolean readsOnlyOnce(List<Network.Node> nodes, int v) {
        int reads = 0;
        for (Network.Node n : nodes) {
            for (int in : n.inputs()) {
                if (in == v) {
                    reads++;
                }
            }
        }
        return reads == 1;
    }

    /** The nodes without the first one, whose output becomes the input (value 1 becomes value 0). */
    private static List<Network.Node> renumberWithoutFirst(List<Network.Node> nodes) {
        List<Network.Node> out = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            int[] in = nodes.get(i).inputs();
            for (int k = 0; k < in.length; k++) {
                in[k] = in[k] - 1;
            }
            out.add(new Network.Node(nodes.get(i).op(), in));
        }
        return out;
    }

    // ---------------------------------------------------------------- the graph being built

    /** Adds a node and returns its value. */
    private Computed node(Operation op, long[] dims, Computed... inputs) {
        int[] in = new int[inputs.length];
        List<Shape> inShapes = new ArrayList<>();
        for (int k = 0; k < inputs.length; k++) {
            in[k] = inputs[k].value;
            inShapes.add(shapes.get(inputs[k].value));
        }
        Shape out = op.outputShape(inShapes);
        if (dims != null && OnnxTensor.size(dims) != out.size()) {
            throw new IllegalStateException(op.describe() + " gives " + out + " for ONNX dims " + Arrays.toString(dims));
        }
        nodes.add(new Network.Node(op, in));
        shapes.add(out);
        return new Computed(nodes.size(), dims != null ? dims : imageDims(out));
    }

    private Shape shapeOf(Computed x) {
        return shapes.get(x.value);
    }

    /** The operation that computes {@code x}, or null for the input. */
    private Network.Node producer(Computed x) {
        return x.value == 0 ? null : nodes.get(x.value - 1);
    }

    /** {@code x} in the Certus shape {@code s} (same size, same storage): a Reshape node when it differs. */
    private Computed as(Computed x, Shape s) {
        if (shapeOf(x).equals(s)) {
            return x;
        }
        if (shapeOf(x).isImage() && s.isFlat()) {
            return node(new Flatten(FlattenOrder.NCHW), x.dims, x);
        }
        return node(new Reshape(s), x.dims, x);
    }

    private Computed flat(Computed x) {
        return as(x, Shape.flat(shapeOf(x).size()));
    }

    /** {@code x} as an image [C,H,W] from its dims [1,C,H,W], or [1,C,L] read as C×1×L (1-D convolutions). */
    private Computed asImage(Computed x) {
        long[] d = x.dims;
        if (d.length == 4 && d[0] == 1) {
            return as(x, Shape.chw((int) d[1], (int) d[2], (int) d[3]));
        }
        if (d.length == 3 && d[0] == 1) {
            return as(x, Shape.chw((int) d[1], 1, (int) d[2]));
        }
        throw new NetworkException("expected an image [1,C,H,W] (or [1,C,L]), got " + Arrays.toString(d));
    }

    private static long[] imageDims(Shape s) {
        return s.isImage() ? new long[] {1, s.channels(), s.height(), s.width()} : new long[] {1, s.size()};
    }

    /** A value with the same storage and new dims (a reshape): no node. */
    private static Computed withDims(Computed x, long[] dims) {
        if (OnnxTensor.size(dims) != OnnxTensor.size(x.dims)) {
            throw new NetworkException("cannot reshape " + Arrays.toString(x.dims) + " to " + Arrays.toString(dims));
        }
        return new Computed(x.value, dims);
    }

    // ---------------------------------------------------------------- node dispatch

    private void convertNode(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw new NetworkException("operator domain '" + n.getDomain() + "' is not supported");
        }
        String op = n.getOpType();
        if (op.equals("Constant")) {
            put(n, constantNode(n));
            return;
        }
        boolean allConst = true;
        for (int i = 0; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty() && !(in(n, i) instanceof OnnxTensor)) {
                allConst = false;
            }
        }
        if (op.equals("Shape")) {
            put(n, shapeOf(n, dimsOf(in(n, 0))));
            return;
        }
        if (allConst) {
            put(n, foldConstant(n));
            return;
        }
        Object result = switch (op) {
            case "Identity", "Dropout" -> computed(n, 0);
            case "Relu" -> {
                Computed x = computed(n, 0);
                yield node(new Relu(), x.dims, x);
            }
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Add", "Sub", "Mul", "Div" -> elementwise(n);
            case "Neg" -> {
                Computed x = computed(n, 0);
                double[] s = new double[(int) OnnxTensor.size(x.dims)];
                Arrays.fill(s, -1.0);
                yield affine(x, s, new double[s.length], "Neg", null, 1);
            }
            case "Conv" -> conv(n);
            case "ConvTranspose" -> convTranspose(n);
            case "MaxPool", "AveragePool" -> pool(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Flatten" -> {
                Computed x = computed(n, 0);
                yield withDims(x, flattenDims(x.dims, attrInt(n, "axis", 1)));
            }
            case "Reshape" -> {
                Computed x = computed(n, 0);
                yield withDims(x, reshapeDims(x.dims, constant(n, 1).asLongs()));
            }
            case "Squeeze" -> {
                Computed x = computed(n, 0);
                yield withDims(x, squeezeDims(x.dims, axes(n)));
            }
            case "Unsqueeze" -> {
                Computed x = computed(n, 0);
                yield withDims(x, unsqueezeDims(x.dims, axes(n)));
            }
            case "Transpose" -> transpose(n);
            case "Slice" -> slice(n);
            case "Gather" -> gatherComputed(n);
            case "Pad" -> pad(n);
            case "Concat" -> concatComputed(n);
            default -> throw new NetworkException("operator " + op + " is not supported on values that depend on the input"
                    + (NOT_PIECEWISE_LINEAR.contains(op) ? " (it is not piecewise linear, so no complete verifier of this kind can verify it)" : ""));
        };
        put(n, result);
    }

    private static final Set<String> NOT_PIECEWISE_LINEAR = Set.of("Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp", "Log",
            "Sqrt", "Pow", "Erf", "Gelu", "Softplus", "Elu", "Selu", "HardSigmoid", "Sin", "Cos");

    private void put(NodeProto n, Object v) {
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

    private Object in(NodeProto n, int i) {
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

    private boolean hasInput(NodeProto n, int i) {
        return i < n.getInputCount() && !n.getInput(i).isEmpty();
    }

    private OnnxTensor constant(NodeProto n, int i) {
        if (in(n, i) instanceof OnnxTensor t) {
            return t;
        }
        throw new NetworkException("input " + i + " ('" + n.getInput(i) + "') must be a constant (an initializer), but it depends on the network input");
    }

    private Computed computed(NodeProto n, int i) {
        if (in(n, i) instanceof Computed c) {
            return c;
        }
        throw new NetworkException("input " + i + " must depend on the network input");
    }

    private static long[] dimsOf(Object v) {
        return v instanceof Computed c ? c.dims : ((OnnxTensor) v).dims();
    }

    private static long[] inputDims(ValueInfoProto in) {
        String what = "input '" + in.getName() + "'";
        if (!in.hasType() || !in.getType().hasTensorType()) {
            throw new NetworkException(what + " is not a tensor");
        }
        var tt = in.getType().getTensorType();
        int et = tt.getElemType();
        if (et != TensorProto.DataType.FLOAT_VALUE && et != TensorProto.DataType.DOUBLE_VALUE) {
            throw new NetworkException(what + " has element type " + OnnxTensor.typeName(et) + "; only FLOAT (or DOUBLE) inputs are supported");
        }
        if (!tt.hasShape() || tt.getShape().getDimCount() == 0) {
            throw new NetworkException(what + " has no shape");
        }
        long[] dims = new long[tt.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (d.hasDimValue() && d.getDimValue() > 0) {
                dims[i] = d.getDimValue();
            } else if (i == 0) {
                dims[i] = 1; // a symbolic batch dimension: Certus verifies one input at a time
            } else {
                throw new NetworkException(what + " has a symbolic or unknown dimension " + i + " ('" + d.getDimParam() + "')");
            }
        }
        if (dims.length > 1 && dims[0] != 1) {
            throw new NetworkException(what + " has batch size " + dims[0] + "; only batch size 1 is supported");
        }
        return dims;
    }

    /** [1,C,H,W] with a real image plane is an image; anything else ([1,5], [1,784,1], [1,1,1,5]) is flat. */
    private static Shape irShapeOf(long[] dims) {
        if (dims.length == 4 && dims[0] == 1 && dims[2] > 1 && dims[3] > 1) {
            return Shape.chw((int) dims[1], (int) dims[2], (int) dims[3]);
        }
        return Shape.flat((int) OnnxTensor.size(dims));
    }

    /** Nodes the output depends on; dead branches (e.g. unused auxiliary outputs) are never converted. */
    private boolean[] liveNodes(String outName) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            for (String o : graph.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        boolean[] live = new boolean[graph.getNodeCount()];
        Deque<String> todo = new ArrayDeque<>(List.of(outName));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String v = todo.pop();
            Integer p = producer.get(v);
            if (!seen.add(v) || p == null || live[p]) {
                continue;
            }
            live[p] = true;
            for (String in : graph.getNode(p).getInputList()) {
                if (!in.isEmpty()) {
                    todo.push(in);
                }
            }
        }
        return live;
    }

    // ---------------------------------------------------------------- attributes

    private static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static long attrInt(NodeProto n, String name, long dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getI();
    }

    private static float attrFloat(NodeProto n, String name, float dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getF();
    }

    private static String attrString(NodeProto n, String name, String dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    private static long[] attrInts(NodeProto n, String name) {
        AttributeProto a = attr(n, name);
        if (a == null) {
            return null;
        }
        long[] r = new long[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.getInts(i);
        }
        return r;
    }

    // ---------------------------------------------------------------- constants

    private static OnnxTensor constantNode(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return OnnxTensor.decode(a.getT());
                case "value_float":
                    return OnnxTensor.scalar(a.getF());
                case "value_int":
                    return OnnxTensor.scalar(a.getI());
                case "value_floats": {
                    double[] v = new double[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return new OnnxTensor(new long[] {v.length}, v);
                }
                case "value_ints": {
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getInts(i);
                    }
                    return OnnxTensor.vector(v);
                }
                default:
                    throw new NetworkException("Constant attribute '" + a.getName() + "' is not supported");
            }
        }
        throw new NetworkException("Constant node has no value");
    }

    private OnnxTensor shapeOf(NodeProto n, long[] dims) {
        int r = dims.length;
        int start = (int) normAxis(attrInt(n, "start", 0), r + 1, true);
        int end = (int) normAxis(attrInt(n, "end", r), r + 1, true);
        return OnnxTensor.vector(Arrays.copyOfRange(dims, start, Math.max(start, end)));
    }

    private static long normAxis(long axis, int rank, boolean clamp) {
        long a = axis < 0 ? axis + rank : axis;
        if (clamp) {
            return Math.max(0, Math.min(a, rank - 1));
        }
        if (a < 0 || a >= rank) {
            throw new NetworkException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    private long[] axes(NodeProto n) {
        long[] a = attrInts(n, "axes");
        if (a == null && hasInput(n, 1)) {
            a = constant(n, 1).asLongs();
        }
        return a;
    }

    private OnnxTensor foldConstant(NodeProto n) {
        String op = n.getOpType();
        switch (op) {
            case "Identity", "Cast", "Dropout" -> {
                OnnxTensor t = constant(n, 0);
                if (op.equals("Cast")) {
                    long to = attrInt(n, "to", TensorProto.DataType.FLOAT_VALUE);
                    if (to != TensorProto.DataType.FLOAT_VALUE && to != TensorProto.DataType.DOUBLE_VALUE) {
                        double[] v = t.values().clone();
                        for (int i = 0; i < v.length; i++) {
                            v[i] = (long) v[i];
                        }
                        return new OnnxTensor(t.dims(), v);
                    }
                }
                return t;
            }
            case "Reshape" -> {
                OnnxTensor t = constant(n, 0);
                return t.reshape(reshapeDims(t.dims(), constant(n, 1).asLongs()));
            }
            case "Flatten" -> {
                OnnxTensor t = constant(n, 0);
                return t.reshape(flattenDims(t.dims(), attrInt(n, "axis", 1)));
            }
            case "Squeeze" -> {
                OnnxTensor t = constant(n, 0);
                return t.reshape(squeezeDims(t.dims(), axes(n)));
            }
            case "Unsqueeze" -> {
                OnnxTensor t = constant(n, 0);
                return t.reshape(unsqueezeDims(t.dims(), axes(n)));
            }
            case "Transpose" -> {
                OnnxTensor t = constant(n, 0);
                return t.transpose(perm(n, t.rank()));
            }
            case "Add", "Sub", "Mul", "Div" -> {
                OnnxTensor a = constant(n, 0), b = constant(n, 1);
                long[] d = OnnxTensor.broadcastDims(a.dims(), b.dims());
                double[] x = a.broadcastTo(d), y = b.broadcastTo(d);
                double[] r = new double[x.length];
                for (int i = 0; i < r.length; i++) {
                    r[i] = switch (op) {
                        case "Add" -> x[i] + y[i];
                        case "Sub" -> x[i] - y[i];
                        case "Mul" -> x[i] * y[i];
                        default -> x[i] / y[i];
                    };
                }
                return new OnnxTensor(d, r);
            }
            case "Neg" -> {
                OnnxTensor t = constant(n, 0);
                double[] v = t.values().clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
                return new OnnxTensor(t.dims(), v);
            }
            case "Gather" -> {
                return gather(constant(n, 0), constant(n, 1), attrInt(n, "axis", 0));
            }
            case "Concat" -> {
                List<OnnxTensor> parts = new ArrayList<>();
                for (int i = 0; i < n.getInputCount(); i++) {
                    if (hasInput(n, i)) {
                        parts.add(constant(n, i));
                    }
                }
                return concat(parts, attrInt(n, "axis", 0));
            }
            default -> throw new NetworkException("operator " + op + " is not supported (not even for constant folding)");
        }
    }

    private static OnnxTensor gather(OnnxTensor data, OnnxTensor indices, long axisAttr) {
        int r = data.rank();
        int axis = (int) normAxis(axisAttr, r, false);
        long[] idx = indices.asLongs();
        long[] d = data.dims();
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= d[i];
        }
        for (int i = axis + 1; i < r; i++) {
            inner *= d[i];
        }
        long[] outDims = new long[r - 1 + indices.rank()];
        System.arraycopy(d, 0, outDims, 0, axis);
        System.arraycopy(indices.dims(), 0, outDims, axis, indices.rank());
        System.arraycopy(d, axis + 1, outDims, axis + indices.rank(), r - axis - 1);
        double[] out = new double[(int) OnnxTensor.size(outDims)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long ix : idx) {
                long j = ix < 0 ? ix + d[axis] : ix;
                if (j < 0 || j >= d[axis]) {
                    throw new NetworkException("Gather index " + ix + " is out of range for axis of size " + d[axis]);
                }
                for (long in = 0; in < inner; in++) {
                    out[k++] = data.values()[(int) ((o * d[axis] + j) * inner + in)];
                }
            }
        }
        return new OnnxTensor(outDims, out);
    }

    private static OnnxTensor concat(List<OnnxTensor> parts, long axisAttr) {
        if (parts.isEmpty()) {
            throw new NetworkException("Concat has no inputs");
        }
        int r = parts.get(0).rank();
        int axis = (int) normAxis(axisAttr, r, false);
        long[] outDims = parts.get(0).dims().clone(); // the record hands out its own array
        outDims[axis] = 0;
        for (OnnxTensor p : parts) {
            long[] pd = p.dims();
            for (int i = 0; i < r; i++) {
                if (i != axis && pd[i] != outDims[i] || pd.length != r) {
                    throw new NetworkException("Concat inputs disagree in shape: " + Arrays.toString(pd) + " vs " + Arrays.toString(parts.get(0).dims()));
                }
            }
            outDims[axis] += pd[axis];
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= outDims[i];
        }
        double[] out = new double[(int) OnnxTensor.size(outDims)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (OnnxTensor p : parts) {
                int chunk = (int) (p.values().length / Math.max(outer, 1));
                System.arraycopy(p.values(), (int) (o * chunk), out, k, chunk);
                k += chunk;
            }
        }
        return new OnnxTensor(outDims, out);
    }

    // ---------------------------------------------------------------- shape ops

    private static long[] flattenDims(long[] dims, long axisAttr) {
        long a = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
        if (a < 0 || a > dims.length) {
            throw new NetworkException("Flatten axis " + axisAttr + " is out of range for rank " + dims.length);
        }
        long outer = 1, inner = 1;
        for (int i = 0; i < dims.length; i++) {
            if (i < a) {
                outer *= dims[i];
            } else {
                inner *= dims[i];
            }
        }
        return new long[] {outer, inner};
    }

    private static long[] reshapeDims(long[] dims, long[] target) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                if (i >= dims.length) {
                    throw new NetworkException("Reshape copies dimension " + i + " that the input " + Arrays.toString(dims) + " lacks");
                }
                out[i] = dims[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new NetworkException("Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new NetworkException("Reshape target " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= out[i];
            }
        }
        long total = OnnxTensor.size(dims);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new NetworkException("cannot reshape " + Arrays.toString(dims) + " to " + Arrays.toString(target));
            }
            out[infer] = total / known;
        }
        if (OnnxTensor.size(out) != total) {
            throw new NetworkException("cannot reshape " + Arrays.toString(dims) + " (" + total + " values) to " + Arrays.toString(out));
        }
        return out;
    }

    private static long[] squeezeDims(long[] dims, long[] axes) {
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int i = (int) normAxis(a, dims.length, false);
                if (dims[i] != 1) {
                    throw new NetworkException("Squeeze axis " + a + " has size " + dims[i] + ", not 1");
                }
                drop[i] = true;
            }
        }
        long[] out = new long[dims.length];
        int k = 0;
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out[k++] = dims[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static long[] unsqueezeDims(long[] dims, long[] axes) {
        if (axes == null) {
            throw new NetworkException("Unsqueeze needs axes");
        }
        int r = dims.length + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            int i = (int) normAxis(a, r, false);
            if (ins[i]) {
                throw new NetworkException("Unsqueeze axis " + a + " repeated");
            }
            ins[i] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            out[i] = ins[i] ? 1 : dims[k++];
        }
        return out;
    }

    private static int[] perm(NodeProto n, int rank) {
        long[] p = attrInts(n, "perm");
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = p == null ? rank - 1 - i : (int) p[i];
            if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]] || (p != null && p.length != rank)) {
                throw new NetworkException("Transpose perm " + Arrays.toString(p) + " is not a permutation of rank " + rank);
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    /** True when all but at most one dimension are 1 (a vector in any layout). */

    // ---------------------------------------------------------------- affine ops

    private Object gemm(NodeProto n) {
        if (attrInt(n, "transA", 0) != 0) {
            throw new NetworkException("Gemm with transA=" + attrInt(n, "transA", 0) + " is not supported (only transA=0)");
        }
        Computed x = computed(n, 0);
        OnnxTensor b = constant(n, 1);
        boolean transB = attrInt(n, "transB", 0) != 0;
        double alpha = attrFloat(n, "alpha", 1f), beta = attrFloat(n, "beta", 1f);
        if (b.rank() != 2) {
            throw new NetworkException("Gemm weight B has shape " + Arrays.toString(b.dims()) + ", expected rank 2");
        }
        if (x.dims.length != 2 || x.dims[0] != 1) {
            throw new NetworkException("Gemm input A has shape " + Arrays.toString(x.dims) + ", expected [1, n]");
        }
        OnnxTensor w = transB ? b : b.transpose(new int[] {1, 0});
        int out = (int) w.dims()[0], inSize = (int) w.dims()[1];
        if (x.dims[1] != inSize) {
            throw new NetworkException("shape mismatch: Gemm input A has " + x.dims[1] + " columns, weight B"
                    + (transB ? "ᵀ" : "") + " has " + inSize + " rows (B is " + Arrays.toString(b.dims()) + ", transB=" + (transB ? 1 : 0) + ")");
        }
        double[] wv = w.values().clone();
        for (int i = 0; i < wv.length; i++) {
            wv[i] *= alpha;
        }
        double[] bias = new double[out];
        if (hasInput(n, 2)) {
            double[] c = constant(n, 2).broadcastTo(new long[] {1, out});
            for (int i = 0; i < out; i++) {
                bias[i] = beta * c[i];
            }
        }
        return node(new Dense(inSize, out, wv, bias), new long[] {1, out}, flat(x));
    }

    private Object matMul(NodeProto n) {
        if (!(in(n, 0) instanceof Computed)) {
            throw new NetworkException("MatMul with a constant left operand (W·x) is not supported; expected x·W");
        }
        Computed x = computed(n, 0);
        OnnxTensor w = constant(n, 1);
        if (w.rank() != 2) {
            throw new NetworkException("MatMul weight has shape " + Arrays.toString(w.dims()) + ", expected rank 2 [in, out]");
        }
        int inSize = (int) w.dims()[0], out = (int) w.dims()[1];
        long[] d = x.dims;
        long rows = OnnxTensor.size(d) / Math.max(1, d[d.length - 1]);
        if (d[d.length - 1] != inSize) {
            throw new NetworkException("shape mismatch: MatMul input " + Arrays.toString(d) + " times weight " + Arrays.toString(w.dims()));
        }
        long[] nd = d.clone();
        nd[nd.length - 1] = out;
        double[] wt = w.transpose(new int[] {1, 0}).values();
        if (rows == 1) {
            return node(new Dense(inSize, out, wt, new double[out]), nd, flat(x));
        }
        // Several rows times the same weights: one block per row.
        int k = (int) rows;
        AffineMap one = AffineMap.fromDense(out, inSize, wt, new double[out]);
        List<AffineMap> blocks = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            blocks.add(shiftColumns(one, r * inSize, k * inSize));
        }
        return node(new AffineTransform(AffineMap.stack(blocks, k * inSize)), nd, flat(x));
    }

    /** {@code a} reading columns {@code offset …} of {@code cols} inputs. */
    private static AffineMap shiftColumns(AffineMap a, int offset, int cols) {
        int[] col = a.colIndex().clone();
        for (int q = 0; q < col.length; q++) {
            col[q] += offset;
        }
        return new AffineMap(a.rows(), cols, a.rowStart().clone(), col, a.values().clone(), a.bias().clone());
    }

    private Object elementwise(NodeProto n) {
        String op = n.getOpType();
        Object a = in(n, 0), b = in(n, 1);
        if (a instanceof Computed ca && b instanceof Computed cb) {
            if (!op.equals("Add") && !op.equals("Sub")) {
                throw new NetworkException(op + " of two values that both depend on the input is not supported (it is not piecewise linear; "
                        + "Add and Sub are)");
            }
            if (!Arrays.equals(ca.dims, cb.dims)) {
                throw new NetworkException("shape mismatch: " + op + " of " + Arrays.toString(ca.dims) + " and " + Arrays.toString(cb.dims)
                        + " (broadcasting between two computed values is not supported)");
            }
            if (op.equals("Sub")) {
                double[] minus = new double[(int) OnnxTensor.size(cb.dims)];
                Arrays.fill(minus, -1.0);
                cb = elementwiseNode(cb, minus, new double[minus.length], "Neg", null, 1);
            }
            Computed left = ca;
            Computed right = cb;
            if (!shapeOf(left).equals(shapeOf(right))) {
                right = as(right, shapeOf(left));
            }
            return node(new Add(), ca.dims, left, right);
        }
        boolean xFirst = a instanceof Computed;
        Computed x = xFirst ? computed(n, 0) : computed(n, 1);
        OnnxTensor c = xFirst ? (OnnxTensor) b : (OnnxTensor) a;
        long[] d = OnnxTensor.broadcastDims(x.dims, c.dims());
        if (!Arrays.equals(d, x.dims)) {
            throw new NetworkException("shape mismatch: constant " + Arrays.toString(c.dims()) + " would broadcast the input-dependent value "
                    + Arrays.toString(x.dims) + " to " + Arrays.toString(d));
        }
        double[] cv = c.broadcastTo(x.dims);
        int size = cv.length;
        double[] scale = new double[size], shift = new double[size];
        for (int i = 0; i < size; i++) {
            switch (op) {
                case "Add" -> {
                    scale[i] = 1;
                    shift[i] = cv[i];
                }
                case "Sub" -> {
                    scale[i] = xFirst ? 1 : -1;
                    shift[i] = xFirst ? -cv[i] : cv[i];
                }
                case "Mul" -> scale[i] = cv[i];
                default -> {
                    if (!xFirst) {
                        throw new NetworkException("Div of a constant by an input-dependent value is not affine");
                    }
                    if (cv[i] == 0) {
                        throw new NetworkException("Div by a constant that contains zero");
                    }
                    scale[i] = 1 / cv[i];
                }
            }
        }
        return affine(x, scale, shift, op, null, 1);
    }

    private Object batchNorm(NodeProto n) {
        if (attrInt(n, "training_mode", 0) != 0) {
            throw new NetworkException("BatchNormalization with training_mode=1 is not supported");
        }
        Computed x = computed(n, 0);
        double eps = attrFloat(n, "epsilon", 1e-5f);
        double[] gamma = constant(n, 1).values(), beta = constant(n, 2).values();
        double[] mean = constant(n, 3).values(), var = constant(n, 4).values();
        if (x.dims.length < 2) {
            throw new NetworkException("BatchNormalization input " + Arrays.toString(x.dims) + " has no channel axis");
        }
        int ch = (int) x.dims[1];
        if (gamma.length != ch || beta.length != ch || mean.length != ch || var.length != ch) {
            throw new NetworkException("shape mismatch: BatchNormalization parameters must have " + ch + " values (one per channel)");
        }
        double[] a = new double[ch], b = new double[ch], off = new double[ch];
        for (int c = 0; c < ch; c++) {
            if (!(var[c] + eps > 0)) {
                throw new NetworkException("BatchNormalization variance + epsilon of channel " + c + " is not positive");
            }
            a[c] = gamma[c] / Math.sqrt(var[c] + eps);
            b[c] = beta[c] - mean[c] * a[c];
            // A runtime computes (x − mean)·a + beta: its intermediates reach |mean·a| and |beta| too.
            off[c] = Math.abs(mean[c] * a[c]) + Math.abs(beta[c]);
        }
        long[] cd = new long[x.dims.length];
        Arrays.fill(cd, 1);
        cd[1] = ch;
        return affine(x, new OnnxTensor(cd, a).broadcastTo(x.dims), new OnnxTensor(cd, b).broadcastTo(x.dims), "BatchNormalization",
                new OnnxTensor(cd, off).broadcastTo(x.dims), 4);
    }

    /**
     * Applies {@code y = scale ⊙ x + shift} (per element, in the value's row-major order) by folding it
     * into the Dense or Conv2d that computes x (as runtimes fuse them; the unfolded node stays for any
     * other reader), merging a per-channel Sub/Div/Mul/Add into a Normalize, or as an
     * {@link ElementwiseAffine}.
     */
    private Computed affine(Computed x, double[] scale, double[] shift, String label, double[] offset, int roundings) {
        boolean identity = true;
        for (int i = 0; i < scale.length; i++) {
            identity &= scale[i] == 1 && shift[i] == 0;
        }
        if (identity) {
            return x;
        }
        Network.Node p = producer(x);
        Shape s = shapeOf(x);
        int n = s.size();
        if (p != null && p.op() instanceof Dense d) {
            double[] w = d.weights(), b = d.bias();
            int in = d.inputSize();
            for (int o = 0; o < d.outputSize(); o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] *= scale[o];
                }
                b[o] = b[o] * scale[o] + shift[o];
            }
            return node(folded(new Dense(in, d.outputSize(), w, b), d.extraFloat32Roundings(), scale), x.dims, valueOf(p.inputs()[0]));
        }
        int channels = s.channels();
        int per = n / channels;
        double[] cScale = perChannel(scale, channels, per), cShift = perChannel(shift, channels, per);
        if (cScale != null && cShift != null && p != null && p.op() instanceof Conv2d cv) {
            double[] w = cv.weights(), b = cv.bias();
            int k = w.length / cv.outChannels();
            for (int o = 0; o < cv.outChannels(); o++) {
                for (int i = 0; i < k; i++) {
                    w[o * k + i] *= cScale[o];
                }
                b[o] = b[o] * cScale[o] + cShift[o];
            }
            return node(folded(new Conv2d(cv.inChannels(), cv.outChannels(), cv.window(), w, b), cv.extraFloat32Roundings(), cScale), x.dims,
                    valueOf(p.inputs()[0]));
        }
        boolean plainArithmetic = !label.equals("BatchNormalization");
        if (plainArithmetic && cScale != null && cShift != null && nonZero(cScale)) {
            Computed base = x;
            if (p != null && p.op() instanceof Normalize prev && prev.mean().length == cScale.length) {
                // (x - m1)/s1 is x·(1/s1) - m1/s1: compose the two affine maps into one Normalize.
                double[] m1 = prev.mean(), s1 = prev.std();
                for (int c = 0; c < cScale.length; c++) {
                    double a1 = 1 / s1[c], b1 = -m1[c] / s1[c];
                    cShift[c] = cScale[c] * b1 + cShift[c];
                    cScale[c] = cScale[c] * a1;
                }
                base = valueOf(p.inputs()[0]);
                if (!nonZero(cScale)) {
                    throw new NetworkException("elementwise scale by zero is not supported");
                }
            }
            double[] mean = new double[cScale.length], std = new double[cScale.length];
            for (int c = 0; c < cScale.length; c++) {
                std[c] = 1 / cScale[c];
                mean[c] = -cShift[c] / cScale[c];
            }
            return node(new Normalize(mean, std), x.dims, base);
        }
        return elementwiseNode(x, scale, shift, label, offset, roundings);
    }

    /**
     * Scaling folded into weights makes them values a runtime computes in float32 (or evaluates as a
     * separate multiplication): three roundings more per output cover both. A pure bias shift adds none
     * (the bias is one more term of the dot product either way).
     */
    private static Dense folded(Dense d, int before, double[] scale) {
        return isOnes(scale) ? d.withExtraFloat32Roundings(before) : d.withExtraFloat32Roundings(before + 3);
    }

    private static Conv2d folded(Conv2d c, int before, double[] scale) {
        return isOnes(scale) ? c.withExtraFloat32Roundings(before) : c.withExtraFloat32Roundings(before + 3);
    }

    private static boolean isOnes(double[] v) {
        for (double x : v) {
            if (x != 1.0) {
                return false;
            }
        }
        return true;
    }

    private Computed elementwiseNode(Computed x, double[] scale, double[] shift, String label, double[] offset, int roundings) {
        return node(new ElementwiseAffine(label, scale, shift, offset, roundings), x.dims, x);
    }

    /** The built value {@code v} with dims that fit its shape (for re-reading a producer's input). */
    private Computed valueOf(int v) {
        return new Computed(v, imageDims(shapes.get(v)));
    }

    // ---------------------------------------------------------------- rearrangements

    /** Computes, for each output element, the input element it copies (or −1 for the fill). */
    private interface IndexRule {
        /** Sets {@code in} from {@code out} (multi-indices); false when the output element copies nothing. */
        boolean source(long[] out, long[] in);
    }

    private Computed rearrange(String label, Computed x, long[] outDims, double fill, IndexRule rule) {
        long[] inDims = x.dims;
        int size = (int) OnnxTensor.size(outDims);
        int[] src = new int[size];
        long[] o = new long[outDims.length];
        long[] i = new long[inDims.length];
        boolean identity = size == OnnxTensor.size(inDims);
        for (int flat = 0; flat < size; flat++) {
            long rem = flat;
            for (int a = outDims.length - 1; a >= 0; a--) {
                o[a] = rem % outDims[a];
                rem /= outDims[a];
            }
            if (rule.source(o, i)) {
                long idx = 0;
                for (int a = 0; a < inDims.length; a++) {
                    if (i[a] < 0 || i[a] >= inDims[a]) {
                        throw new IllegalStateException(label + " index out of range");
                    }
                    idx = idx * inDims[a] + i[a];
                }
                src[flat] = (int) idx;
            } else {
                src[flat] = -1;
            }
            identity &= src[flat] == flat;
        }
        if (identity) {
            return withDims(x, outDims);
        }
        return node(new IndexSelect(label, irShapeOf(outDims), src, fill), outDims, x);
    }

    private Object transpose(NodeProto n) {
        Computed x = computed(n, 0);
        int[] perm = perm(n, x.dims.length);
        long[] nd = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            nd[i] = x.dims[perm[i]];
        }
        return rearrange("Transpose", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < perm.length; a++) {
                in[perm[a]] = o[a];
            }
            return true;
        });
    }

    private Object slice(NodeProto n) {
        Computed x = computed(n, 0);
        long[] d = x.dims;
        int r = d.length;
        long[] starts, ends, axes, steps;
        if (attr(n, "starts") != null) {
            starts = attrInts(n, "starts");
            ends = attrInts(n, "ends");
            axes = attrInts(n, "axes");
            steps = null;
        } else {
            starts = constant(n, 1).asLongs();
            ends = constant(n, 2).asLongs();
            axes = hasInput(n, 3) ? constant(n, 3).asLongs() : null;
            steps = hasInput(n, 4) ? constant(n, 4).asLongs() : null;
        }
        if (ends == null || starts.length != ends.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw new NetworkException("Slice starts, ends, axes and steps must have the same length");
        }
        long[] first = new long[r], step = new long[r], nd = d.clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = axes == null ? k : (int) normAxis(axes[k], r, false);
            long st = steps == null ? 1 : steps[k];
            if (st == 0) {
                throw new NetworkException("Slice step 0");
            }
            long dim = d[a];
            long s0 = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e0 = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (st > 0) {
                s0 = Math.max(0, Math.min(s0, dim));
                e0 = Math.max(0, Math.min(e0, dim));
                nd[a] = Math.max(0, (e0 - s0 + st - 1) / st);
            } else {
                s0 = Math.max(-1, Math.min(s0, dim - 1));
                e0 = Math.max(-1, Math.min(e0, dim - 1));
                nd[a] = Math.max(0, (s0 - e0 + (-st) - 1) / (-st));
            }
            first[a] = s0;
            step[a] = st;
        }
        if (OnnxTensor.size(nd) == 0) {
            throw new NetworkException("Slice leaves no element");
        }
        return rearrange("Slice", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < r; a++) {
                in[a] = first[a] + o[a] * step[a];
            }
            return true;
        });
    }

    private Object gatherComputed(NodeProto n) {
        Computed x = computed(n, 0);
        OnnxTensor indices = constant(n, 1);
        long[] d = x.dims;
        int r = d.length;
        int axis = (int) normAxis(attrInt(n, "axis", 0), r, false);
        long[] idx = indices.asLongs();
        for (int k = 0; k < idx.length; k++) {
            long j = idx[k] < 0 ? idx[k] + d[axis] : idx[k];
            if (j < 0 || j >= d[axis]) {
                throw new NetworkException("Gather index " + idx[k] + " is out of range for an axis of size " + d[axis]);
            }
            idx[k] = j;
        }
        long[] idims = indices.dims();
        long[] nd = new long[r - 1 + idims.length];
        System.arraycopy(d, 0, nd, 0, axis);
        System.arraycopy(idims, 0, nd, axis, idims.length);
        System.arraycopy(d, axis + 1, nd, axis + idims.length, r - axis - 1);
        return rearrange("Gather", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < axis; a++) {
                in[a] = o[a];
            }
            long flatIdx = 0;
            for (int a = 0; a < idims.length; a++) {
                flatIdx = flatIdx * idims[a] + o[axis + a];
            }
            in[axis] = idx[(int) flatIdx];
            for (int a = axis + 1; a < r; a++) {
                in[a] = o[a - 1 + idims.length];
            }
            return true;
        });
    }

    private Object pad(NodeProto n) {
        Computed x = computed(n, 0);
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw new NetworkException("Pad mode '" + mode + "' is not supported (only constant)");
        }
        long[] d = x.dims;
        int r = d.length;
        long[] pads;
        double value;
        long[] axes = null;
        if (attr(n, "pads") != null) {
            pads = attrInts(n, "pads");
            value = attrFloat(n, "value", 0f);
        } else {
            pads = constant(n, 1).asLongs();
            value = hasInput(n, 2) ? constant(n, 2).values()[0] : 0.0;
            axes = hasInput(n, 3) ? constant(n, 3).asLongs() : null;
        }
        int na = axes == null ? r : axes.length;
        if (pads.length != 2 * na) {
            throw new NetworkException("Pad has " + pads.length + " pads for " + na + " axes");
        }
        long[] begin = new long[r], nd = d.clone();
        for (int k = 0; k < na; k++) {
            int a = axes == null ? k : (int) normAxis(axes[k], r, false);
            begin[a] = pads[k];
            nd[a] = d[a] + pads[k] + pads[k + na];
            if (nd[a] <= 0) {
                throw new NetworkException("Pad leaves no element along axis " + a);
            }
        }
        return rearrange("Pad", x, nd, value, (o, in) -> {
            for (int a = 0; a < r; a++) {
                in[a] = o[a] - begin[a];
                if (in[a] < 0 || in[a] >= d[a]) {
                    return false;
                }
            }
            return true;
        });
    }

    private Object concatComputed(NodeProto n) {
        List<Computed> parts = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            if (hasInput(n, i)) {
                if (!(in(n, i) instanceof Computed c)) {
                    throw new NetworkException("Concat of a constant and an input-dependent value is not supported");
                }
                parts.add(c);
            }
        }
        long[] d0 = parts.get(0).dims;
        int r = d0.length;
        int axis = (int) normAxis(attrInt(n, "axis", 0), r, false);
        long[] nd = d0.clone();
        nd[axis] = 0;
        for (Computed c : parts) {
            if (c.dims.length != r) {
                throw new NetworkException("Concat inputs differ in rank");
            }
            for (int a = 0; a < r; a++) {
                if (a != axis && c.dims[a] != d0[a]) {
                    throw new NetworkException("Concat inputs disagree in shape: " + Arrays.toString(c.dims) + " vs " + Arrays.toString(d0));
                }
            }
            nd[axis] += c.dims[axis];
        }
        Computed[] in = new Computed[parts.size()];
        if (r == 4 && d0[0] == 1 && axis >= 1) {
            for (int k = 0; k < in.length; k++) {
                in[k] = asImage(parts.get(k));
            }
            Concat.Axis ax = axis == 1 ? Concat.Axis.CHANNEL : axis == 2 ? Concat.Axis.HEIGHT : Concat.Axis.WIDTH;
            return node(new Concat(ax), nd, in);
        }
        for (int k = 0; k < in.length; k++) {
            in[k] = flat(parts.get(k));
        }
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= d0[a];
        }
        long[] flatDims = {1, OnnxTensor.size(nd)};
        Computed joined = node(new Concat(Concat.Axis.FLAT), flatDims, in);
        if (outer == 1) {
            return withDims(joined, nd);
        }
        // Not end to end in row-major order: interleave the parts' blocks.
        long[] starts = new long[parts.size() + 1];
        for (int k = 0; k < parts.size(); k++) {
            starts[k + 1] = starts[k] + OnnxTensor.size(parts.get(k).dims);
        }
        int[] src = new int[(int) OnnxTensor.size(nd)];
        int at = 0;
        for (long o = 0; o < outer; o++) {
            for (int k = 0; k < parts.size(); k++) {
                long chunk = OnnxTensor.size(parts.get(k).dims) / outer;
                for (long q = 0; q < chunk; q++) {
                    src[at++] = (int) (starts[k] + o * chunk + q);
                }
            }
        }
        return node(new IndexSelect("Concat", irShapeOf(nd), src, 0.0), nd, joined);
    }

    private static boolean nonZero(double[] v) {
        for (double x : v) {
            if (x == 0) {
                return false;
            }
        }
        return true;
    }

    /** The per-channel values when {@code v} is constant within each channel block, else null. */
    private static double[] perChannel(double[] v, int channels, int per) {
        double[] r = new double[channels];
        for (int c = 0; c < channels; c++) {
            r[c] = v[c * per];
            for (int i = 1; i < per; i++) {
                if (v[c * per + i] != r[c]) {
                    return null;
                }
            }
        }
        return r;
    }


    // ---------------------------------------------------------------- windows

    /**
     * The 2-D window of a Conv/pool node on {@code in}; a 1-D node (on [1,C,L], read as C×1×L) has its
     * one-axis attributes applied to the width.
     */
    private static Window2d window(NodeProto n, Shape in, int kH, int kW, boolean oneD) {
        long[] dil = attrInts(n, "dilations");
        if (dil != null) {
            for (long d : dil) {
                if (d != 1) {
                    throw new NetworkException("dilations " + Arrays.toString(dil) + " are not supported (only 1)");
                }
            }
        }
        int axes = oneD ? 1 : 2;
        long[] st = attrInts(n, "strides");
        if (st != null && st.length != axes) {
            throw new NetworkException("strides " + Arrays.toString(st) + " must have " + axes + " value(s)");
        }
        int sH = oneD || st == null ? 1 : (int) st[0];
        int sW = st == null ? 1 : (int) st[axes - 1];
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        long[] pads = attrInts(n, "pads");
        switch (autoPad) {
            case "SAME_UPPER":
                return Window2d.same(in.height(), in.width(), kH, kW, sH, sW);
            case "SAME_LOWER":
                return Window2d.sameLower(in.height(), in.width(), kH, kW, sH, sW);
            case "VALID":
                return Window2d.valid(kH, kW, sH, sW);
            case "NOTSET":
            case "":
                if (pads == null) {
                    return Window2d.valid(kH, kW, sH, sW);
                }
                if (pads.length != 2 * axes) {
                    throw new NetworkException("pads " + Arrays.toString(pads) + " must have " + 2 * axes + " values");
                }
                if (oneD) {
                    return new Window2d(kH, kW, sH, sW, 0, 0, (int) pads[0], (int) pads[1]);
                }
                // ONNX orders pads as all begins then all ends: [top, left, bottom, right].
                return new Window2d(kH, kW, sH, sW, (int) pads[0], (int) pads[2], (int) pads[1], (int) pads[3]);
            default:
                throw new NetworkException("auto_pad '" + autoPad + "' is not supported");
        }
    }

    /** ONNX dims of a windowed op's output on {@code x}: rank 4 as an image, rank 3 as [1,C,L]. */
    private static long[] windowOutDims(Computed x, Shape out) {
        return x.dims.length == 3 ? new long[] {1, out.channels(), out.width()} : new long[] {1, out.channels(), out.height(), out.width()};
    }

    private Object conv(NodeProto n) {
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw new NetworkException("group=" + group + " is not supported (only group=1)");
        }
        Computed x0 = computed(n, 0);
        boolean oneD = x0.dims.length == 3;
        Computed x = asImage(x0);
        OnnxTensor w = constant(n, 1);
        long[] wd = w.dims();
        if (oneD && wd.length == 3) {
            wd = new long[] {wd[0], wd[1], 1, wd[2]};
        }
        if (wd.length != 4) {
            throw new NetworkException("Conv weight has shape " + Arrays.toString(w.dims()) + "; only 1-D and 2-D convolutions are supported");
        }
        long[] ks = attrInts(n, "kernel_shape");
        if (ks != null && !(ks.length == 2 && ks[0] == wd[2] && ks[1] == wd[3] || oneD && ks.length == 1 && ks[0] == wd[3])) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight shape " + Arrays.toString(w.dims()));
        }
        Shape s = shapeOf(x);
        if (wd[1] != s.channels()) {
            throw new NetworkException("shape mismatch: Conv weight " + Arrays.toString(w.dims()) + " expects " + wd[1] + " input channels, input has " + s.channels());
        }
        int outC = (int) wd[0];
        double[] bias = hasInput(n, 2) ? constant(n, 2).broadcastTo(new long[] {outC}) : new double[outC];
        Window2d win = window(n, s, (int) wd[2], (int) wd[3], oneD);
        Conv2d conv = new Conv2d((int) wd[1], outC, win, w.values(), bias);
        Shape out = conv.outputShape(s);
        return node(conv, windowOutDims(x0, out), x);
    }

    private Object convTranspose(NodeProto n) {
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw new NetworkException("group=" + group + " is not supported (only group=1)");
        }
        long[] dil = attrInts(n, "dilations");
        if (dil != null && Arrays.stream(dil).anyMatch(v -> v != 1)) {
            throw new NetworkException("dilations " + Arrays.toString(dil) + " are not supported (only 1)");
        }
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("") && !autoPad.equals("VALID")) {
            throw new NetworkException("auto_pad '" + autoPad + "' is not supported for ConvTranspose");
        }
        Computed x = asImage(computed(n, 0));
        if (computed(n, 0).dims.length != 4) {
            throw new NetworkException("only 2-D ConvTranspose ([1,C,H,W] inputs) is supported");
        }
        OnnxTensor w = constant(n, 1);
        long[] wd = w.dims();
        if (wd.length != 4) {
            throw new NetworkException("ConvTranspose weight has shape " + Arrays.toString(wd) + ", expected [inC, outC, kH, kW]");
        }
        Shape s = shapeOf(x);
        if (wd[0] != s.channels()) {
            throw new NetworkException("shape mismatch: ConvTranspose weight " + Arrays.toString(wd) + " expects " + wd[0] + " input channels, input has " + s.channels());
        }
        long[] st = attrInts(n, "strides");
        long[] pads = attrInts(n, "pads");
        long[] op = attrInts(n, "output_padding");
        int sH = st == null ? 1 : (int) st[0], sW = st == null ? 1 : (int) st[1];
        int[] p = pads == null || autoPad.equals("VALID") ? new int[4] : new int[] {(int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]};
        int oH = op == null ? 0 : (int) op[0], oW = op == null ? 0 : (int) op[1];
        int outC = (int) wd[1];
        double[] bias = hasInput(n, 2) ? constant(n, 2).broadcastTo(new long[] {outC}) : new double[outC];
        ConvTranspose2d ct = new ConvTranspose2d((int) wd[0], outC, (int) wd[2], (int) wd[3], sH, sW, p[0], p[1], p[2], p[3], oH, oW,
                w.values(), bias);
        Shape out = ct.outputShape(s);
        long[] os = attrInts(n, "output_shape");
        if (os != null && (os[os.length - 2] != out.height() || os[os.length - 1] != out.width())) {
            throw new NetworkException("ConvTranspose output_shape " + Arrays.toString(os) + " differs from the one its pads give ("
                    + out + "); only explicit pads are supported");
        }
        return node(ct, imageDims(out), x);
    }

    private Object pool(NodeProto n) {
        Computed x0 = computed(n, 0);
        boolean oneD = x0.dims.length == 3;
        Computed x = asImage(x0);
        long[] ks = attrInts(n, "kernel_shape");
        if (ks == null || ks.length != (oneD ? 1 : 2)) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " must have " + (oneD ? 1 : 2) + " value(s)");
        }
        if (attrInt(n, "storage_order", 0) != 0) {
            throw new NetworkException("storage_order=1 is not supported");
        }
        Shape s = shapeOf(x);
        Window2d win = window(n, s, oneD ? 1 : (int) ks[0], (int) ks[ks.length - 1], oneD);
        if (attrInt(n, "ceil_mode", 0) != 0) {
            // ceil_mode changes nothing when every window fits exactly; otherwise it is not supported.
            boolean exact = (s.height() + win.padTop() + win.padBottom() - win.kernelH()) % win.strideH() == 0
                    && (s.width() + win.padLeft() + win.padRight() - win.kernelW()) % win.strideW() == 0;
            if (!exact) {
                throw new NetworkException("ceil_mode=1 is supported only where it gives the same windows as ceil_mode=0");
            }
        }
        Operation l = n.getOpType().equals("MaxPool") ? new MaxPool(win) : new AveragePool(win, attrInt(n, "count_include_pad", 0) != 0);
        Shape out = l.outputShape(List.of(s));
        return node(l, windowOutDims(x0, out), x);
    }
}
