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

import org.certus.nn.AveragePool;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.Layer;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.Relu;
import org.certus.nn.Residual;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * Turns one ONNX graph into a {@link Network} by symbolic execution: every value is either a
 * constant (folded eagerly, so Shape→Gather→Concat chains and Constant nodes disappear) or a chain of
 * IR layers from the network input. Keeping values as chains with shared prefixes is what lets an
 * Add of two computed values become a {@link Residual} block at their common ancestor.
 */
final class OnnxGraphConverter {
    /** Elementwise constants on a flat tensor without a layer to fold into become a diagonal Dense up to this size. */
    private static final int MAX_DIAGONAL_DENSE = 4096;

    /** A prefix of the network: the layers from an input root up to here, and the IR shape reached. */
    private record Chain(Chain parent, Layer layer, int depth, Shape shape) {
        static Chain root(Shape shape) {
            return new Chain(null, null, 0, shape);
        }

        Chain then(Layer l) {
            return new Chain(this, l, depth + 1, l.outputShape(shape));
        }

        boolean isRoot() {
            return parent == null;
        }

        List<Layer> layersFrom(Chain ancestor) {
            Deque<Layer> ls = new ArrayDeque<>();
            for (Chain c = this; c != ancestor; c = c.parent) {
                ls.addFirst(c.layer);
            }
            return new ArrayList<>(ls);
        }
    }

    /** A value that depends on the input: its layers, its ONNX dims (batch included), and whether an NHWC transpose awaits a flatten. */
    private record Computed(Chain chain, long[] dims, boolean nhwc) {
    }

    private final GraphProto graph;
    private final Map<String, Object> values = new HashMap<>();
    private final String inputName;
    private final long[] inputDims;

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

    Network convert(String name, InputDomain domainOrNull) {
        for (TensorProto t : graph.getInitializerList()) {
            try {
                values.put(t.getName(), OnnxTensor.decode(t));
            } catch (NetworkException e) {
                throw new NetworkException("initializer '" + t.getName() + "': " + e.getMessage(), e);
            }
        }
        values.put(inputName, new Computed(Chain.root(irShapeOf(inputDims)), inputDims, false));
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
        if (c.nhwc) {
            throw new NetworkException("graph output '" + outName + "' is a transposed (NHWC) image, which is not supported");
        }
        Chain root = c.chain;
        while (!root.isRoot()) {
            root = root.parent;
        }
        List<Layer> layers = c.chain.layersFrom(root);
        if (layers.isEmpty()) {
            throw new NetworkException("graph output '" + outName + "' is the input itself; the network has no layers");
        }
        Shape inShape = root.shape;
        InputDomain domain = domainOrNull;
        if (domain == null) {
            domain = inShape.isImage() ? InputDomain.uniform(inShape.size(), 0.0, 1.0)
                    : InputDomain.uniform(inShape.size(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        } else if (domain.size() != inShape.size()) {
            throw new NetworkException("the given input domain has " + domain.size() + " elements, the network input " + inShape + " has " + inShape.size());
        }
        return new Network(name, inShape, domain, layers);
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
            case "Identity", "Dropout" -> in(n, 0);
            case "Relu" -> append(plain(n, 0), new Relu(), null);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Add", "Sub", "Mul", "Div" -> elementwise(n);
            case "Conv" -> conv(n);
            case "MaxPool", "AveragePool" -> pool(n);
            case "BatchNormalization" -> batchNorm(n);
            case "Flatten" -> {
                Computed x = computed(n, 0);
                yield setDims(x, flattenDims(x.dims, attrInt(n, "axis", 1)));
            }
            case "Reshape" -> {
                Computed x = computed(n, 0);
                yield setDims(x, reshapeDims(x.dims, constant(n, 1).asLongs()));
            }
            case "Squeeze" -> {
                Computed x = computed(n, 0);
                yield setDims(x, squeezeDims(x.dims, axes(n)));
            }
            case "Unsqueeze" -> {
                Computed x = computed(n, 0);
                yield setDims(x, unsqueezeDims(x.dims, axes(n)));
            }
            case "Transpose" -> transpose(n);
            default -> throw new NetworkException("operator " + op + " is not supported on values that depend on the input");
        };
        put(n, result);
    }

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

    /** A computed value that is not awaiting an NHWC flatten. */
    private Computed plain(NodeProto n, int i) {
        Computed c = computed(n, i);
        if (c.nhwc) {
            throw new NetworkException("a Transpose to NHWC is only supported directly before Flatten/Reshape");
        }
        return c;
    }

    private static long[] dimsOf(Object v) {
        return v instanceof Computed c ? c.dims : ((OnnxTensor) v).dims();
    }

    private static Computed append(Computed x, Layer l, long[] dims) {
        Chain c = x.chain.then(l);
        return new Computed(c, dims != null ? dims : x.dims, false);
    }

    private static long[] imageDims(Shape s) {
        return new long[] {1, s.channels(), s.height(), s.width()};
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
        long[] outDims = parts.get(0).dims();
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
    private static boolean isVectorLike(long[] dims) {
        int big = 0;
        for (long d : dims) {
            if (d != 1) {
                big++;
            }
        }
        return big <= 1;
    }

    private static long[] nonUnit(long[] dims) {
        return Arrays.stream(dims).filter(d -> d != 1).toArray();
    }

    /**
     * A reshape of a computed value. Row-major storage does not change, so the only question is the
     * IR shape: an image may become flat (a Flatten layer), a flat value may take any dims, and the
     * network input itself may be re-read as an image.
     */
    private static Computed setDims(Computed x, long[] newDims) {
        if (Arrays.equals(x.dims, newDims)) {
            return x;
        }
        Shape s = x.chain.shape;
        if (x.nhwc) {
            if (!isVectorLike(newDims)) {
                throw new NetworkException("a transposed (NHWC) image may only be flattened, not reshaped to " + Arrays.toString(newDims));
            }
            return append(new Computed(x.chain, x.dims, false), new Flatten(FlattenOrder.NHWC), newDims);
        }
        if (s.isFlat()) {
            if (x.chain.isRoot()) {
                // The network input itself (e.g. [1,784] reshaped to [1,1,28,28]): re-read it in the new shape.
                Shape ns = irShapeOf(newDims);
                return new Computed(ns.equals(s) ? x.chain : Chain.root(ns), newDims, false);
            }
            return new Computed(x.chain, newDims, false);
        }
        if (Arrays.equals(nonUnit(x.dims), nonUnit(newDims)) && newDims.length == 4 && newDims[0] == 1) {
            return new Computed(x.chain, newDims, false); // only size-1 axes moved around the same image
        }
        if (newDims.length <= 3 && isVectorLike(newDims) || newDims.length == 2 && newDims[0] == 1) {
            return append(x, new Flatten(FlattenOrder.NCHW), newDims);
        }
        if (x.chain.isRoot()) {
            return new Computed(Chain.root(irShapeOf(newDims)), newDims, false);
        }
        throw new NetworkException("reshaping the image " + s + " to " + Arrays.toString(newDims) + " is neither a flatten nor a no-op");
    }

    private Object transpose(NodeProto n) {
        Computed x = plain(n, 0);
        int[] perm = perm(n, x.dims.length);
        long[] nd = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            nd[i] = x.dims[perm[i]];
        }
        // Moving only size-1 axes does not move any value.
        int last = -1;
        boolean orderKept = true;
        for (int p : perm) {
            if (x.dims[p] != 1) {
                orderKept &= p > last;
                last = p;
            }
        }
        if (orderKept) {
            return setDims(x, nd);
        }
        if (Arrays.equals(perm, new int[] {0, 2, 3, 1}) && x.chain.shape.isImage()) {
            return new Computed(x.chain, nd, true);
        }
        throw new NetworkException("Transpose with perm " + Arrays.toString(perm) + " on " + Arrays.toString(x.dims)
                + " is supported only as a no-op or as NCHW->NHWC right before Flatten");
    }

    // ---------------------------------------------------------------- affine ops

    private Object gemm(NodeProto n) {
        if (attrInt(n, "transA", 0) != 0) {
            throw new NetworkException("Gemm with transA=" + attrInt(n, "transA", 0) + " is not supported (only transA=0)");
        }
        Computed x = plain(n, 0);
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
        return append(x, new Dense(inSize, out, wv, bias), new long[] {1, out});
    }

    private Object matMul(NodeProto n) {
        if (!(in(n, 0) instanceof Computed)) {
            throw new NetworkException("MatMul with a constant left operand (W·x) is not supported; expected x·W");
        }
        Computed x = plain(n, 0);
        OnnxTensor w = constant(n, 1);
        if (w.rank() != 2) {
            throw new NetworkException("MatMul weight has shape " + Arrays.toString(w.dims()) + ", expected rank 2 [in, out]");
        }
        int inSize = (int) w.dims()[0], out = (int) w.dims()[1];
        long[] d = x.dims;
        if (d[d.length - 1] != inSize || OnnxTensor.size(d) != inSize) {
            throw new NetworkException("shape mismatch: MatMul input " + Arrays.toString(d) + " times weight " + Arrays.toString(w.dims()));
        }
        if (!x.chain.shape.isFlat()) {
            x = append(x, new Flatten(FlattenOrder.NCHW), d); // a 1x1xn image (e.g. a Conv output): same values, flat
        }
        long[] nd = d.clone();
        nd[nd.length - 1] = out;
        return append(x, new Dense(inSize, out, w.transpose(new int[] {1, 0}).values(), new double[out]), nd);
    }

    private Object elementwise(NodeProto n) {
        String op = n.getOpType();
        Object a = in(n, 0), b = in(n, 1);
        if (a instanceof Computed ca && b instanceof Computed cb) {
            if (!op.equals("Add")) {
                throw new NetworkException(op + " of two values that both depend on the input is not supported (only Add, as a residual connection)");
            }
            return residual(n, ca, cb);
        }
        boolean xFirst = a instanceof Computed;
        Computed x = xFirst ? plain(n, 0) : plain(n, 1);
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
        return affine(x, scale, shift);
    }

    private Object batchNorm(NodeProto n) {
        if (attrInt(n, "training_mode", 0) != 0) {
            throw new NetworkException("BatchNormalization with training_mode=1 is not supported");
        }
        Computed x = plain(n, 0);
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
        double[] a = new double[ch], b = new double[ch];
        for (int c = 0; c < ch; c++) {
            a[c] = gamma[c] / Math.sqrt(var[c] + eps);
            b[c] = beta[c] - mean[c] * a[c];
        }
        long[] cd = new long[x.dims.length];
        Arrays.fill(cd, 1);
        cd[1] = ch;
        return affine(x, new OnnxTensor(cd, a).broadcastTo(x.dims), new OnnxTensor(cd, b).broadcastTo(x.dims));
    }

    /**
     * Applies {@code y = scale ⊙ x + shift} (per element, in the value's row-major order) by folding it
     * into the preceding Dense or Conv2d, or merging it into a Normalize, or as a new Normalize (when
     * per channel) or a diagonal Dense (flat and small).
     */
    private static Computed affine(Computed x, double[] scale, double[] shift) {
        boolean identity = true;
        for (int i = 0; i < scale.length; i++) {
            identity &= scale[i] == 1 && shift[i] == 0;
        }
        if (identity) {
            return x;
        }
        Chain ch = x.chain;
        Shape s = ch.shape;
        int n = s.size();
        if (ch.layer instanceof Dense d) {
            double[] w = d.weights(), b = d.bias();
            int in = d.inputSize();
            for (int o = 0; o < d.outputSize(); o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] *= scale[o];
                }
                b[o] = b[o] * scale[o] + shift[o];
            }
            return new Computed(ch.parent.then(new Dense(in, d.outputSize(), w, b)), x.dims, false);
        }
        int channels = s.channels();
        int per = n / channels;
        double[] cScale = perChannel(scale, channels, per), cShift = perChannel(shift, channels, per);
        if (cScale != null && cShift != null && ch.layer instanceof Conv2d cv) {
            double[] w = cv.weights(), b = cv.bias();
            int k = w.length / cv.outChannels();
            for (int o = 0; o < cv.outChannels(); o++) {
                for (int i = 0; i < k; i++) {
                    w[o * k + i] *= cScale[o];
                }
                b[o] = b[o] * cScale[o] + cShift[o];
            }
            return new Computed(ch.parent.then(new Conv2d(cv.inChannels(), cv.outChannels(), cv.window(), w, b)), x.dims, false);
        }
        if (cScale == null && s.isFlat()) {
            cScale = perChannel(scale, 1, n);
        }
        if (cShift == null && s.isFlat()) {
            cShift = perChannel(shift, 1, n);
        }
        if (cScale != null && cShift != null && nonZero(cScale)) {
            Chain base = ch;
            if (ch.layer instanceof Normalize prev && prev.mean().length == cScale.length) {
                // (x - m1)/s1 is x·(1/s1) - m1/s1: compose the two affine maps into one Normalize.
                double[] m1 = prev.mean(), s1 = prev.std();
                for (int c = 0; c < cScale.length; c++) {
                    double a1 = 1 / s1[c], b1 = -m1[c] / s1[c];
                    cShift[c] = cScale[c] * b1 + cShift[c];
                    cScale[c] = cScale[c] * a1;
                }
                base = ch.parent;
                if (!nonZero(cScale)) {
                    throw new NetworkException("elementwise scale by zero is not supported");
                }
            }
            double[] mean = new double[cScale.length], std = new double[cScale.length];
            for (int c = 0; c < cScale.length; c++) {
                std[c] = 1 / cScale[c];
                mean[c] = -cShift[c] / cScale[c];
            }
            return new Computed(base.then(new Normalize(mean, std)), x.dims, false);
        }
        if (s.isFlat() && n <= MAX_DIAGONAL_DENSE) {
            double[] w = new double[n * n];
            for (int i = 0; i < n; i++) {
                w[i * n + i] = scale[i];
            }
            return new Computed(ch.then(new Dense(n, n, w, shift)), x.dims, false);
        }
        throw new NetworkException("an elementwise constant that varies within a channel of " + s
                + " can only be folded into a preceding Dense layer or applied to a flat tensor of at most " + MAX_DIAGONAL_DENSE + " values");
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

    private Object residual(NodeProto n, Computed a, Computed b) {
        if (a.nhwc || b.nhwc) {
            throw new NetworkException("a residual Add of a transposed (NHWC) value is not supported");
        }
        if (!Arrays.equals(a.dims, b.dims)) {
            throw new NetworkException("shape mismatch: residual Add of " + Arrays.toString(a.dims) + " and " + Arrays.toString(b.dims)
                    + " (broadcasting between two computed values is not supported)");
        }
        Chain p = a.chain, q = b.chain;
        while (p != null && q != null && p != q) {
            if (p.depth >= q.depth) {
                p = p.parent;
            } else {
                q = q.parent;
            }
        }
        if (p == null || q == null) {
            throw new NetworkException("the two operands of Add have no common ancestor that Certus can represent as a residual block");
        }
        Residual r = new Residual(a.chain.layersFrom(p), b.chain.layersFrom(p));
        return new Computed(p.then(r), a.dims, false);
    }

    // ---------------------------------------------------------------- windows

    /** The network input re-read as an image when it is [1,C,H,W] but was taken as flat (e.g. [1,1,1,5]). */
    private static Computed asImage(Computed x) {
        if (x.chain.shape.isImage()) {
            return x;
        }
        if (x.chain.isRoot() && x.dims.length == 4 && x.dims[0] == 1) {
            return new Computed(Chain.root(Shape.chw((int) x.dims[1], (int) x.dims[2], (int) x.dims[3])), x.dims, false);
        }
        throw new NetworkException("expected an image [1,C,H,W], got " + Arrays.toString(x.dims));
    }

    private static Window2d window(NodeProto n, Shape in, int kH, int kW) {
        long[] dil = attrInts(n, "dilations");
        if (dil != null) {
            for (long d : dil) {
                if (d != 1) {
                    throw new NetworkException("dilations " + Arrays.toString(dil) + " are not supported (only 1)");
                }
            }
        }
        long[] st = attrInts(n, "strides");
        if (st != null && st.length != 2) {
            throw new NetworkException("strides " + Arrays.toString(st) + " must have 2 values");
        }
        int sH = st == null ? 1 : (int) st[0], sW = st == null ? 1 : (int) st[1];
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
                if (pads.length != 4) {
                    throw new NetworkException("pads " + Arrays.toString(pads) + " must have 4 values [top, left, bottom, right]");
                }
                // ONNX orders pads as all begins then all ends: [top, left, bottom, right].
                return new Window2d(kH, kW, sH, sW, (int) pads[0], (int) pads[2], (int) pads[1], (int) pads[3]);
            default:
                throw new NetworkException("auto_pad '" + autoPad + "' is not supported");
        }
    }

    private Object conv(NodeProto n) {
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw new NetworkException("group=" + group + " is not supported (only group=1)");
        }
        Computed x = asImage(plain(n, 0));
        OnnxTensor w = constant(n, 1);
        if (w.rank() != 4) {
            throw new NetworkException("Conv weight has shape " + Arrays.toString(w.dims()) + "; only 2-D convolutions [outC, inC, kH, kW] are supported");
        }
        long[] wd = w.dims();
        long[] ks = attrInts(n, "kernel_shape");
        if (ks != null && (ks.length != 2 || ks[0] != wd[2] || ks[1] != wd[3])) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight shape " + Arrays.toString(wd));
        }
        Shape s = x.chain.shape;
        if (wd[1] != s.channels()) {
            throw new NetworkException("shape mismatch: Conv weight " + Arrays.toString(wd) + " expects " + wd[1] + " input channels, input has " + s.channels());
        }
        int outC = (int) wd[0];
        double[] bias = hasInput(n, 2) ? constant(n, 2).broadcastTo(new long[] {outC}) : new double[outC];
        Window2d win = window(n, s, (int) wd[2], (int) wd[3]);
        Conv2d conv = new Conv2d((int) wd[1], outC, win, w.values(), bias);
        Computed r = append(x, conv, null);
        return new Computed(r.chain, imageDims(r.chain.shape), false);
    }

    private Object pool(NodeProto n) {
        if (attrInt(n, "ceil_mode", 0) != 0) {
            throw new NetworkException("ceil_mode=1 is not supported (only 0)");
        }
        Computed x = asImage(plain(n, 0));
        long[] ks = attrInts(n, "kernel_shape");
        if (ks == null || ks.length != 2) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " must have 2 values");
        }
        Window2d win = window(n, x.chain.shape, (int) ks[0], (int) ks[1]);
        Layer l = n.getOpType().equals("MaxPool") ? new MaxPool(win) : new AveragePool(win, attrInt(n, "count_include_pad", 0) != 0);
        Computed r = append(x, l, null);
        return new Computed(r.chain, imageDims(r.chain.shape), false);
    }
}
