package org.certus.bench.maxpool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.certus.api.Verifier;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerificationQuery;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

/**
 * MaxPool's two ReLU lowerings against each other on one MNIST network with MaxPool layers: the balanced
 * tree ({@link MaxPool}'s own: ⌈log₂ k⌉ ReLU layers per window of k) and a sequential chain
 * ({@link SequentialMaxPool}: k − 1 layers). Both have k − 1 ReLUs per window, each relaxed by the
 * triangle of one max of two values. Per sample of the ε-ball robustness question (untargeted): the
 * root's symbolic bounds (normal-form depth, neurons, unstable ReLUs, the lowest margin bound) and the
 * search's verdict, nodes and time. Sound (FLOAT32) arithmetic, as the verifier runs.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.maxpool.MaxPoolLowerings
 * [NETWORK] [--samples N] [--eps E] [--time-limit S] [--threads T]}; default network
 * {@code examples/pytorch/cnn_batchnorm_maxpool.onnx}.
 */
public final class MaxPoolLowerings {
    private MaxPoolLowerings() {
    }

    public static void main(String[] args) {
        String network = "examples/pytorch/cnn_batchnorm_maxpool.onnx";
        int samples = 20;
        double eps = 0.02;
        double timeLimit = 30;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--eps" -> eps = Double.parseDouble(args[++i]);
                case "--time-limit" -> timeLimit = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> network = args[i];
            }
        }
        Network tree = NetworkLoader.load(network);
        Network sequential = withSequentialPools(tree);
        Dataset data = Datasets.load("mnist");
        System.out.printf(Locale.ROOT, "network %s, samples 0-%d, eps %s, time limit %s s, %d threads%n", Path.of(network).getFileName(),
                samples - 1, eps, timeLimit, threads);
        System.out.printf(Locale.ROOT, "%-10s %6s %6s %8s %8s %10s %9s %7s %8s%n", "lowering", "sample", "layers", "neurons", "unstable",
                "root bound", "verdict", "nodes", "time s");
        double[][] totals = new double[2][4];
        for (int s = 0; s < samples; s++) {
            double[] x = data.image(s);
            int label = data.label(s);
            if (tree.predict(x) != label) {
                continue;
            }
            InputBox box = RobustnessProperty.linfBall(x, eps, tree.inputDomain().lower(), tree.inputDomain().upper());
            var property = RobustnessProperty.of(box, RobustnessProperty.untargeted(label, 10), 10, 0.0);
            for (int v = 0; v < 2; v++) {
                Network net = v == 0 ? tree : sequential;
                List<AffineMap> ds = Verifier.create(net).toQuery(property.cases().get(0)).disjuncts();
                ReluChain chain = ReluChain.of(net, box.lower(), box.upper());
                SymbolicPropagator p = new SymbolicPropagator(threads > 1, null, ArithmeticModel.FLOAT32);
                NetworkBounds b = p.propagate(chain, box.lower(), box.upper());
                LinearBounds lb = p.minimize(chain, b, box.lower(), box.upper(), AffineMap.stack(ds, 10));
                // Each disjunct is one row y_label − y_t <= 0: the root's margin bound is the least row bound.
                double worst = Double.POSITIVE_INFINITY;
                for (double l : lb.lower()) {
                    worst = Math.min(worst, l);
                }
                long t0 = System.nanoTime();
                Verdict verdict = new BranchAndBound(new VerificationQuery(net, box.lower(), box.upper(), ds),
                        SearchOptions.defaults().withTimeLimit(Duration.ofMillis((long) (timeLimit * 1000))).withThreads(threads)).run();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%-10s %6d %6d %8d %8d %10.4f %9s %7d %8.2f%n", v == 0 ? "tree" : "sequential", s,
                        chain.reluLayerCount(), chain.reluCount(), b.unstableCount(), worst, verdict.status(), verdict.statistics().nodes(), secs);
                totals[v][0] += b.unstableCount();
                totals[v][1] += secs;
                totals[v][2] += verdict.statistics().nodes();
                totals[v][3] += verdict.status().name().equals("TIMEOUT") ? 1 : 0;
            }
        }
        for (int v = 0; v < 2; v++) {
            System.out.printf(Locale.ROOT, "%-10s total: unstable %.0f, nodes %.0f, time %.1f s, timeouts %.0f%n", v == 0 ? "tree" : "sequential",
                    totals[v][0], totals[v][2], totals[v][1], totals[v][3]);
        }
    }

    /** The same graph with every MaxPool lowered as a sequential chain. */
    static Network withSequentialPools(Network net) {
        List<Network.Node> nodes = new ArrayList<>();
        for (Network.Node n : net.nodes()) {
            nodes.add(n.op() instanceof MaxPool mp ? new Network.Node(new SequentialMaxPool(mp), n.inputs()) : n);
        }
        return Network.graph(net.name() + "-sequential-maxpool", net.inputShape(), net.inputDomain(), nodes);
    }
}
