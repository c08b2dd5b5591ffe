package org.certus.cli;

import java.io.PrintWriter;

import org.certus.api.Load;
import org.certus.data.Dataset;
import org.certus.nn.Network;

import picocli.CommandLine.Option;

/**
 * {@code --input-range}, for every command that loads a network: the values its inputs may take,
 * replacing the network's own domain (ONNX stores none: image inputs get [0, 1], others are
 * unbounded). Questions about dataset samples default to the dataset's pixel range instead.
 */
final class InputRangeOption {
    static final String DESCRIPTION = "The values the inputs may take, replacing the network's own domain: " + InputRange.SYNTAX
            + " Questions about dataset samples default to the dataset's pixel range [0, 1] (within the network's domain).";

    @Option(names = "--input-range", paramLabel = "LO:HI|LIST|@FILE", converter = InputRange.Converter.class, description = DESCRIPTION)
    InputRange range;

    /** The network, with {@code --input-range} as its domain when given. */
    Network load(String network) {
        Network net = Load.network(network);
        return range == null ? net : range.applyTo(net);
    }

    /**
     * The network for questions about the dataset's samples ({@link Load#forDataset}): with {@code --input-range}
     * that domain, otherwise its own domain intersected with the dataset's pixel range. Warns on {@code err} when the
     * domain stays unbounded.
     */
    Network loadForDataset(String network, Dataset data, PrintWriter err) {
        Network net = Load.network(network);
        return Load.forDataset(net, data, range == null ? null : range.domain(net.inputSize()), m -> {
            err.println("certus: warning: " + m);
            err.flush();
        });
    }
}
