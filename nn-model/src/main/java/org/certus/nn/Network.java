package org.certus.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable network: an input shape and domain and a directed acyclic graph of {@link Operation}s
 * whose shapes are checked when it is built. Value 0 is the input; node {@code i} computes value
 * {@code i + 1} from earlier values; the last node's value is the output. A sequential network (each
 * node reading the value before it) is built from its list of operations.
 */
public final class Network {
    /** One operation of the graph and the values it reads (indices of earlier values; 0 = the input). */
    public record Node(Operation op, int[] inputs) {
        public Node {
            if (op == null) {
                throw new NetworkException("a node needs an operation");
            }
            inputs = inputs.clone();
        }

        @Override
        public int[] inputs() {
            return inputs.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node n && op.equals(n.op) && Arrays.equals(inputs, n.inputs);
        }

        @Override
        public int hashCode() {
            return 31 * op.hashCode() + Arrays.hashCode(inputs);
        }

        @Override
        public String toString() {
            return op.describe() + Arrays.toString(inputs);
        }
    }

    private final String name;
    private final Shape inputShape;
    private final InputDomain inputDomain;
    private final List<Node> nodes;
    private final List<Shape> shapes;
    private final int[][] inputsOf;
    private final int[] lastUse;
    private final boolean sequential;
    /** The lowering over the input domain, built on first use ({@link ReluChain#of(Network)}). */
    private volatile ReluChain chain;
    /** Why the lowering over the input domain failed (it then needs a query's box), or null. */
    private volatile NetworkException chainFailure;
    /** The last chain lowered over a query's box (when the domain's cannot serve it); see {@link ReluChain#of}. */
    private volatile ReluChain regionChain;

    /** A sequential network: each operation reads the value before it. */
    public Network(String name, Shape inputShape, InputDomain inputDomain, List<? extends Operation> layers) {
        this(name, inputShape, inputDomain, sequentialNodes(layers), true);
    }

    private static List<Node> sequentialNodes(List<? extends Operation> layers) {
        List<Node> nodes = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            nodes.add(new Node(layers.get(i), new int[] {i}));
        }
        return nodes;
    }

    /**
     * A network from its graph: node {@code i} reads the values {@code nodes.get(i).inputs()} (each below
     * {@code i + 1}) and computes value {@code i + 1}; the last node's value is the output. Nodes the
     * output does not depend on are dropped.
     */
    public static Network graph(String name, Shape inputShape, InputDomain inputDomain, List<Node> nodes) {
        return new Network(name, inputShape, inputDomain, live(nodes), false);
    }

    private Network(String name, Shape inputShape, InputDomain inputDomain, List<Node> nodes, boolean sequentialByConstruction) {
        if (inputDomain.size() != inputShape.size()) {
            throw new NetworkException("input domain has " + inputDomain.size() + " elements, input shape " + inputShape + " has " + inputShape.size());
        }
        if (nodes.isEmpty()) {
            throw new NetworkException("network '" + name + "' has no layers");
        }
        this.name = name;
        this.inputShape = inputShape;
        this.inputDomain = inputDomain;
        this.nodes = List.copyOf(nodes);
        List<Shape> s = new ArrayList<>(nodes.size() + 1);
        s.add(inputShape);
        this.inputsOf = new int[nodes.size()][];
        this.lastUse = new int[nodes.size() + 1];
        Arrays.fill(lastUse, -1);
        boolean seq = true;
        for (int i = 0; i < this.nodes.size(); i++) {
            Node n = this.nodes.get(i);
            int[] in = n.inputs;
            String where = "network '" + name + "', layer " + i + " (" + n.op.describe() + ")";
            int arity = n.op.arity();
            if (arity == Operation.VARIADIC ? in.length == 0 : in.length != arity) {
                throw new NetworkException(where + ": takes " + (arity == Operation.VARIADIC ? "at least one input" : arity + " input(s)")
                        + ", got " + in.length);
            }
            List<Shape> inShapes = new ArrayList<>(in.length);
            for (int v : in) {
                if (v < 0 || v > i) {
                    throw new NetworkException(where + ": reads value " + v + ", which is not computed before it");
                }
                inShapes.add(s.get(v));
                lastUse[v] = i;
            }
            seq &= in.length == 1 && in[0] == i;
            inputsOf[i] = in;
            try {
                s.add(n.op.outputShape(inShapes));
            } catch (NetworkException e) {
                throw new NetworkException(where + ": " + e.getMessage(), e);
            }
        }
        this.shapes = Collections.unmodifiableList(s);
        this.sequential = seq || sequentialByConstruction;
    }

    /** The nodes the last one depends on, renumbered. */
    private static List<Node> live(List<Node> nodes) {
        int n = nodes.size();
        if (n == 0) {
            return nodes;
        }
        boolean[] needed = new boolean[n + 1];
        needed[n] = true;
        for (int i = n - 1; i >= 0; i--) {
            if (needed[i + 1]) {
                for (int v : nodes.get(i).inputs) {
                    if (v >= 0 && v <= i) {
                        needed[v] = true;
                    } else {
                        throw new NetworkException("layer " + i + " (" + nodes.get(i).op.describe() + ") reads value " + v
                                + ", which is not computed before it");
                    }
                }
            }
        }
        int[] renumber = new int[n + 1];
        List<Node> kept = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            if (needed[v]) {
                int[] in = nodes.get(v - 1).inputs.clone();
                for (int k = 0; k < in.length; k++) {
                    in[k] = renumber[in[k]];
                }
                kept.add(new Node(nodes.get(v - 1).op, in));
                renumber[v] = kept.size();
            }
        }
        return kept;
    }

    public String name() {
        return name;
    }

    public Shape inputShape() {
        return inputShape;
    }

    public int inputSize() {
        return inputShape.size();
    }

    public InputDomain inputDomain() {
        return inputDomain;
    }

    /** The same graph under another name and input domain. */
    public Network withNameAndDomain(String newName, InputDomain domain) {
        return new Network(newName, inputShape, domain, nodes, sequential);
    }

    /**
     * {@code front} (a sequential list of operations from a new input) followed by this network:
     * e.g. a perturbation's parameters mapped into this network's input space.
     */
    public Network prepend(String newName, Shape newInput, InputDomain domain, List<? extends Operation> front) {
        List<Node> all = new ArrayList<>(sequentialNodes(front));
        int shift = front.size();
        for (Node n : nodes) {
            int[] in = n.inputs.clone();
            for (int k = 0; k < in.length; k++) {
                in[k] += shift;
            }
            all.add(new Node(n.op, in));
        }
        return new Network(newName, newInput, domain, all, sequential);
    }

    /** The operations in node order (for a sequential network, its layers). */
    public List<Operation> layers() {
        List<Operation> ops = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            ops.add(n.op);
        }
        return Collections.unmodifiableList(ops);
    }

    /** The operation of node {@code i}. */
    public Operation layer(int i) {
        return nodes.get(i).op;
    }

    /** Number of nodes (for a sequential network, of layers). */
    public int layerCount() {
        return nodes.size();
    }

    public int nodeCount() {
        return nodes.size();
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Shape of value {@code i}: for a sequential network the input of layer {@code i};
     * {@code shapeBefore(layerCount())} is the output shape.
     */
    public Shape shapeBefore(int i) {
        return shapes.get(i);
    }

    /** Shape of value {@code v} (0 the input, {@code i + 1} node i's output). */
    public Shape valueShape(int v) {
        return shapes.get(v);
    }

    /** The shapes of node {@code i}'s inputs, in its input order. */
    public List<Shape> inputShapes(int i) {
        int[] in = inputsOf[i];
        List<Shape> s = new ArrayList<>(in.length);
        for (int v : in) {
            s.add(shapes.get(v));
        }
        return s;
    }

    /** The last node that reads value {@code v}, or −1 (the output). */
    int lastUse(int v) {
        return lastUse[v];
    }

    public Shape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    public int outputSize() {
        return outputShape().size();
    }

    public long parameterCount() {
        long n = 0;
        for (Node node : nodes) {
            n += node.op.parameterCount();
        }
        return n;
    }

    /** Number of ReLU units of the graph (its ReLU operations' outputs). */
    public int reluCount() {
        int n = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).op instanceof Relu) {
                n += shapes.get(i + 1).size();
            }
        }
        return n;
    }

    /** True when each node reads the value just before it (a chain of layers). */
    public boolean isSequential() {
        return sequential;
    }

    /** The exact double-precision forward pass with every value of the graph. */
    public Activations forward(double[] input) {
        if (input.length != inputShape.size()) {
            throw new NetworkException("network '" + name + "' expects " + inputShape.size() + " inputs, got " + input.length);
        }
        double[][] values = new double[nodes.size() + 1][];
        values[0] = input.clone();
        for (int i = 0; i < nodes.size(); i++) {
            int[] in = inputsOf[i];
            double[][] args = new double[in.length][];
            for (int k = 0; k < in.length; k++) {
                args[k] = values[in[k]];
            }
            values[i + 1] = new double[shapes.get(i + 1).size()];
            nodes.get(i).op.forward(inputShapes(i), args, values[i + 1]);
        }
        return new Activations(values);
    }

    /** The output only. */
    public double[] evaluate(double[] input) {
        return forward(input).output();
    }

    /** Index of the largest output (the predicted class); ties go to the lowest index. */
    public int predict(double[] input) {
        return Logits.argmax(evaluate(input));
    }

    /** The chain over the input domain, lowered on first use. */
    ReluChain chain() {
        ReluChain c = chain;
        if (c == null) {
            synchronized (this) {
                c = chain;
                if (c == null) {
                    if (chainFailure != null) {
                        throw chainFailure;
                    }
                    try {
                        c = Lowering.lower(this, inputDomain.lower());
                    } catch (NetworkException e) {
                        chainFailure = e;
                        throw e;
                    }
                    chain = c;
                }
            }
        }
        return c;
    }

    /** The chain over the input domain if it has been lowered already (never lowers), else null. */
    ReluChain loweredChainOrNull() {
        return chain;
    }

    /** Keeps {@code c} as the chain over the input domain unless one is kept already ({@code c} must hold there). */
    synchronized void offerChain(ReluChain c) {
        if (chain == null) {
            chain = c;
        }
    }

    ReluChain regionChain() {
        return regionChain;
    }

    void rememberRegionChain(ReluChain c) {
        regionChain = c;
    }

    /** Sets the chain (for a network made from a chain, {@link ReluChain#asNetwork}). */
    void attachChain(ReluChain c) {
        this.chain = c;
    }

    /** One line per node: index, operation, inputs (for graphs), shapes. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            String from = sequential ? "" : " <- " + inputList(inputsOf[i]);
            List<Shape> ins = inputShapes(i);
            String inShapes = ins.size() == 1 ? ins.get(0).toString() : ins.toString();
            sb.append(String.format("%3d  %-40s %s -> %s%s%n", i, nodes.get(i).op.describe(), inShapes, shapes.get(i + 1), from));
        }
        return sb.toString();
    }

    private static String inputList(int[] in) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < in.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(in[k] == 0 ? "input" : "#" + (in[k] - 1));
        }
        return sb.toString();
    }
}
