package org.certus.cli;

import java.io.PrintWriter;

import org.certus.data.Dataset;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;

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
        Network net = NetworkLoader.load(network);
        return range == null ? net : range.applyTo(net);
    }

    /**
     * The network for questions about the dataset's samples: with {@code --input-range} that domain,
     * otherwise its own domain intersected with the dataset's pixel range (a flat ONNX network knows no
     * range, but its inputs are still pixels). Warns on {@code err} when the domain stays unbounded.
     */
    Network loadForDataset(String network, Dataset data, PrintWriter err) {
        Network net = NetworkLoader.load(network);
        InputDomain domain;
        if (range != null) {
            domain = range.domain(net.inputSize());
        } else {
            double[] lo = net.inputDomain().lower();
            double[] hi = net.inputDomain().upper();
            for (int i = 0; i < lo.length; i++) {
                lo[i] = Math.max(lo[i], data.pixelMin());
                hi[i] = Math.min(hi[i], data.pixelMax());
                if (lo[i] > hi[i]) {
                    throw new IllegalArgumentException("network '" + net.name() + "': its input " + i + " ranges over ["
                            + net.inputDomain().lower(i) + ", " + net.inputDomain().upper(i) + "], outside dataset '" + data.name()
                            + "''s pixel range [" + data.pixelMin() + ", " + data.pixelMax() + "]; give the range with --input-range");
                }
            }
            domain = new InputDomain(lo, hi);
        }
        warnIfUnbounded(net.name(), domain, err);
        return net.withNameAndDomain(net.name(), domain);
    }

    /** A query over an unbounded domain may report inputs no real input takes; say so. */
    static void warnIfUnbounded(String network, InputDomain domain, PrintWriter err) {
        int unbounded = 0;
        for (int i = 0; i < domain.size(); i++) {
            unbounded += Double.isInfinite(domain.lower(i)) || Double.isInfinite(domain.upper(i)) ? 1 : 0;
        }
        if (unbounded > 0) {
            err.println("certus: warning: " + unbounded + " of the " + domain.size() + " inputs of network '" + network
                    + "' are unbounded: regions are not clipped to any range (give --input-range LO:HI)");
            err.flush();
        }
    }
}
