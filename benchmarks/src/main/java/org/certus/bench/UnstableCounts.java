package org.certus.bench;

import java.time.Duration;
import java.util.Locale;

import org.certus.bnb.BranchAndBoundSignSearch;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundPropagator;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.tighten.UnstableWitnesses;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;

/**
 * Mean number of unstable ReLUs over MNIST test samples with symbolic bounds and with LP tightening
 * from them (real arithmetic, the L∞ ball clipped to [0, 1]) — the figure the MIPVerify paper quotes
 * (121 of 4,804 for mnist-wk17a at ε = 0.1, after its progressive tightening). LP tightening includes its
 * cutting-plane and splitting stages ({@link LpTightening#withCuts}, {@link LpTightening#withSplits}); with
 * {@code nocuts} as the sixth argument it runs without either, with {@code nosplits} without the splitting stage.
 * With {@code mip} as the sixth argument, MIP tightening of the ReLUs still unstable after LP follows (the
 * paper's progressive strategy; 10 s per neuron). With {@code witness}, {@link UnstableWitnesses} looks for inputs of
 * both signs for every ReLU the LP leaves unstable (branch and bound, 60 s per sign, for what its attack misses):
 * the witnessed count is a lower bound on what any sound tightening reaches, the LP count minus those proved stable
 * an upper bound on the exact count. Prints one line per sample ({@code sample symbolic lp [mip | witnessed
 * provedStable]}) and the means.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.UnstableCounts [NETWORK EPS FIRST LAST STEP [mip|nocuts|nosplits|witness]]}
 * (defaults: mnist-wk17a 0.1 0 9999 1).
 */
public final class UnstableCounts {
    private UnstableCounts() {
    }

    /** The L∞ ball of radius eps around x, clipped to [0, 1]: {lower, upper}. */
    private static double[][] box(double[] x, double eps) {
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = Math.max(0, x[i] - eps);
            hi[i] = Math.min(1, x[i] + eps);
        }
        return new double[][] {lo, hi};
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "mnist-wk17a";
        double eps = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        int first = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int last = args.length > 3 ? Integer.parseInt(args[3]) : 9999;
        int step = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        String mode = args.length > 5 ? args[5] : "";
        boolean withMip = mode.equals("mip");
        boolean withWitnesses = mode.equals("witness");
        Network net = NetworkLoader.load(name);
        ReluChain chain = ReluChain.of(net);
        Dataset data = Datasets.load("mnist");
        SymbolicPropagator symbolic = new SymbolicPropagator(true, null, ArithmeticModel.REAL);
        LpTightening lp = new LpTightening(Duration.ofSeconds(60), true).withCuts(!mode.equals("nocuts"))
                .withSplits(!mode.equals("nocuts") && !mode.equals("nosplits"));
        MipTightening mip = new MipTightening(Duration.ofSeconds(10), Duration.ofMinutes(10), true);
        UnstableWitnesses witnesses = new UnstableWitnesses().withExactSearch(new BranchAndBoundSignSearch(), Duration.ofSeconds(60));
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        long sumSymbolic = 0;
        long sumLp = 0;
        long sumMip = 0;
        long sumWitnessed = 0;
        long sumProved = 0;
        int n = 0;
        long lpNanos = 0;
        for (int s = first; s <= Math.min(last, data.size() - 1); s += step) {
            double[][] box = box(data.image(s), eps);
            double[] lo = box[0];
            double[] hi = box[1];
            NetworkBounds b = symbolic.propagate(chain, lo, hi, none);
            long t0 = System.nanoTime();
            NetworkBounds t = lp.tighten(chain, lo, hi, b);
            lpNanos += System.nanoTime() - t0;
            int us = b.unstableCount();
            int ul = t.unstableCount();
            sumSymbolic += us;
            sumLp += ul;
            n++;
            String extra = "";
            if (withMip) {
                int um = mip.tighten(chain, lo, hi, t).unstableCount();
                sumMip += um;
                extra = " " + um;
            } else if (withWitnesses) {
                UnstableWitnesses.Result w = witnesses.find(chain, lo, hi, t);
                sumWitnessed += w.bothSignsCount();
                sumProved += w.provedStableCount();
                extra = " " + w.bothSignsCount() + " " + w.provedStableCount();
            }
            System.out.println(s + " " + us + " " + ul + extra);
        }
        String more = withMip ? String.format(Locale.ROOT, ", mip %.4f", sumMip / (double) n)
                : withWitnesses ? String.format(Locale.ROOT, ", witnessed both signs %.4f, proved stable %.4f", sumWitnessed / (double) n,
                sumProved / (double) n) : "";
        System.out.printf(Locale.ROOT, "samples %d: mean unstable ReLUs symbolic %.4f, lp %.4f%s; LP tightening %.2f s per sample%n",
                n, sumSymbolic / (double) n, sumLp / (double) n, more, lpNanos / 1e9 / n);
    }
}
