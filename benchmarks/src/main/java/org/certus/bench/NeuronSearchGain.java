package org.certus.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.BrancherKind;
import org.certus.bnb.NeuronSearchTightening;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.SplitMode;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

/**
 * What the branching of the root tightening's per-neuron searches buys, layer by layer: for neurons spread over each
 * hidden layer's unstable ones, the upper-bound search that {@link NeuronSearchTightening} runs (its gap
 * {@link NeuronSearchTightening#ROOT_GAP_FRACTION}, {@link NeuronSearchTightening#ROOT_SEARCH_BOUND_ITERATIONS} α,β
 * steps, float32 bounds, the cut network's substituted planes as the tightening decides them), with a time limit per
 * neuron, against the same search stopped after its root (one node), and with BaBSR in place of filtered smart
 * branching. Each prints the mean lowering of the neurons' upper bounds as a fraction of their width, the neurons
 * it makes inactive, the nodes and the time. The layers' earlier bounds are the symbolic ones (the tightening
 * itself starts each layer from tighter ones), one thread.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.NeuronSearchGain [NET PROP.vnnlib] [--neurons 30]
 * [--ms 200] [--reps 2] [--fixed 1]}; without a network, the bundled mnist-wk17a on the ε = 0.1 ball of MNIST test image 0.
 * {@code --fixed 1}: the searches' children keep their parent's hidden-layer bounds, as {@code certus vnnlib} runs
 * networks of 2 million lowered weights or more ({@link SearchOptions#fixedIntermediateBounds()}).
 */
public final class NeuronSearchGain {
    private NeuronSearchGain() {
    }

    public static void main(String[] args) throws java.io.IOException {
        ScalingArgs a = ScalingArgs.parse("NeuronSearchGain", args, Map.of("--neurons", 30.0, "--ms", 200.0, "--reps", 2.0, "--fixed", 0.0));
        boolean fixedIntermediate = a.number("--fixed") != 0;
        int neurons = (int) a.number("--neurons");
        Duration perNeuron = Duration.ofMillis(Math.round(a.number("--ms")));
        int reps = (int) a.number("--reps");
        ScalingArgs.Query query = a.firstBoxOrWk17a();
        ReluChain chain = query.chain();
        NetworkBounds start = query.float32Bounds(chain);
        System.out.printf(Locale.ROOT, "%s: %d unstable ReLUs; %d neurons per layer, %d ms each; %d reps%s%n",
                query.network().name(), start.unstableCount(), neurons, perNeuron.toMillis(), reps,
                fixedIntermediate ? "; fixed intermediate bounds" : "");
        double[] lo = query.lo();
        double[] hi = query.hi();
        for (int layer = 1; layer < chain.reluLayerCount(); layer++) {
            double[] l = start.lower(layer);
            double[] u = start.upper(layer);
            int[] unstable = IntStream.range(0, l.length).filter(r -> l[r] < 0 && u[r] > 0).toArray();
            int n = Math.min(neurons, unstable.length);
            if (n == 0) {
                continue;
            }
            int[] rows = IntStream.range(0, n).map(i -> unstable[(int) ((long) i * unstable.length / n)]).toArray();
            Network cut = chain.cutBefore(layer).network();
            boolean planes = AlphaBetaOptimizer.substitutedPlanesApply(ReluChain.of(cut));
            NetworkBounds fixed = fixedUpTo(start, layer);
            for (int rep = 0; rep < reps; rep++) {
                for (String mode : List.of("root only", "FSB", "BaBSR")) {
                    long t0 = System.nanoTime();
                    long nodes = 0;
                    double gain = 0;
                    int settled = 0;
                    for (int r : rows) {
                        SearchOptions o = SearchOptions.defaults().withTimeLimit(perNeuron).withThreads(1)
                                .withSplitMode(SplitMode.RELU).withAttack(0, 0).withArithmetic(ArithmeticModel.FLOAT32)
                                .withBoundIterations(NeuronSearchTightening.ROOT_SEARCH_BOUND_ITERATIONS)
                                .withSubstitutedPlanes(planes).withFixedIntermediateBounds(fixedIntermediate)
                                .withBrancher(mode.equals("BaBSR") ? BrancherKind.BABSR : BrancherKind.FSB);
                        if (mode.equals("root only")) {
                            o = o.withNodeLimit(1);
                        }
                        // The upper bound: minimise −z; the search's upper() bounds z from above.
                        AffineMap row = new AffineMap(1, l.length, new int[] {0, 1}, new int[] {r}, new double[] {-1.0},
                                new double[] {0.0});
                        WorstCaseMargin w = new BranchAndBound(new VerificationQuery(cut, lo, hi, List.of(row)), o)
                                .startingFrom(fixed).nested()
                                .minimizeMargin(NeuronSearchTightening.ROOT_GAP_FRACTION * (u[r] - l[r]), true);
                        nodes += w.statistics().nodes();
                        double upper = Math.min(u[r], w.upper());
                        gain += (u[r] - upper) / (u[r] - l[r]);
                        settled += upper <= 0 ? 1 : 0;
                    }
                    System.out.printf(Locale.ROOT, "layer %d (%d of %d unstable), %-9s: upper bounds %.4f of the width lower, "
                                    + "%d inactive, %d nodes, %.2f s%n", layer, n, unstable.length, mode, gain / n, settled, nodes,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }

    /** {@code b}'s bounds of layers 0 … {@code layer}, with their evaluation errors. */
    private static NetworkBounds fixedUpTo(NetworkBounds b, int layer) {
        int k = b.reluLayerCount() + 1;
        double[][] lo = new double[k][];
        double[][] hi = new double[k][];
        double[][] err = new double[k][];
        for (int i = 0; i < k; i++) {
            lo[i] = b.lower(i);
            hi[i] = b.upper(i);
            err[i] = b.evaluationError(i);
        }
        return NetworkBounds.copyOf(lo, hi, err, layer + 1);
    }
}
