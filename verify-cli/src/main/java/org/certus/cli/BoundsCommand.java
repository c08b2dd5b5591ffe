package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.certus.api.BoundsMethod;
import org.certus.api.InputFiles;
import org.certus.api.LayerBounds;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bounds", mixinStandardHelpOptions = true,
        description = {"Pre-activation bounds of every ReLU layer over an L-inf ball around one sample.",
                "Prints per layer the stable active, stable inactive and unstable ReLUs and the time;",
                "the last line is 'unstable: N of M'. --json writes every neuron's lower and upper bound."})
final class BoundsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How bounds are computed, from cheapest and loosest to most expensive and tightest. */
    enum Tightening { interval, symbolic, lp, mip }

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    SampleQueryOptions query;

    @Option(names = "--tightening", defaultValue = "symbolic", paramLabel = "KIND",
            description = "interval, symbolic, lp or mip (default: ${DEFAULT-VALUE}).")
    Tightening tightening;

    @Option(names = "--neuron-time-limit", defaultValue = "1", paramLabel = "SECONDS",
            description = "MILP time per neuron and direction for --tightening mip; a search cut short keeps the bound it proved (default: ${DEFAULT-VALUE}).")
    double neuronTimeLimit;

    @Option(names = "--budget", defaultValue = "3600", paramLabel = "SECONDS",
            description = "Total time of --tightening mip; neurons not reached keep their LP bounds (default: ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--layer-budget", defaultValue = "20", paramLabel = "SECONDS",
            description = "LP time per layer for --tightening lp; neurons not reached keep symbolic bounds (default: ${DEFAULT-VALUE}).")
    double layerBudget;

    @Option(names = "--witnesses",
            description = {"Also search inputs at which each unstable ReLU is positive and inputs at which it is negative",
                    "(an attack, then branch and bound for at most SECONDS, default 5, per ReLU and sign the attack missed)",
                    "and print how many take both signs (no sound bound can call those stable) and how many the search",
                    "proves stable. All of them witnessed means the bounds are exact as to which ReLUs are stable."},
            paramLabel = "SECONDS", arity = "0..1", fallbackValue = "5")
    Double witnessSeconds;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the bounds to FILE as JSON: the input box, then per layer (each ReLU layer's pre-activations, "
                    + "then the outputs) every neuron's lower and upper bound.")
    Path json;

    @Option(names = "--witness-budget", defaultValue = "300", paramLabel = "SECONDS",
            description = "Total time of the branch-and-bound searches of --witnesses; signs not searched stay undecided (default: ${DEFAULT-VALUE}).")
    double witnessBudget;

    @Override
    public Integer call() {
        TimeOption.nonNegative(spec, "--witness-budget", witnessBudget);
        if (witnessSeconds != null) {
            TimeOption.nonNegative(spec, "--witnesses", witnessSeconds);
        }
        TimeOption.nonNegative(spec, "--layer-budget", layerBudget);
        TimeOption.positive(spec, "--neuron-time-limit", neuronTimeLimit);
        TimeOption.nonNegative(spec, "--budget", budget);
        BoundsQuery q = BoundsQuery.load(spec, query);
        double[] lo = q.box().lower();
        double[] hi = q.box().upper();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "network: %s, sample %d (label %d), eps %s, tightening %s%n", q.network().name(), query.sample,
                q.label(), query.eps, tightening);
        long t0 = System.nanoTime();
        LayerBounds b = LayerBounds.compute(q.network(), q.box(), BoundsMethod.valueOf(tightening.name().toUpperCase(Locale.ROOT)),
                seconds(neuronTimeLimit), seconds(budget), seconds(layerBudget));
        String stats = b.statistics();
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf("%-6s %8s %8s %8s %8s%n", "layer", "width", "active", "inactive", "unstable");
        int unstable = 0;
        int total = 0;
        for (int i = 0; i < b.reluLayerCount(); i++) {
            int w = b.upper(i).length;
            out.printf("%-6d %8d %8d %8d %8d%n", i, w, b.activeCount(i), b.inactiveCount(i), b.unstableCount(i));
            unstable += b.unstableCount(i);
            total += w;
        }
        if (stats != null) {
            out.println(stats);
        }
        out.printf(Locale.ROOT, "time: %.3f s%n", seconds);
        if (json != null) {
            writeJson(q, lo, hi, b);
            out.printf("wrote: %s%n", json);
        }
        if (witnessSeconds != null) {
            long w0 = System.nanoTime();
            LayerBounds.Witnesses w = b.witnesses(seconds(witnessSeconds), seconds(witnessBudget));
            out.printf(Locale.ROOT, "witnessed: %d of the %d unstable take both signs, %d proved stable by search, %d undecided (%.3f s)%n",
                    w.bothSigns(), unstable, w.provedStable(), w.undecided(), (System.nanoTime() - w0) / 1e9);
            if (w.contradicting() > 0) {
                // Cannot happen with sound bounds: an input of each sign was evaluated exactly.
                spec.commandLine().getErr().printf("warning: %d ReLUs called stable take both signs at evaluated inputs: "
                        + "the bounds are unsound, please report this%n", w.contradicting());
            }
        }
        out.printf("unstable: %d of %d%n", unstable, total);
        out.flush();
        return 0;
    }

    /**
     * The bounds as JSON. Non-finite values (only possible over an unbounded input domain) are written as
     * null, since JSON has no infinity.
     */
    private void writeJson(BoundsQuery q, double[] lo, double[] hi, LayerBounds b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", q.network().name());
        m.put("dataset", q.data().name());
        m.put("sample", q.sample());
        m.put("label", q.label());
        m.put("eps", query.eps);
        m.put("tightening", tightening.name());
        m.put("arithmetic", "real");
        m.put("input", Map.of("lower", finite(lo), "upper", finite(hi)));
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < b.layerCount(); i++) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("layer", i);
            layer.put("kind", i < b.reluLayerCount() ? "relu" : "output");
            layer.put("lower", finite(b.lower(i)));
            layer.put("upper", finite(b.upper(i)));
            layers.add(layer);
        }
        m.put("layers", layers);
        try {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            InputFiles.writeAtomically(json, JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(json + ": cannot write the bounds: " + e.getMessage(), e));
        }
    }

    private static List<Double> finite(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) {
            l.add(Double.isFinite(x) ? x : null);
        }
        return l;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
