package org.certus.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.certus.bnb.CancelToken;
import org.certus.bnb.NeuronSearchTightening;
import org.certus.bounds.ArithmeticModel;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;

/**
 * The root tightening that {@code certus vnnlib} runs before branching, method against method, on one
 * input box: symbolic bounds; LP tightening from them and per-neuron MILPs from the LP bounds
 * ({@link MipTightening}, ojAlgo LPs in our own branch and bound: {@code certus robustness --tightening mip});
 * per-neuron searches straight from the symbolic bounds ({@link NeuronSearchTightening}, minimising to
 * {@link NeuronSearchTightening#ROOT_GAP_FRACTION}: {@code certus vnnlib}). The time per neuron and direction
 * is a cap; the searches spread the budget over the layers. Prints per method the
 * time and the unstable ReLUs per layer — fewer unstable ReLUs in less time is what makes the search
 * after it short. Sound (FLOAT32) arithmetic, two threads, 40 α,β steps, as {@code certus vnnlib}.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.RootTighteningComparison
 * [NET.onnx PROP.vnnlib] [--budget S] [--per 0.5,2]}; without a network, the bundled mnist-wk17a on the
 * ε = 0.1 ball of MNIST test image 0. The mnist_fc instances of VNN-COMP are not bundled (no licence to
 * redistribute); pass their files.
 */
public final class RootTighteningComparison {
    private RootTighteningComparison() {
    }

    public static void main(String[] args) throws java.io.IOException {
        List<String> positional = new ArrayList<>();
        double budgetSeconds = 180;
        double[] perNeuron = {0.5, 2.0};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--budget" -> budgetSeconds = Double.parseDouble(args[++i]);
                case "--per" -> {
                    String[] p = args[++i].split(",");
                    perNeuron = new double[p.length];
                    for (int k = 0; k < p.length; k++) {
                        perNeuron[k] = Double.parseDouble(p[k]);
                    }
                }
                default -> positional.add(args[i]);
            }
        }
        Network net;
        double[] lo;
        double[] hi;
        String what;
        if (positional.size() >= 2) {
            net = NetworkLoader.load(positional.get(0));
            VnnlibProperty p = VnnlibParser.parse(Path.of(positional.get(1)), net.inputSize(), net.outputSize());
            lo = p.cases().get(0).box().lower();
            hi = p.cases().get(0).box().upper();
            what = Path.of(positional.get(0)).getFileName() + " " + Path.of(positional.get(1)).getFileName();
        } else {
            MnistQuery q = new MnistQuery("mnist-wk17a", 0, 0.1);
            net = q.network;
            lo = q.box.lower();
            hi = q.box.upper();
            what = "mnist-wk17a sample 0 eps 0.1";
        }
        ReluChain chain = ReluChain.of(net);
        ArithmeticModel am = ArithmeticModel.FLOAT32;
        Duration budget = Duration.ofMillis(Math.round(budgetSeconds * 1000));
        System.out.println("root tightening on " + what + " (FLOAT32, 2 threads, budget " + budgetSeconds + " s per method, LP not counted)");
        System.out.printf(Locale.ROOT, "%-22s %9s  %-28s %7s  %s%n", "method", "time_s", "unstable per layer", "total", "detail");
        long t0 = System.nanoTime();
        NetworkBounds sym = new SymbolicPropagator(true, null, am).propagate(chain, lo, hi);
        row("symbolic", t0, sym, "");
        long t1 = System.nanoTime();
        NetworkBounds lp = new LpTightening(Duration.ofMinutes(10), Duration.ofMinutes(10), true, am).tighten(chain, lo, hi, sym);
        row("LP", t1, lp, "");
        for (double per : perNeuron) {
            Duration d = Duration.ofMillis(Math.round(per * 1000));
            long t2 = System.nanoTime();
            MipTightening mip = new MipTightening(d, budget, true, am);
            NetworkBounds m = mip.tighten(chain, lo, hi, lp);
            row(String.format(Locale.ROOT, "LP+MILP %.2fs/neuron", per), t2, m, mip.lastStatistics().toString());
            long t3 = System.nanoTime();
            NeuronSearchTightening ns = new NeuronSearchTightening(d, budget, true, am, 40, new CancelToken(),
                    NeuronSearchTightening.ROOT_GAP_FRACTION);
            NetworkBounds s = ns.tighten(net, lo, hi, sym);
            row(String.format(Locale.ROOT, "search %.2fs/neuron", per), t3, s, ns.lastStatistics().toString());
        }
    }

    private static void row(String method, long start, NetworkBounds b, String detail) {
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < b.reluLayerCount(); i++) {
            layers.append(i == 0 ? "" : " ").append(b.unstableCount(i));
        }
        System.out.printf(Locale.ROOT, "%-22s %9.2f  %-28s %7d  %s%n", method, seconds, layers, b.unstableCount(), detail);
    }
}
