package org.certus.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import org.certus.api.Load;
import org.certus.api.SampleRange;
import org.certus.data.Dataset;
import org.certus.nn.Network;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Clean accuracy of a network on a bundled dataset.",
                "The last line of output is 'accuracy: 0.9811 (9811/10000)'."})
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    Certus root;

    @Spec
    CommandSpec spec;

    @Option(names = "--network", required = true, paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a network file.")
    String network;

    @Option(names = "--dataset", required = true, paramLabel = "DATASET", description = "mnist (10,000 test images) or cifar10 (first 100 test images).")
    String dataset;

    @Option(names = "--samples", paramLabel = "A:B", converter = SampleRangeConverter.class,
            description = "Samples A..B, 0-based and inclusive (default: all).")
    SampleRange samples;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Mixin
    InputRangeOption inputRange;

    @Override
    public Integer call() {
        // Cheapest checks first: a typo in --dataset or --samples should not wait for a network to load.
        Dataset data = Load.dataset(dataset);
        SampleRange range = samples == null ? SampleRange.all(data.size()) : samples;
        if (!range.fitsIn(data.size())) {
            throw new ParameterException(spec.commandLine(), "--samples " + range + " is out of range: dataset '" + data.name()
                    + "' has " + data.size() + " samples (0:" + (data.size() - 1) + ")");
        }
        Network net = inputRange.load(network);
        Load.checkCompatible(net, data);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("network: %s%n", net.name());
        out.printf("dataset: %s, samples %s (%d)%n", data.name(), range, range.count());
        out.flush();

        LongAdder correct = new LongAdder();
        try (ProgressBar bar = quiet || !root.progressAllowed() ? null
                : new ProgressBarBuilder().setTaskName("evaluate").setInitialMax(range.count()).build()) {
            // The forward pass and the dataset are thread-safe (immutable), so samples run in parallel.
            IntStream.rangeClosed(range.first(), range.last()).parallel().forEach(i -> {
                if (net.predict(data.image(i)) == data.label(i)) {
                    correct.increment();
                }
                if (bar != null) {
                    bar.step();
                }
            });
        }
        long ok = correct.sum();
        out.printf(Locale.ROOT, "accuracy: %.4f (%d/%d)%n", (double) ok / range.count(), ok, range.count());
        out.flush();
        return 0;
    }
}
