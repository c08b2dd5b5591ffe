package org.certus.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerificationQuery;
import org.certus.nn.Network;
import org.certus.spec.RobustnessProperty;

/**
 * How the branch and bound's node rate scales with threads: the same search (the first case of a property, the
 * search's defaults, symbolic root bounds) for a fixed time on one thread and on every core, alternately, each
 * {@code --reps} times; prints nodes per second per run, the medians, the speed-up and the efficiency (speed-up per
 * thread). The instance should be one the search cannot finish in that time (otherwise the node counts are the
 * search's size, not its rate): by default mnist-wk17a's MNIST test sample 1571 at ε = 0.1, whose search runs for
 * minutes.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.SearchScaling [NET PROP.vnnlib] [--seconds S]
 * [--reps N]}
 */
public final class SearchScaling {
    private SearchScaling() {
    }

    public static void main(String[] args) throws java.io.IOException {
        ScalingArgs a = ScalingArgs.parse("SearchScaling", args, Map.of("--seconds", 20.0, "--reps", 3.0));
        VerificationQuery query;
        String what;
        if (a.hasInstance()) {
            Network network = a.network();
            query = VerificationQuery.of(network, a.property(network).cases().get(0));
            what = network.name() + " " + a.propertyName();
        } else {
            query = wk17a1571();
            what = "mnist-wk17a sample 1571, eps 0.1, untargeted";
        }
        measure(query, what, a.number("--seconds"), (int) a.number("--reps"), System.out);
    }

    /**
     * Runs the measurement, printing each run on {@code out}.
     *
     * @return the speed-up: the median node rate on every core over the median on one thread
     */
    public static double measure(VerificationQuery query, String what, double seconds, int reps, PrintStream out) {
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "%s: %.0f s per search, %d cores, %d reps%n", what, seconds, cores, reps);
        double[][] rates = new double[2][reps];
        for (int r = 0; r < reps; r++) {
            for (int c = 0; c < 2; c++) {
                int threads = c == 0 ? 1 : cores;
                SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofMillis(Math.round(seconds * 1000))).withThreads(threads);
                long t0 = System.nanoTime();
                Verdict v = new BranchAndBound(query, o).run();
                double wall = (System.nanoTime() - t0) / 1e9;
                rates[c][r] = v.statistics().nodes() / wall;
                out.printf(Locale.ROOT, "  rep %d, %d thread(s): %s, %d nodes in %.2f s: %.1f nodes/s%n", r, threads, v.status(),
                        v.statistics().nodes(), wall, rates[c][r]);
            }
        }
        double one = Stats.median(rates[0]);
        double all = Stats.median(rates[1]);
        out.printf(Locale.ROOT, "median: 1 thread %.1f nodes/s, %d threads %.1f nodes/s: speed-up %.2f, efficiency %.0f%%%n",
                one, cores, all, all / one, 100 * all / one / cores);
        return all / one;
    }

    /** The default instance: mnist-wk17a's MNIST test sample 1571, ε = 0.1, untargeted (its search runs for minutes). */
    public static VerificationQuery wk17a1571() {
        MnistQuery q = new MnistQuery("mnist-wk17a", 1571, 0.1);
        return VerificationQuery.of(q.network, RobustnessProperty.of(q.box, RobustnessProperty.untargeted(q.label, 10), 10, 0.0).cases().get(0));
    }
}
