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

import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Relu;
import org.certus.nn.Reshape;
import org.certus.nn.Shape;
import org.certus.nn.io.OnnxValues.Computed;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * Turns one ONNX graph into a {@link Network} graph by symbolic execution: every value is either a
 * constant (folded eagerly by {@link OnnxConstants}, so Shape→Gather→Concat chains and Constant nodes
 * disappear) or a value of the network graph being built, with its ONNX dims ({@link OnnxValues}). This
 * class walks the live nodes and hands each operation to its family: affine operations
 * ({@link OnnxAffineNodes}: constants next to a Dense or Conv2d fold into its weights, as runtimes fuse
 * them; Add of two computed values is a residual join), static rearrangements ({@link OnnxRearrangeNodes}:
 * Transpose, Slice, Gather, Pad and Concat become {@code IndexSelect}s) and windows ({@link OnnxWindowNodes}).
 */
final class OnnxGraphConverter {
    private final GraphProto graph;
    private final String inputName;
    private final long[] inputDims;
    private final OnnxValues values = new OnnxValues();
    private final OnnxAffineNodes affine = new OnnxAffineNodes(values);
    private final OnnxRearrangeNodes rearrange = new OnnxRearrangeNodes(values);
    private final OnnxWindowNodes windows = new OnnxWindowNodes(values);

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
        this.inputDims = OnnxDims.inputDims(in);
    }

    Network convert(String name, InputDomain domainOrNull) {
        for (TensorProto t : graph.getInitializerList()) {
            try {
                values.initializer(t.getName(), OnnxTensor.decode(t));
            } catch (NetworkException e) {
                throw new NetworkException("initializer '" + t.getName() + "': " + e.getMessage(), e);
            }
        }
        values.input(inputName, inputDims);
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
        if (c.value() == 0) {
            throw new NetworkException("graph output '" + outName + "' is the input itself; the network has no layers");
        }
        List<Network.Node> kept = new ArrayList<>(values.nodes().subList(0, c.value()));
        Shape inShape = values.shape(0);
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

    // ---------------------------------------------------------------- node dispatch

    private void convertNode(NodeProto n) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw new NetworkException("operator domain '" + n.getDomain() + "' is not supported");
        }
        String op = n.getOpType();
        if (op.equals("Constant")) {
            values.put(n, OnnxConstants.constantNode(n));
            return;
        }
        boolean allConst = true;
        for (int i = 0; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty() && !(values.in(n, i) instanceof OnnxTensor)) {
                allConst = false;
            }
        }
        if (op.equals("Shape")) {
            values.put(n, OnnxConstants.shape(n, OnnxValues.dimsOf(values.in(n, 0))));
            return;
        }
        if (allConst) {
            values.put(n, OnnxConstants.fold(n, values));
            return;
        }
        Object result = switch (op) {
            case "Identity", "Dropout" -> values.computed(n, 0);
            case "Relu" -> {
                Computed x = values.computed(n, 0);
                yield values.node(new Relu(), x.dims(), x);
            }
            case "Gemm" -> affine.gemm(n);
            case "MatMul" -> affine.matMul(n);
            case "Add", "Sub", "Mul", "Div" -> affine.elementwise(n);
            case "Neg" -> {
                Computed x = values.computed(n, 0);
                double[] s = new double[(int) OnnxTensor.size(x.dims())];
                Arrays.fill(s, -1.0);
                yield affine.affine(x, s, new double[s.length], "Neg", null, 1);
            }
            case "Conv" -> windows.conv(n);
            case "ConvTranspose" -> windows.convTranspose(n);
            case "MaxPool", "AveragePool" -> windows.pool(n);
            case "BatchNormalization" -> affine.batchNorm(n);
            case "Flatten" -> {
                Computed x = values.computed(n, 0);
                yield OnnxValues.withDims(x, OnnxDims.flattenDims(x.dims(), OnnxAttributes.attrInt(n, "axis", 1)));
            }
            case "Reshape" -> {
                Computed x = values.computed(n, 0);
                yield OnnxValues.withDims(x, OnnxDims.reshapeDims(x.dims(), values.constant(n, 1).asLongs()));
            }
            case "Squeeze" -> {
                Computed x = values.computed(n, 0);
                yield OnnxValues.withDims(x, OnnxDims.squeezeDims(x.dims(), values.axes(n)));
            }
            case "Unsqueeze" -> {
                Computed x = values.computed(n, 0);
                yield OnnxValues.withDims(x, OnnxDims.unsqueezeDims(x.dims(), values.axes(n)));
            }
            case "Transpose" -> rearrange.transpose(n);
            case "Slice" -> rearrange.slice(n);
            case "Gather" -> rearrange.gatherComputed(n);
            case "Pad" -> rearrange.pad(n);
            case "Concat" -> rearrange.concatComputed(n);
            default -> throw new NetworkException("operator " + op + " is not supported on values that depend on the input"
                    + (NOT_PIECEWISE_LINEAR.contains(op) ? " (it is not piecewise linear, so no complete verifier of this kind can verify it)" : ""));
        };
        values.put(n, result);
    }

    private static final Set<String> NOT_PIECEWISE_LINEAR = Set.of("Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp", "Log",
            "Sqrt", "Pow", "Erf", "Gelu", "Softplus", "Elu", "Selu", "HardSigmoid", "Sin", "Cos");

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
}
