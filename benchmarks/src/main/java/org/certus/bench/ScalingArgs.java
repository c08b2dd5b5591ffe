package org.certus.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;

/**
 * The command line of the measuring mains ({@link SearchScaling}, {@link TighteningScaling},
 * {@link NeuronSearchGain}): an optional {@code NET PROP.vnnlib} pair and numeric options, each with its default. An
 * unknown option ends the program with exit code 2 and the usage.
 */
final class ScalingArgs {
    private final String net;
    private final String prop;
    private final Map<String, Double> values;

    private ScalingArgs(String net, String prop, Map<String, Double> values) {
        this.net = net;
        this.prop = prop;
        this.values = values;
    }

    /** Parses {@code args}; {@code defaults} names every option ({@code --name}) with its default value. */
    static ScalingArgs parse(String program, String[] args, Map<String, Double> defaults) {
        Map<String, Double> values = new LinkedHashMap<>(defaults);
        String net = null;
        String prop = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (!values.containsKey(args[i]) || i + 1 == args.length) {
                    System.err.println(program + ": bad option " + args[i] + " (usage: [NET PROP.vnnlib] " + String.join(" N ", values.keySet())
                            + " N)");
                    System.exit(2);
                }
                values.put(args[i], Double.parseDouble(args[++i]));
            } else if (net == null) {
                net = args[i];
            } else {
                prop = args[i];
            }
        }
        return new ScalingArgs(net, prop, values);
    }

    double number(String option) {
        return values.get(option);
    }

    /** Whether a network and a property were given (otherwise the main uses its bundled default instance). */
    boolean hasInstance() {
        return net != null && prop != null;
    }

    Network network() {
        return NetworkLoader.load(net);
    }

    /** The property, parsed for {@code network}. */
    VnnlibProperty property(Network network) throws IOException {
        return VnnlibParser.parse(Path.of(prop), network.inputSize(), network.outputSize());
    }

    /** The network and the first case's input box of a main's query. */
    record Query(Network network, double[] lo, double[] hi) {
        ReluChain chain() {
            return ReluChain.of(network, lo, hi);
        }

        /** {@code chain}'s symbolic bounds over the box, in float32 arithmetic (as sound mode bounds). */
        NetworkBounds float32Bounds(ReluChain chain) {
            return new SymbolicPropagator(true, null, ArithmeticModel.FLOAT32).propagate(chain, lo, hi);
        }
    }

    /**
     * The given network on its property's first box, or without them the bundled mnist-wk17a on the ε = 0.1 ball of
     * MNIST test image 0.
     */
    Query firstBoxOrWk17a() throws IOException {
        if (hasInstance()) {
            Network network = network();
            VnnlibProperty p = property(network);
            return new Query(network, p.cases().get(0).box().lower(), p.cases().get(0).box().upper());
        }
        MnistQuery q = new MnistQuery("mnist-wk17a", 0, 0.1);
        return new Query(q.network, q.box.lower(), q.box.upper());
    }

    String propertyName() {
        return Path.of(prop).getFileName().toString();
    }
}
