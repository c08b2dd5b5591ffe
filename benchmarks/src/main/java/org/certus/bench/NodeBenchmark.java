package org.certus.bench;

import java.util.concurrent.TimeUnit;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.AlphaBetaStart;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.encode.EncodingObjective;
import org.certus.encode.MilpEncoder;
import org.certus.encode.MilpEncoding;
import org.certus.encode.PhaseIndicator;
import org.certus.milp.LpResult;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.spec.RobustnessProperty;
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
 * The branch-and-bound's node-processing hot path, one step at a time, on an untargeted eps = 0.1
 * query whose root the bounds leave open (the first such MNIST test sample unless {@code sample} is
 * set; {@link OpenRoot}). The split neuron is the root's BaBSR choice, as the engine would take it.
 *
 * <ul>
 *   <li>{@link #boundChild}: bound one child — {@code NetworkBounds.withSplit} on the parent,
 *       {@code SymbolicPropagator.propagate} reusing the parent's layers up to the split, and
 *       {@code minimize} of the 9 margin rows; alternately the active and the inactive child. The
 *       engine's propagator (rows in parallel, FLOAT32 error model).</li>
 *   <li>{@link #boundChildSequential}: the same on one thread (each worker's cost when all cores run workers).</li>
 *   <li>{@link #warmLpResolve}: one warm re-solve of the MILP encoding's LP relaxation (worst-margin
 *       objective, ojAlgo) after fixing the split neuron's phase indicator, alternately to 1 and 0.</li>
 *   <li>{@link #alphaBetaRow}: 20 α,β iterations ({@code AlphaBetaOptimizer.lowerBound}) on the first
 *       margin row of the active child, from the adaptive α start: one row's share of a node that
 *       plain CROWN leaves open.</li>
 *   <li>{@link #alphaBetaRowsAlone}, {@link #alphaBetaRowsTogether}: the same for all 9 margin rows, one row
 *       after another ({@code lowerBound} per row) and together ({@code lowerBounds}: one pass through the
 *       weights per step for all rows); both give the same bounds.</li>
 *   <li>{@link #branchingDecision}: BaBSR scores of the child ({@code minimize(..., scores)}) and the
 *       arg-max over its free unstable ReLUs.</li>
 *   <li>{@link #splitEstimatesWhole}, {@link #splitEstimatesResumed}: what filtered smart branching spends on one
 *       node and row: the bounds of both children of the root's 24 best-scored unstable ReLUs with the root's α,β
 *       (10 steps on the first margin row), one whole back-substitution per child ({@code boundWith}) against one
 *       recorded pass resumed at each split's layer ({@code splitEstimates}); the same numbers.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NodeBenchmark} (or {@code -f 1 -wi 2 -i 3} when short of time).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class NodeBenchmark {
    @Param({"mnist-wk17a", "mnist-rsl18a"})
    public String network;

    /** MNIST test sample; -1: the first one whose root is open. */
    @Param("-1")
    public int sample;

    /**
     * Radius of the L∞ ball. The bundled networks at 0.1; a deep fully connected MNIST network from a file
     * (e.g. VNN-COMP's mnist_fc {@code mnist-net_256x4.onnx}, not bundled) at its own 0.03 or 0.05.
     */
    @Param("0.1")
    public double eps;

    private OpenRoot root;
    private final SymbolicPropagator parallel = OpenRoot.enginePropagator(true);
    private final SymbolicPropagator sequential = OpenRoot.enginePropagator(false);
    private final AlphaBetaOptimizer alphaBeta = new AlphaBetaOptimizer(ArithmeticModel.FLOAT32);
    private int layer;
    private int neuron;
    private ReluSplits[] childSplits;
    private NetworkBounds[] childParents;
    private NetworkBounds child;
    private ReluSplits childSplit;
    private OjAlgoLpSolver warm;
    private PhaseIndicator indicator;
    private boolean toggle;
    /** FSB's candidates at the root (layer, neuron) and the root's α,β start on margin row 0. */
    private int[][] candidates;
    private AlphaBetaStart rootStart;

    @Setup(Level.Trial)
    public void setUp() {
        root = sample < 0 ? OpenRoot.find(network, eps, 0, false) : OpenRoot.find(network, eps, sample, true);
        MnistQuery q = root.q;
        int[] pick = argmaxScore(q, root.bounds, OpenRoot.noSplits(q), scores(parallel, root.bounds));
        if (pick == null) {
            throw new IllegalStateException("no unstable ReLU to split at the root");
        }
        layer = pick[0];
        neuron = pick[1];
        ReluSplits none = OpenRoot.noSplits(q);
        ReluPhase[] phases = {ReluPhase.ACTIVE, ReluPhase.INACTIVE};
        childSplits = new ReluSplits[2];
        childParents = new NetworkBounds[2];
        for (int c = 0; c < 2; c++) {
            childSplits[c] = none.with(layer, neuron, phases[c]);
            childParents[c] = root.bounds.withSplit(layer, neuron, phases[c]);
        }
        childSplit = childSplits[0];
        child = parallel.propagate(q.chain, q.box.lower(), q.box.upper(), childSplit, childParents[0], layer + 1);
        if (child.infeasible()) {
            throw new IllegalStateException("the active child is empty");
        }

        // The 24 unstable ReLUs of highest BaBSR score (FsbBrancher's candidates) and the root's α,β on row 0.
        double[][] rootScores = scores(parallel, root.bounds);
        java.util.List<int[]> unstable = new java.util.ArrayList<>();
        for (int i = 0; i < rootScores.length; i++) {
            for (int j = 0; j < rootScores[i].length; j++) {
                if (root.bounds.isUnstable(i, j)) {
                    unstable.add(new int[] {i, j});
                }
            }
        }
        unstable.sort((a, b) -> Double.compare(rootScores[b[0]][b[1]], rootScores[a[0]][a[1]]));
        candidates = unstable.subList(0, Math.min(24, unstable.size())).toArray(new int[0][]);
        rootStart = alphaBeta.lowerBound(q.chain, root.bounds, none, q.box.lower(), q.box.upper(), root.margins, 0, 10).end();

        MilpEncoding enc = MilpEncoder.encode(q.chain, q.box.lower(), q.box.upper(), root.bounds,
                RobustnessProperty.targetCondition(RobustnessProperty.untargeted(q.label, 10), 10, 0.0), EncodingObjective.WORST, null);
        if (enc.triviallyInfeasible() || enc.indicators().isEmpty()) {
            throw new IllegalStateException("the encoding has nothing to branch on");
        }
        indicator = enc.indicators().get(enc.indicators().size() / 2);
        for (PhaseIndicator p : enc.indicators()) {
            if (p.layer() == layer && p.neuron() == neuron) {
                indicator = p;
            }
        }
        warm = new OjAlgoLpSolver(enc.model());
        LpResult r = warm.solve();
        if (!r.isOptimal()) {
            throw new IllegalStateException("relaxation not optimal: " + r);
        }
        System.out.printf("%n[NodeBenchmark] %s sample %d (label %d): %d unstable ReLUs at the root; split layer %d neuron %d;"
                + " LP %d vars (%d binary), %d rows%n", network, root.sample, q.label, root.unstable, layer, neuron,
                enc.model().numVariables(), enc.model().numBinaries(), enc.model().numConstraints());
    }

    private double[][] scores(SymbolicPropagator p, NetworkBounds b) {
        MnistQuery q = root.q;
        double[][] s = new double[q.chain.reluLayerCount()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new double[q.chain.width(i)];
        }
        p.minimize(q.chain, b, q.box.lower(), q.box.upper(), root.margins, s);
        return s;
    }

    /** The engine's BaBSR choice: the free unstable ReLU of highest positive score, else the widest. */
    private static int[] argmaxScore(MnistQuery q, NetworkBounds b, ReluSplits splits, double[][] scores) {
        int bestL = -1, bestN = -1;
        double best = -1;
        for (int pass = 0; pass < 2 && bestL < 0; pass++) {
            for (int i = 0; i < scores.length; i++) {
                double[] l = b.lower(i), u = b.upper(i);
                for (int j = 0; j < l.length; j++) {
                    if (!(l[j] < 0 && u[j] > 0) || splits.raw(i, j) != 0) {
                        continue;
                    }
                    double s = pass == 0 ? scores[i][j] : u[j] - l[j];
                    if (pass == 0 && s <= 0) {
                        continue;
                    }
                    if (s > best) {
                        best = s;
                        bestL = i;
                        bestN = j;
                    }
                }
            }
        }
        return bestL < 0 ? null : new int[] {bestL, bestN};
    }

    private LinearBounds bound(SymbolicPropagator p) {
        toggle = !toggle;
        int c = toggle ? 0 : 1;
        MnistQuery q = root.q;
        NetworkBounds parent = root.bounds.withSplit(layer, neuron, c == 0 ? ReluPhase.ACTIVE : ReluPhase.INACTIVE);
        NetworkBounds b = p.propagate(q.chain, q.box.lower(), q.box.upper(), childSplits[c], parent, layer + 1);
        return p.minimize(q.chain, b, q.box.lower(), q.box.upper(), root.margins);
    }

    @Benchmark
    public LinearBounds boundChild() {
        return bound(parallel);
    }

    @Benchmark
    public LinearBounds boundChildSequential() {
        return bound(sequential);
    }

    @Benchmark
    public double warmLpResolve() {
        toggle = !toggle;
        double v = toggle ? 1.0 : 0.0;
        warm.setVariableBounds(indicator.variable(), v, v);
        return warm.solve().objectiveValue();
    }

    @Benchmark
    public double alphaBetaRow() {
        MnistQuery q = root.q;
        return alphaBeta.lowerBound(q.chain, child, childSplit, q.box.lower(), q.box.upper(), root.margins, 0, 20).lower();
    }

    @Benchmark
    public double alphaBetaRowsAlone() {
        MnistQuery q = root.q;
        double sum = 0;
        for (int r = 0; r < root.margins.rows(); r++) {
            sum += alphaBeta.lowerBound(q.chain, child, childSplit, q.box.lower(), q.box.upper(), root.margins, r, 20).lower();
        }
        return sum;
    }

    @Benchmark
    public double alphaBetaRowsTogether() {
        MnistQuery q = root.q;
        int[] rows = new int[root.margins.rows()];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r;
        }
        double sum = 0;
        for (AlphaBetaOptimizer.Result res : alphaBeta.lowerBounds(q.chain, child, childSplit, q.box.lower(), q.box.upper(),
                root.margins, rows, 20, null, Double.POSITIVE_INFINITY)) {
            sum += res.lower();
        }
        return sum;
    }

    @Benchmark
    public double splitEstimatesWhole() {
        MnistQuery q = root.q;
        ReluSplits none = OpenRoot.noSplits(q);
        double sum = 0;
        for (int[] c : candidates) {
            for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                sum += alphaBeta.boundWith(q.chain, root.bounds.withSplit(c[0], c[1], phase), none.with(c[0], c[1], phase),
                        q.box.lower(), q.box.upper(), root.margins, 0, rootStart);
            }
        }
        return sum;
    }

    @Benchmark
    public double splitEstimatesResumed() {
        MnistQuery q = root.q;
        ReluSplits none = OpenRoot.noSplits(q);
        AlphaBetaOptimizer.SplitEstimates est = alphaBeta.splitEstimates(q.chain, root.bounds, none, q.box.lower(), q.box.upper(),
                root.margins, 0, rootStart);
        double sum = 0;
        for (int[] c : candidates) {
            for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                sum += est.bound(c[0], c[1], root.bounds.withSplit(c[0], c[1], phase), none.with(c[0], c[1], phase));
            }
        }
        return sum;
    }

    @Benchmark
    public int[] branchingDecision() {
        return argmaxScore(root.q, child, childSplit, scores(parallel, child));
    }
}
