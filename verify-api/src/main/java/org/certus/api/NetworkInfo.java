package org.certus.api;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.certus.nn.AffineOperation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;

/**
 * What the verifier makes of a network ({@code certus info}'s "verifier" lines): its normal form (ReLU layers,
 * neurons, the passthrough neurons that carry skip connections) or why it is lowered per query, and per node of the
 * graph whether it becomes an exact affine map or ReLUs in which layers of the normal form. Immutable.
 */
public final class NetworkInfo {
    private final int reluLayers;
    private final int neurons;
    private final int passthrough;
    private final String loweringProblem;
    private final String[] nodes;

    private final Network net;

    private NetworkInfo(Network net, int reluLayers, int neurons, int passthrough, String loweringProblem, String[] nodes) {
        this.net = net;
        this.reluLayers = reluLayers;
        this.neurons = neurons;
        this.passthrough = passthrough;
        this.loweringProblem = loweringProblem;
        this.nodes = nodes;
    }

    /**
     * Lowers the network (once, over its domain) and describes the result.
     *
     * @param net the network
     * @return the description
     */
    public static NetworkInfo of(Network net) {
        ReluChain chain = null;
        String why = null;
        try {
            chain = ReluChain.of(net);
        } catch (NetworkException e) {
            why = e.getMessage();
        }
        int pass = 0;
        if (chain != null) {
            for (int i = 0; i < chain.reluLayerCount(); i++) {
                pass += chain.passthroughCount(i);
            }
        }
        return new NetworkInfo(net, chain == null ? 0 : chain.reluLayerCount(), chain == null ? 0 : chain.reluCount(), pass, why,
                verifierColumn(net, chain));
    }

    /**
     * Whether the network lowers to one normal form over its whole domain.
     *
     * @return false when it is lowered per query (see {@link #loweringProblem()})
     */
    public boolean lowered() {
        return loweringProblem == null;
    }

    /**
     * Why the network is lowered per query rather than once.
     *
     * @return the reason, or null when it lowers
     */
    public String loweringProblem() {
        return loweringProblem;
    }

    /**
     * ReLU layers of the normal form.
     *
     * @return how many (0 when not lowered)
     */
    public int reluLayers() {
        return reluLayers;
    }

    /**
     * Neurons of the normal form's ReLU layers.
     *
     * @return how many
     */
    public int neurons() {
        return neurons;
    }

    /**
     * Passthrough neurons: they carry skip connections and are stable by construction.
     *
     * @return how many
     */
    public int passthrough() {
        return passthrough;
    }

    /**
     * What the verifier makes of graph node {@code i}: {@code affine}, {@code exact}, {@code N ReLUs, layer(s) ...}, or
     * {@code ReLUs} when not lowered.
     *
     * @param node the node's index
     * @return the description
     */
    public String node(int node) {
        return nodes[node];
    }

    /**
     * Graph node {@code i}'s operation in words, e.g. {@code Dense(784 -> 100)}.
     *
     * @param node the node's index
     * @return the operation's description
     */
    public String operation(int node) {
        return net.layer(node).describe();
    }

    /**
     * Graph node {@code i}'s input and output shapes, e.g. {@code [784] -> [100]}.
     *
     * @param node the node's index
     * @return the shapes
     */
    public String shapes(int node) {
        List<Shape> in = net.inputShapes(node);
        return (in.size() == 1 ? in.get(0).toString() : in.toString()) + " -> " + net.valueShape(node + 1);
    }

    /**
     * Where graph node {@code i}'s inputs come from: {@code input} or {@code #k} (node k), comma-separated.
     *
     * @param node the node's index
     * @return the sources
     */
    public String sources(int node) {
        StringBuilder sb = new StringBuilder();
        int[] inputs = net.node(node).inputs();
        for (int k = 0; k < inputs.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(inputs[k] == 0 ? "input" : "#" + (inputs[k] - 1));
        }
        return sb.toString();
    }

    private static String[] verifierColumn(Network net, ReluChain chain) {
        String[] how = new String[net.nodeCount()];
        int[] count = new int[net.nodeCount()];
        @SuppressWarnings("unchecked")
        TreeSet<Integer>[] layers = new TreeSet[net.nodeCount()];
        if (chain != null) {
            for (int j = 0; j < chain.reluLayerCount(); j++) {
                for (int n = 0; n < chain.width(j); n++) {
                    int node = chain.originNode(j, n);
                    if (node >= 0) {
                        count[node]++;
                        if (layers[node] == null) {
                            layers[node] = new TreeSet<>();
                        }
                        layers[node].add(j);
                    }
                }
            }
        }
        for (int i = 0; i < how.length; i++) {
            if (net.layer(i) instanceof AffineOperation) {
                how[i] = "affine";
            } else if (chain == null) {
                how[i] = "ReLUs";
            } else if (layers[i] == null) {
                how[i] = "exact";
            } else {
                String range = layers[i].first().equals(layers[i].last()) ? "layer " + layers[i].first()
                        : "layers " + layers[i].first() + "-" + layers[i].last();
                how[i] = String.format(Locale.ROOT, "%d ReLUs, %s", count[i], range);
            }
        }
        return how;
    }
}
