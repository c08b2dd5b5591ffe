package org.certus.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that name one robustness query of one sample (shared by {@code bounds} and {@code export-mps}). */
final class SampleQueryOptions {
    @Option(names = "--network", required = true, paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a network file.")
    String network;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "DATASET", description = "mnist or cifar10 (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--sample", paramLabel = "I", description = "Sample index, 0-based.")
    Integer sample;

    @Option(names = "--eps", paramLabel = "E", description = "L-inf radius, in input units.")
    Double eps;

    @Mixin
    InputRangeOption inputRange;
}
