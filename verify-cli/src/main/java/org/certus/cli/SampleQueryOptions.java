package org.certus.cli;

import picocli.CommandLine.Option;

/** The options that name one robustness query of one sample (shared by {@code bounds} and {@code export-mps}). */
final class SampleQueryOptions {
    @Option(names = "--network", required = true, paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a network file.")
    String network;

    @Option(names = "--dataset", required = true, paramLabel = "DATASET", description = "mnist or cifar10.")
    String dataset;

    @Option(names = "--sample", required = true, paramLabel = "I", description = "Sample index, 0-based.")
    int sample;

    @Option(names = "--eps", required = true, paramLabel = "E", description = "L-inf radius, in input units.")
    double eps;
}
