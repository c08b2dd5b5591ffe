package org.certus.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a network's layers, shapes, input range, parameter and ReLU counts.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a network file.")
    String network;

    @Override
    public Integer call() {
        Network net = NetworkLoader.load(network);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("network:      %s%n", net.name());
        out.printf("input shape:  %s%n", net.inputShape());
        out.printf("input range:  %s%n", net.inputDomain().describe());
        out.printf("output size:  %d%n", net.outputSize());
        out.printf("parameters:   %d%n", net.parameterCount());
        out.printf("ReLUs:        %d%n", net.reluCount());
        out.printf("layers:       %d%s%n", net.layerCount(), net.isSequential() ? "" : " (with residual blocks)");
        out.print(net.describe());
        out.flush();
        return 0;
    }
}
