package org.certus.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Shape;

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

    @Option(names = "--samples", paramLabel = "A:B", converter = SampleRange.Converter.class,
            description = "Samples A..B, 0-based and inclusive (default: all).")
    SampleRange samples;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Mixin
    InputRangeOption inputRange;

    @Override
    public Integer call() {
        // Cheapest checks first: a typo in --dataset or --samples should not wait for a network to load.
        Dataset data = Datasets.load(dataset);
        SampleRange range = samples == null ? SampleRange.all(data.size()) : samples;
        if (!range.fitsIn(data.size())) {
            throw new ParameterException(spec.commandLine(), "--samples " + range + " is out of range: dataset '" + data.name()
                    + "' has " + data.size() + " samples (0:" + (data.size() - 1) + ")");
        }
        Network net = inputRange.load(network);
        checkCompatible(net, data);

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

    /**
     * An image network must take exactly the dataset's C×H×W; a flat network is accepted when its
     * size matches, since the dataset's images are flat CHW arrays anyway (MLPs such as a flat-784
     * MNIST network read them in that order).
     */
    static void checkCompatible(Network net, Dataset data) {
        Shape in = net.inputShape();
        Shape images = Shape.chw(data.channels(), data.height(), data.width());
        boolean fits = in.isFlat() ? in.size() == images.size() : in.equals(images);
        if (!fits) {
            throw new NetworkException("network '" + net.name() + "' takes input " + in + " but dataset '" + data.name()
                    + "' has images " + images);
        }
        if (net.outputSize() != data.classCount()) {
            throw new NetworkException("network '" + net.name() + "' has " + net.outputSize() + " outputs but dataset '"
                    + data.name() + "' has " + data.classCount() + " classes");
        }
    }
}
