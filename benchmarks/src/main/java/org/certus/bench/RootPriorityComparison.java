package org.certus.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.certus.api.Verifier;
import org.certus.bnb.CancelToken;
import org.certus.bnb.NeuronSearchTightening;
import org.certus.bnb.VerificationQuery;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;

/**
 * The per-neuron search root tightening of {@code certus vnnlib} with each layer's time spread evenly
 * over its unstable neurons, against the same budget shared out by the neurons' scores in the property's
 * margin rows ({@link NeuronSearchTightening#withPriority}). What counts is the root bound after it: the
 * property's proven margin (per disjunct the best α,β row bound, the least over disjuncts; {@code > 0}
 * proves the instance at the root). FLOAT32 arithmetic, two threads, 20 α,β steps per search node and 40
 * for the root bound, as {@code certus vnnlib}.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.RootPriorityComparison NET.onnx PROP.vnnlib
 * [--budget S] [--per S] [--modes even,score,score0.9]} (defaults 180 s, 5 s per neuron, both modes).
 */
public final class RootPriorityComparison {
    private RootPriorityComparison() {
    }

    public static void main(String[] args) throws java.io.IOException {
        List<String> positional = new ArrayList<>();
        double budgetSeconds = 180;
        double perNeuron = 5;
        String[] modes = {"even", "score"};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--budget" -> budgetSeconds = Double.parseDouble(args[++i]);
                case "--per" -> perNeuron = Double.parseDouble(args[++i]);
                case "--modes" -> modes = args[++i].split(",");
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            System.err.println("usage: RootPriorityComparison NET.onnx PROP.vnnlib [--budget S] [--per S] [--modes even,score]");
            System.exit(2);
        }
        Network net = NetworkLoader.load(positional.get(0));
        VnnlibProperty p = VnnlibParser.parse(Path.of(positional.get(1)), net.inputSize(), net.outputSize());
        VerificationQuery q = Verifier.create(net).toQuery(p.cases().get(0));
        ReluChain chain = ReluChain.of(net);
        ArithmeticModel am = ArithmeticModel.FLOAT32;
        double[] lo = q.inputLower();
        double[] hi = q.inputUpper();
        List<AffineMap> disjuncts = q.disjuncts();
        AffineMap rows = AffineMap.stack(disjuncts, net.outputSize());
        System.out.printf(Locale.ROOT, "%s %s: budget %.0f s, at most %.1f s per neuron and direction%n",
                Path.of(positional.get(0)).getFileName(), Path.of(positional.get(1)).getFileName(), budgetSeconds, perNeuron);
        long t0 = System.nanoTime();
        NetworkBounds sym = new SymbolicPropagator(true, null, am).propagate(chain, lo, hi);
        report("symbolic", t0, sym, rootBound(chain, sym, lo, hi, disjuncts, am), "");
        Duration budget = Duration.ofMillis(Math.round(budgetSeconds * 1000));
        Duration per = Duration.ofMillis(Math.round(perNeuron * 1000));
        for (String mode : modes) {
            NeuronSearchTightening t = new NeuronSearchTightening(per, budget, true, am,
                    NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS, new CancelToken(), NeuronSearchTightening.ROOT_GAP_FRACTION);
            if (mode.equals("score")) {
                t = t.withPriority(rows);
            } else if (mode.startsWith("score")) {
                t = t.withPriority(rows, Double.parseDouble(mode.substring("score".length())));
            } else if (!mode.equals("even")) {
                throw new IllegalArgumentException("mode must be even, score or scoreS with S the share: " + mode);
            }
            long t1 = System.nanoTime();
            NetworkBounds b = t.tighten(net, lo, hi, sym);
            report(mode, t1, b, rootBound(chain, b, lo, hi, disjuncts, am), t.lastStatistics().toString());
        }
    }

    /** The property's proven margin at the root: per disjunct the best row bound (α,β, 40 steps), the least over disjuncts. */
    static double rootBound(ReluChain chain, NetworkBounds b, double[] lo, double[] hi, List<AffineMap> disjuncts,
                            ArithmeticModel am) {
        AlphaBetaOptimizer opt = new AlphaBetaOptimizer(am);
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        double least = Double.POSITIVE_INFINITY;
        for (AffineMap d : disjuncts) {
            double best = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < d.rows(); r++) {
                best = Math.max(best, opt.lowerBound(chain, b, none, lo, hi, d, r, 40).lower());
            }
            least = Math.min(least, best);
        }
        return least;
    }

    private static void report(String method, long start, NetworkBounds b, double root, String detail) {
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < b.reluLayerCount(); i++) {
            layers.append(i == 0 ? "" : " ").append(b.unstableCount(i));
        }
        System.out.printf(Locale.ROOT, "%-9s %8.1f s  unstable %-24s %5d  root %+.4f  %s%n", method, seconds, layers,
                b.unstableCount(), root, detail);
    }
}
