package org.certus.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.certus.nn.AffineOperation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a network's layers, shapes, input range, parameter and ReLU counts, and what the verifier makes of each layer.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a network file.")
    String network;

    @picocli.CommandLine.Mixin
    InputRangeOption inputRange;

    @Override
    public Integer call() {
        Network net = inputRange.load(network);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("network:      %s%n", net.name());
        out.printf("input shape:  %s%n", net.inputShape());
        out.printf("input range:  %s%n", net.inputDomain().describe());
        out.printf("output size:  %d%n", net.outputSize());
        out.printf("parameters:   %d%n", net.parameterCount());
        out.printf("ReLUs:        %d%n", net.reluCount());
        out.printf("layers:       %d%s%n", net.layerCount(), net.isSequential() ? "" : " (a graph)");
        ReluChain chain = null;
        String why = null;
        try {
            chain = ReluChain.of(net);
        } catch (NetworkException e) {
            why = e.getMessage();
        }
        if (chain != null) {
            int neurons = chain.reluCount();
            int pass = 0;
            for (int i = 0; i < chain.reluLayerCount(); i++) {
                pass += chain.passthroughCount(i);
            }
            out.printf(Locale.ROOT, "verifier:     every layer; normal form of %d ReLU layers, %d neurons (%d passthrough neurons carry skips, "
                    + "stable by construction)%n", chain.reluLayerCount(), neurons, pass);
        } else {
            out.printf("verifier:     every layer; lowered per query (%s)%n", why);
        }
        String[] how = verifierColumn(net, chain);
        for (int i = 0; i < net.nodeCount(); i++) {
            List<Shape> in = net.inputShapes(i);
            String inShapes = in.size() == 1 ? in.get(0).toString() : in.toString();
            String from = "";
            if (!net.isSequential()) {
                StringBuilder sb = new StringBuilder(" <- ");
                int[] inputs = net.node(i).inputs();
                for (int k = 0; k < inputs.length; k++) {
                    sb.append(k == 0 ? "" : ", ").append(inputs[k] == 0 ? "input" : "#" + (inputs[k] - 1));
                }
                from = sb.toString();
            }
            out.printf("%3d  %-40s %-36s %s%s%n", i, net.layer(i).describe(), inShapes + " -> " + net.valueShape(i + 1), how[i], from);
        }
        out.flush();
        return 0;
    }

    /** What the verifier makes of each node: an exact affine map, or ReLUs in which layers of the normal form. */
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
