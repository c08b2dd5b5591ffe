package org.certus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.Conjunction;
import org.certus.spec.LinearConstraint;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The α,β step of a node on a VNN-COMP instance, at its root: 20 steps for every row of the property's first
 * case, one row after another ({@link #alphaBetaRowsAlone}) and all rows together ({@link #alphaBetaRowsTogether},
 * {@code AlphaBetaOptimizer.lowerBounds}); and a child's CROWN bounds ({@link #crownChildBounds}). Each with the
 * weights of the ReLUs the root proves inactive left out, as the search does, and kept
 * ({@link #dropZeroInputWeights}). Made for the CIFAR-size networks, whose weights (millions of
 * non-zeros) do not fit in cache, so a step is bound by reading them. The suites are not bundled: the instance is
 * read from the folder of {@code -Dcertus.benchmarks} (a copy of the VNN-COMP suites in their own layout: one folder per suite).
 *
 * <p>Run: {@code java -Dcertus.benchmarks=DIR -jar benchmarks/target/benchmarks.jar VnnlibRootBenchmark -f 1 -wi 3 -i 5}
 * (the fork inherits the property through {@code -jvmArgsAppend -Dcertus.benchmarks=DIR}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
public class VnnlibRootBenchmark {
    /** {@code suite/onnx/NET.onnx suite/vnnlib/PROP.vnnlib}, relative to {@code -Dcertus.benchmarks}. */
    @Param({"sri_resnet_a/onnx/resnet_3b2_bn_mixup_adv_4.0_bs128_lr-1.onnx sri_resnet_a/vnnlib/cifar10_spec_idx_2806_eps_0.00350.vnnlib",
            "cifar10_resnet/onnx/resnet_4b.onnx cifar10_resnet/vnnlib/resnet4b_prop_0_eps_0.004.vnnlib"})
    public String instance;

    /**
     * Whether the chain leaves out the weights of the ReLUs the root proves inactive, as the search's does
     * ({@link ReluChain#withZeroInputWeightsDropped}); the bounds are the same numbers either way.
     */
    @Param({"true", "false"})
    public boolean dropZeroInputWeights;

    private ReluChain chain;
    private NetworkBounds bounds;
    private ReluSplits splits;
    private double[] lo;
    private double[] hi;
    private AffineMap rows;
    private ReluSplits childSplits;
    private final SymbolicPropagator crown = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32);
    private final AlphaBetaOptimizer alphaBeta = new AlphaBetaOptimizer(ArithmeticModel.FLOAT32);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String dir = System.getProperty("certus.benchmarks");
        if (dir == null) {
            throw new IllegalStateException("VnnlibRootBenchmark reads a VNN-COMP suite: give its folder with -Dcertus.benchmarks=DIR"
                    + " (and -jvmArgsAppend -Dcertus.benchmarks=DIR for the fork)");
        }
        String[] parts = instance.split(" ");
        Path onnx = Path.of(dir, parts[0]);
        Path vnnlib = Path.of(dir, parts[1]);
        if (!Files.isRegularFile(onnx) || !Files.isRegularFile(vnnlib)) {
            throw new IllegalStateException("no instance " + onnx + " / " + vnnlib);
        }
        Network net = NetworkLoader.load(onnx.toString());
        VnnlibProperty.Case c = VnnlibParser.parse(vnnlib, net.inputSize(), net.outputSize()).cases().get(0);
        lo = c.box().lower();
        hi = c.box().upper();
        chain = ReluChain.of(net, lo, hi);
        List<LinearConstraint> constraints = new ArrayList<>();
        for (Conjunction d : c.condition().disjuncts()) {
            constraints.addAll(d.constraints());
        }
        int m = constraints.size(), n = net.outputSize();
        double[] w = new double[m * n];
        double[] b = new double[m];
        for (int r = 0; r < m; r++) {
            // The constraint c·y <= rhs is violated where rhs − c·y < 0: the row bounds that margin.
            for (int j = 0; j < n; j++) {
                w[r * n + j] = -constraints.get(r).coefficient(j);
            }
            b[r] = constraints.get(r).rhs();
        }
        rows = AffineMap.fromDense(m, n, w, b);
        int[] widths = new int[chain.reluLayerCount()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = chain.width(i);
        }
        splits = ReluSplits.none(widths);
        bounds = new SymbolicPropagator(true, null, ArithmeticModel.FLOAT32).propagate(chain, lo, hi, splits);
        chain = chain.withZeroInputs(bounds.zeroReluOutputs());
        if (dropZeroInputWeights) {
            chain = chain.withZeroInputWeightsDropped();
        }
        // A child's split: the first unstable neuron of the second ReLU layer, made active.
        double[] l1 = bounds.lower(1), u1 = bounds.upper(1);
        int split = 0;
        while (split < l1.length - 1 && !(l1[split] < 0 && u1[split] > 0)) {
            split++;
        }
        childSplits = splits.with(1, split, ReluPhase.ACTIVE);
        System.out.printf("%n[VnnlibRootBenchmark] %s: %d rows, %d ReLUs (%d unstable), %d weights%n", parts[0], m,
                chain.reluCount(), bounds.unstableCount(), nonZeros(chain));
    }

    private static long nonZeros(ReluChain chain) {
        long nz = 0;
        for (int i = 0; i <= chain.reluLayerCount(); i++) {
            nz += chain.affine(i).nonZeros();
        }
        return nz;
    }

    /** A child's intermediate bounds: CROWN from its split's layer on, over the root's (one thread). */
    @Benchmark
    public double crownChildBounds() {
        return crown.propagate(chain, lo, hi, childSplits, bounds, 1).upper(chain.reluLayerCount())[0];
    }

    @Benchmark
    public double alphaBetaRowsAlone() {
        double sum = 0;
        for (int r = 0; r < rows.rows(); r++) {
            sum += alphaBeta.lowerBound(chain, bounds, splits, lo, hi, rows, r, 20).lower();
        }
        return sum;
    }

    @Benchmark
    public double alphaBetaRowsTogether() {
        int[] all = new int[rows.rows()];
        for (int r = 0; r < all.length; r++) {
            all[r] = r;
        }
        double sum = 0;
        for (AlphaBetaOptimizer.Result res : alphaBeta.lowerBounds(chain, bounds, splits, lo, hi, rows, all, 20, null,
                Double.POSITIVE_INFINITY)) {
            sum += res.lower();
        }
        return sum;
    }
}
