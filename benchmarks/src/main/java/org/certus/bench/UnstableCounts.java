package org.certus.bench;

import java.time.Duration;
import java.util.Locale;

import org.certus.bnb.BranchAndBoundSignSearch;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.LpTightening;
import org.certus.bounds.MipTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.bounds.UnstableWitnesses;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;

/**
 * Mean number of unstable ReLUs over MNIST test samples with symbolic bounds and with LP tightening
 * from them (real arithmetic, the L∞ ball clipped to [0, 1]) — the figure the MIPVerify paper quotes
 * (121 of 4,804 for mnist-wk17a at ε = 0.1, after its progressive tightening). LP tightening includes its
 * cutting-plane stage ({@link LpTightening#withCuts}); with {@code nocuts} as the sixth argument it runs without.
 * With {@code mip} as the sixth argument, MIP tightening of the ReLUs still unstable after LP follows (the
 * paper's progressive strategy; 10 s per neuron). Prints one line per sample ({@code sample symbolic lp [mip]})
 * and the means.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.UnstableCounts [NETWORK EPS FIRST LAST STEP [mip|nocuts]]}
 * (defaults: mnist-wk17a 0.1 0 9999 1).
 */
public final class UnstableCounts {
    private UnstableCounts() {
    }

    /**
     * LP tightening (with cuts) and, for every neuron it leaves unstable, inputs showing both of its signs
     * ({@link UnstableWitnesses}: attack, then branch and bound, 60 s, for what the attack missed). Prints
     * {@code sample symbolic lp witnessed provedStable} per sample and the means. The witnessed count is a lower
     * bound on what any sound tightening can reach; where it equals the LP count, LP tightening is exact.
     */
    private static void witnesses(ReluChain chain, Dataset data, double eps, int first, int last, int step, SymbolicPropagator symbolic,
                                  LpTightening lp) {
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        UnstableWitnesses finder = new UnstableWitnesses().withExactSearch(new BranchAndBoundSignSearch(), Duration.ofSeconds(60));
        long sumSymbolic = 0;
        long sumLp = 0;
        long sumWitnessed = 0;
        long sumProved = 0;
        int n = 0;
        long t0 = System.nanoTime();
        for (int s = first; s <= Math.min(last, data.size() - 1); s += step) {
            double[][] box = box(data.image(s), eps);
            double[] lo = box[0];
            double[] hi = box[1];
            NetworkBounds b = symbolic.propagate(chain, lo, hi, none);
            NetworkBounds t = lp.tighten(chain, lo, hi, b);
            UnstableWitnesses.Result w = finder.find(chain, lo, hi, t);
            int us = b.unstableCount();
            int ul = t.unstableCount();
            int uw = w.bothSignsCount();
            sumSymbolic += us;
            sumLp += ul;
            sumWitnessed += uw;
            sumProved += w.provedStableCount();
            n++;
            System.out.println(s + " " + us + " " + ul + " " + uw + " " + w.provedStableCount());
        }
        System.out.printf(Locale.ROOT, "samples %d: mean unstable ReLUs symbolic %.4f, lp %.4f, witnessed both signs %.4f, "
                        + "proved stable by MILP %.4f (%.1f ms per sample)%n", n, sumSymbolic / (double) n, sumLp / (double) n,
                sumWitnessed / (double) n, sumProved / (double) n, (System.nanoTime() - t0) / 1e6 / n);
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
        boolean withMip = args.length > 5 && args[5].equals("mip");
        Network net = NetworkLoader.load(name);
        ReluChain chain = ReluChain.of(net);
        Dataset data = Datasets.load("mnist");
        SymbolicPropagator symbolic = new SymbolicPropagator(true, null, ArithmeticModel.REAL);
        boolean noCuts = args.length > 5 && args[5].equals("nocuts");
        LpTightening lp = new LpTightening(Duration.ofSeconds(60), true).withCuts(!noCuts);
        if (args.length > 5 && args[5].equals("witness")) {
            witnesses(chain, data, eps, first, last, step, symbolic, lp);
            return;
        }
        MipTightening mip = new MipTightening(Duration.ofSeconds(10), Duration.ofMinutes(10), true);
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        long sumSymbolic = 0;
        long sumLp = 0;
        long sumMip = 0;
        int n = 0;
        for (int s = first; s <= Math.min(last, data.size() - 1); s += step) {
            double[][] box = box(data.image(s), eps);
            double[] lo = box[0];
            double[] hi = box[1];
            NetworkBounds b = symbolic.propagate(chain, lo, hi, none);
            NetworkBounds t = lp.tighten(chain, lo, hi, b);
            NetworkBounds m = withMip ? mip.tighten(chain, lo, hi, t) : null;
            int us = 0;
            int ul = 0;
            int um = 0;
            for (int k = 0; k < chain.reluLayerCount(); k++) {
                us += b.unstableCount(k);
                ul += t.unstableCount(k);
                um += withMip ? m.unstableCount(k) : 0;
            }
            sumSymbolic += us;
            sumLp += ul;
            sumMip += um;
            n++;
            System.out.println(s + " " + us + " " + ul + (withMip ? " " + um : ""));
        }
        System.out.printf(Locale.ROOT, "samples %d: mean unstable ReLUs symbolic %.3f, lp %.3f%s%n", n, sumSymbolic / (double) n,
                sumLp / (double) n, withMip ? String.format(Locale.ROOT, ", mip %.3f", sumMip / (double) n) : "");
    }
}
