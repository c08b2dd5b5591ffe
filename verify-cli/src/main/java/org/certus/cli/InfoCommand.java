package org.certus.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.certus.api.NetworkInfo;
import org.certus.nn.Network;

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
        NetworkInfo info = NetworkInfo.of(net);
        if (info.lowered()) {
            out.printf(Locale.ROOT, "verifier:     every layer; normal form of %d ReLU layers, %d neurons (%d passthrough neurons carry skips, "
                    + "stable by construction)%n", info.reluLayers(), info.neurons(), info.passthrough());
        } else {
            out.printf("verifier:     every layer; lowered per query (%s)%n", info.loweringProblem());
        }
        for (int i = 0; i < net.nodeCount(); i++) {
            String from = net.isSequential() ? "" : " <- " + info.sources(i);
            out.printf("%3d  %-40s %-36s %s%s%n", i, info.operation(i), info.shapes(i), info.node(i), from);
        }
        out.flush();
        return 0;
    }
}
