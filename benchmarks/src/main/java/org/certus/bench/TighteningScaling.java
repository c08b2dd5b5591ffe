package org.certus.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.certus.bnb.CancelToken;
import org.certus.bnb.NeuronSearchTightening;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

/**
 * How the root tightening's per-neuron searches scale with threads: the same tightening
 * ({@link NeuronSearchTightening}, as {@code certus vnnlib} runs it: gap {@link NeuronSearchTightening#ROOT_GAP_FRACTION},
 * {@link NeuronSearchTightening#ROOT_SEARCH_BOUND_ITERATIONS} steps, FLOAT32) on one thread and on every core, with a
 * budget large enough that every unstable neuron of every layer gets its search: a fixed amount of work, so the
 * wall times give the speed-up and the efficiency (speed-up per thread). Each configuration runs {@code --reps}
 * times alternately; the medians are printed.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.TighteningScaling [NET PROP.vnnlib] [--per S] [--reps N]
 * [--fixed 1]}; without a network, the bundled mnist-wk17a on the ε = 0.1 ball of MNIST test image 0. {@code --fixed 1}:
 * the searches' children keep their parent's hidden-layer bounds, as {@code certus vnnlib} runs networks of 2 million
 * lowered weights or more ({@link org.certus.bnb.SearchOptions#fixedIntermediateBounds()}).
 */
public final class TighteningScaling {
    private TighteningScaling() {
    }

    public static void main(String[] args) throws java.io.IOException {
        ScalingArgs a = ScalingArgs.parse("TighteningScaling", args, Map.of("--per", 0.5, "--reps", 3.0, "--fixed", 0.0));
        boolean fixedIntermediate = a.number("--fixed") != 0;
        double per = a.number("--per");
        int reps = (int) a.number("--reps");
        ScalingArgs.Query query = a.firstBoxOrWk17a();
        Network network = query.network();
        double[] lo = query.lo();
        double[] hi = query.hi();
        ReluChain chain = query.chain();
        ArithmeticModel am = ArithmeticModel.FLOAT32;
        NetworkBounds start = query.float32Bounds(chain);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "%s: %d unstable ReLUs; %.2f s per neuron and direction; %d cores; %d reps%s%n",
                network.name(), start.unstableCount(), per, cores, reps, fixedIntermediate ? "; fixed intermediate bounds" : "");
        double[][] times = new double[2][reps];
        int[] unstable = new int[2];
        long[] searches = new long[2];
        for (int r = 0; r < reps; r++) {
            for (int c = 0; c < 2; c++) {
                boolean parallel = c == 1;
                NeuronSearchTightening t = new NeuronSearchTightening(Duration.ofMillis(Math.round(per * 1000)),
                        Duration.ofHours(10), parallel, am, NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS, new CancelToken(),
                        NeuronSearchTightening.ROOT_GAP_FRACTION).withFixedIntermediateBounds(fixedIntermediate);
                long t0 = System.nanoTime();
                NetworkBounds b = t.tighten(chain, lo, hi, start);
                times[c][r] = (System.nanoTime() - t0) / 1e9;
                unstable[c] = b.unstableCount();
                searches[c] = t.lastStatistics().searches();
                System.out.printf(Locale.ROOT, "  rep %d, %d thread(s): %.2f s, %d searches, %d unstable after%n", r, parallel ? cores : 1,
                        times[c][r], searches[c], unstable[c]);
            }
        }
        double one = median(times[0]);
        double all = median(times[1]);
        System.out.printf(Locale.ROOT, "median: 1 thread %.2f s, %d threads %.2f s: speed-up %.2f, efficiency %.0f%%%n",
                one, cores, all, one / all, 100 * one / all / cores);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
