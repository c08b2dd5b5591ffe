package org.certus.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable feed-forward network: an input shape and domain and a sequence of layers whose
 * shapes are checked when it is built. Residual connections are {@link Residual} blocks.
 */
public final class Network {
    private final String name;
    private final Shape inputShape;
    private final InputDomain inputDomain;
    private final List<Layer> layers;
    private final List<Shape> shapes;

    public Network(String name, Shape inputShape, InputDomain inputDomain, List<Layer> layers) {
        if (inputDomain.size() != inputShape.size()) {
            throw new NetworkException("input domain has " + inputDomain.size() + " elements, input shape " + inputShape + " has " + inputShape.size());
        }
        if (layers.isEmpty()) {
            throw new NetworkException("network '" + name + "' has no layers");
        }
        this.name = name;
        this.inputShape = inputShape;
        this.inputDomain = inputDomain;
        this.layers = List.copyOf(layers);
        List<Shape> s = new ArrayList<>(layers.size() + 1);
        s.add(inputShape);
        Shape cur = inputShape;
        for (int i = 0; i < this.layers.size(); i++) {
            try {
                cur = this.layers.get(i).outputShape(cur);
            } catch (NetworkException e) {
                throw new NetworkException("network '" + name + "', layer " + i + " (" + this.layers.get(i).describe() + "): " + e.getMessage(), e);
            }
            s.add(cur);
        }
        this.shapes = Collections.unmodifiableList(s);
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

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    public int layerCount() {
        return layers.size();
    }

    /** Shape of the input of layer {@code i}; {@code shapeBefore(layerCount())} is the output shape. */
    public Shape shapeBefore(int i) {
        return shapes.get(i);
    }

    public Shape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    public int outputSize() {
        return outputShape().size();
    }

    public long parameterCount() {
        long n = 0;
        for (Layer l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    /** Number of ReLU units (the binary variables of an exact encoding), residual branches included. */
    public int reluCount() {
        return countRelus(inputShape, layers);
    }

    private static int countRelus(Shape in, List<Layer> layers) {
        int n = 0;
        Shape cur = in;
        for (Layer l : layers) {
            if (l instanceof Relu) {
                n += cur.size();
            } else if (l instanceof Residual r) {
                n += countRelus(cur, r.branchA()) + countRelus(cur, r.branchB());
            }
            cur = l.outputShape(cur);
        }
        return n;
    }

    /** True when the network has no residual blocks (the verifier's sequential normal form). */
    public boolean isSequential() {
        for (Layer l : layers) {
            if (l instanceof Residual) {
                return false;
            }
        }
        return true;
    }

    /** The exact double-precision forward pass with every layer's output. */
    public Activations forward(double[] input) {
        if (input.length != inputShape.size()) {
            throw new NetworkException("network '" + name + "' expects " + inputShape.size() + " inputs, got " + input.length);
        }
        double[][] values = new double[layers.size() + 1][];
        values[0] = input.clone();
        for (int i = 0; i < layers.size(); i++) {
            values[i + 1] = new double[shapes.get(i + 1).size()];
            layers.get(i).forward(shapes.get(i), values[i], values[i + 1]);
        }
        return new Activations(values);
    }

    /** The output only. */
    public double[] evaluate(double[] input) {
        return forward(input).output();
    }

    /** Index of the largest output (the predicted class); ties go to the lowest index. */
    public int predict(double[] input) {
        double[] y = evaluate(input);
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }

    static Shape shapeAfter(Shape in, List<Layer> layers) {
        Shape cur = in;
        for (Layer l : layers) {
            cur = l.outputShape(cur);
        }
        return cur;
    }

    static double[] run(Shape in, List<Layer> layers, double[] x) {
        Shape cur = in;
        double[] v = x;
        for (Layer l : layers) {
            Shape next = l.outputShape(cur);
            double[] o = new double[next.size()];
            l.forward(cur, v, o);
            v = o;
            cur = next;
        }
        return v;
    }

    /** One line per layer. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            sb.append(String.format("%3d  %-40s %s -> %s%n", i, layers.get(i).describe(), shapes.get(i), shapes.get(i + 1)));
        }
        return sb.toString();
    }
}
