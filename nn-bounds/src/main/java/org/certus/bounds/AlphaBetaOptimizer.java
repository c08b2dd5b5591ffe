package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.OutwardRounding;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Tightens the symbolic lower bound of one linear function of the outputs on one node by
 * optimising, as α,β-CROWN does (Xu et al. 2021; Wang et al. 2021), the slope {@code α ∈ [0,1]} of
 * each unstable ReLU's lower relaxation and a Lagrange multiplier {@code β >= 0} for each phase split
 * ({@code z >= 0} or {@code z <= 0}). For every α and β the back-substituted bound is valid, so the
 * optimisation can only choose among sound bounds: the best one found is returned.
 *
 * <p>Gradients without automatic differentiation: with the relaxation lines fixed, the bound is
 * the minimum over the box of one affine function of the input, attained at a vertex {@code x*}.
 * Its supergradient with respect to α_n is {@code λ_n·ẑ_n(x*)} and with respect to β_n is
 * {@code −σ_n·ẑ_n(x*)}, where ẑ is the relaxed network (each ReLU replaced by its chosen line)
 * evaluated forward at x*. Steps are Adam's, projected onto [0,1] and [0, ∞).
 */
public final class AlphaBetaOptimizer {
    /** Adam's step size for α (slopes live in [0,1]). */
    static final double ALPHA_STEP = 0.1;
    /** Adam's step size for β, relative to the scale of the objective's coefficients. */
    static final double BETA_STEP = 0.05;

    /**
     * Fewest steps of an optimisation with substituted planes ({@link SubstitutedPlanes}): their θ and m start at the
     * triangle (or at the weights the subtree's first optimisation ended with) and move one Adam step at a time.
     * mnist-wk17a sample 3604, sound, 120 s: with 20 steps per node a timeout (bound −0.0042 after 14,895 nodes), 30
     * a timeout (−0.0020), 40 robust in 80 s (6,948 nodes), 60 robust in 2.9–3.4 s (25 nodes); a first optimisation of
     * 100 or 300 steps with 20 at every other node: timeouts (−0.0038, −0.0028).
     */
    static final int SUBSTITUTED_MIN_STEPS = 60;

    private final ArithmeticModel arithmetic;
    /** Checked before each step; when true, the optimisation throws {@link BoundingInterrupted}. */
    private final java.util.function.BooleanSupplier stop;
    private final boolean boxHull;
    private final boolean substituted;

    public AlphaBetaOptimizer(ArithmeticModel arithmetic) {
        this(arithmetic, () -> false);
    }

    /** An optimiser that abandons a row (with {@link BoundingInterrupted}) once {@code stop} holds. */
    public AlphaBetaOptimizer(ArithmeticModel arithmetic, java.util.function.BooleanSupplier stop) {
        this(arithmetic, stop, false);
    }

    /**
     * {@code boxHull}: bound the first layer's ReLUs above by planes of their hull over the box
     * ({@link BoxHullPlanes}), optimised with α and β; the triangle's line is where they start.
     */
    public AlphaBetaOptimizer(ArithmeticModel arithmetic, java.util.function.BooleanSupplier stop, boolean boxHull) {
        this(arithmetic, stop, boxHull, false);
    }

    /**
     * {@code substituted}: also bound the ReLUs of every layer after the first above by {@code θ·triangle + (1 − θ)·plane},
     * the plane over the inputs and the earlier layers' unstable outputs ({@link SubstitutedPlanes}), optimised with α
     * and β.
     */
    public AlphaBetaOptimizer(ArithmeticModel arithmetic, java.util.function.BooleanSupplier stop, boolean boxHull,
                              boolean substituted) {
        this.arithmetic = arithmetic;
        this.stop = stop;
        this.boxHull = boxHull;
        this.substituted = substituted;
    }

    /** Whether substituted planes apply to {@code chain} (two or three ReLU layers; see {@link SubstitutedPlanes}). */
    public static boolean substitutedPlanesApply(ReluChain chain) {
        return SubstitutedPlanes.applies(chain);
    }

    /**
     * Whether box-hull planes are worth their cost on {@code chain}: when its first layer is dense, each neuron reads
     * every input, and its hull over the box is far tighter than the triangle (on mnist-rsl18a and mnist_fc, see
     * {@link BoxHullPlanes}). A convolution's neuron reads a small window; on mnist-wk17a the planes moved sample
     * 3604's bound after 120 s only from −0.034 to −0.031.
     */
    public static boolean boxHullApplies(ReluChain chain) {
        return chain.reluLayerCount() >= 1 && chain.affine(0).denseRowsOrNull() != null;
    }

    /**
     * Result: the best valid lower bound, the box vertex where its relaxation attains it, and the α
     * and β that gave it (a start for the node's children).
     */
    public record Result(double lower, double[] argmin, AlphaBetaStart end) {
        @Override
        public String toString() {
            return "Result[lower=" + lower + ", argmin=" + Arrays.toString(argmin) + ", end=" + end + "]";
        }
    }

    /**
     * @param row one row of an affine map over the outputs (its bias included)
     * @param iterations optimisation steps (0 gives the plain CROWN bound with adaptive α)
     */
    public Result lowerBound(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                             AffineMap objective, int row, int iterations) {
        return lowerBound(chain, bounds, splits, inLo, inHi, objective, row, iterations, null, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #lowerBound(ReluChain, NetworkBounds, ReluSplits, double[], double[], AffineMap, int, int)},
     * starting from {@code start} (e.g. the parent node's end; null: adaptive α, β = 0) and stopping
     * as soon as a bound above {@code target} is proved (nothing more is needed to close the row).
     */
    public Result lowerBound(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                             AffineMap objective, int row, int iterations, AlphaBetaStart start, double target) {
        return lowerBounds(chain, bounds, splits, inLo, inHi, objective, new int[] {row}, iterations,
                new AlphaBetaStart[] {start}, target, true)[0];
    }

    /**
     * {@link #lowerBound(ReluChain, NetworkBounds, ReluSplits, double[], double[], AffineMap, int, int, AlphaBetaStart, double)}
     * for several rows at once: each row is optimised exactly as alone (its own α, β and steps; the same
     * values, since every sum runs in the same order), but each step goes through every weight once for all
     * rows still open ("lanes"), instead of once per row: on networks whose weights do not fit in cache (CIFAR
     * convolutions, millions of non-zeros) a back-substitution is bound by reading them.
     *
     * @param starts one start per row (null, or null entries: adaptive α, β = 0)
     * @param target a row stops once its bound is above this
     */
    public Result[] lowerBounds(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                                AffineMap objective, int[] rows, int iterations, AlphaBetaStart[] starts, double target) {
        return lowerBounds(chain, bounds, splits, inLo, inHi, objective, rows, iterations, starts, target,
                weights(chain) >= LANES_MIN_WEIGHTS);
    }

    /** {@code together}: the rows go through the weights together (else one after another; same results). */
    Result[] lowerBounds(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                         AffineMap objective, int[] rows, int iterations, AlphaBetaStart[] starts, double target,
                         boolean together) {
        if (rows.length > 1 && !together) {
            // Weights that stay in cache: a lane alone runs its tighter loops (same results either way).
            Result[] results = new Result[rows.length];
            for (int i = 0; i < rows.length; i++) {
                results[i] = lowerBounds(chain, bounds, splits, inLo, inHi, objective, new int[] {rows[i]}, iterations,
                        new AlphaBetaStart[] {starts == null ? null : starts[i]}, target, true)[0];
            }
            return results;
        }
        int k = chain.reluLayerCount();
        AlphaBetaLane[] lanes = new AlphaBetaLane[rows.length];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new AlphaBetaLane(chain, k, objective, rows[i], boxHull);
            AlphaBetaStart start = starts == null ? null : starts[i];
            if (substituted && SubstitutedPlanes.applies(chain)) {
                lanes[i].substituted = new SubstitutedPlanes(chain, bounds, inLo, inHi);
                if (start != null && start.substituted() != null) {
                    lanes[i].substitutedStart = start.substituted();
                    lanes[i].substituted.startFrom(lanes[i].substitutedStart);
                }
            }
            initialise(bounds, splits, start, lanes[i].alpha, lanes[i].beta);
            if (lanes[i].planes != null && start != null && start.planes() != null) {
                lanes[i].planeStart = start.planes();
                lanes[i].planes.startFrom(lanes[i].planeStart);
            }
        }
        AlphaBetaLane[] open = lanes.clone();
        int openCount = open.length;
        if (lanes[0].substituted != null && iterations > 0) {
            // θ and m need more steps than α and β alone to pay (see SUBSTITUTED_MIN_STEPS).
            iterations = Math.max(iterations, SUBSTITUTED_MIN_STEPS);
        }
        for (int it = 0; it <= iterations && openCount > 0; it++) {
            if (stop.getAsBoolean()) {
                if (lanes[0].bestX == null) {
                    throw new BoundingInterrupted();
                }
                break; // every step's bound is valid: keep the best so far
            }
            AlphaBetaLane[] now = java.util.Arrays.copyOf(open, openCount);
            LanePasses.backward(chain, bounds, splits, inLo, inHi, objective, now);
            openCount = 0;
            for (AlphaBetaLane lane : now) {
                if (lane.value > lane.best || lane.bestX == null) {
                    lane.best = Math.max(lane.best, lane.value);
                    lane.bestX = lane.vertex.clone();
                    lane.bestStart = AlphaBetaStart.of(lane.alpha, lane.beta, splits, lane.planeStart, lane.substitutedStart);
                }
                if (it < iterations && !(lane.best > target)) {
                    open[openCount++] = lane;
                }
            }
            if (openCount == 0) {
                break;
            }
            AlphaBetaLane[] moving = java.util.Arrays.copyOf(open, openCount);
            LanePasses.forwardRelaxed(chain, bounds, splits, moving);
            for (AlphaBetaLane lane : moving) {
                lane.adamStep(bounds, splits, it);
                if (lane.planes != null) {
                    lane.planes.adamStep(lane.vertex, inLo, inHi, it);
                }
                if (lane.substituted != null) {
                    lane.substituted.adamStep(lane.vertex, lane.zHat, it);
                }
            }
        }
        Result[] results = new Result[lanes.length];
        for (int i = 0; i < lanes.length; i++) {
            AlphaBetaLane lane = lanes[i];
            AlphaBetaStart end = lane.bestStart;
            if (lane.planes != null && lane.planeStart == null && end != null) {
                // The first optimisation of this row in its subtree: its planes start every descendant.
                end = end.withPlanes(lane.planes.snapshot());
            }
            if (lane.substituted != null && lane.substitutedStart == null && end != null) {
                // Likewise the substituted planes' weights.
                end = end.withSubstituted(lane.substituted.snapshot());
            }
            results[i] = new Result(lane.best, lane.bestX, end);
        }
        return results;
    }

    /**
     * The bound one back-substitution gives with the α and β of {@code start} (a neuron split since it
     * was taken gets β = 0) and no optimisation: valid like every bound here, and a cheap estimate of
     * what optimising would give, as filtered smart branching needs for its candidates.
     */
    public double boundWith(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                            AffineMap objective, int row, AlphaBetaStart start) {
        int k = chain.reluLayerCount();
        AlphaBetaLane lane = AlphaBetaLane.forOnePass(chain, k, objective, row);
        initialise(bounds, splits, start, lane.alpha, lane.beta);
        LanePasses.backward(chain, bounds, splits, inLo, inHi, objective, new AlphaBetaLane[] {lane});
        return lane.value;
    }

    /**
     * {@link #boundWith} for many children of one node, each with one more ReLU split: the node's own pass is recorded
     * layer by layer ({@link LanePasses.State}), and a child split in layer L goes on from the state before layer L's
     * relaxation, since nothing above it differs. Filtered smart branching estimates two children per candidate; on
     * mnist-wk17a most candidates are in the two convolutions, below the dense layer that most of a pass costs.
     */
    public SplitEstimates splitEstimates(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                                         AffineMap objective, int row, AlphaBetaStart start) {
        int k = chain.reluLayerCount();
        AlphaBetaLane lane = AlphaBetaLane.forOnePass(chain, k, objective, row);
        initialise(bounds, splits, start, lane.alpha, lane.beta);
        LanePasses.State[] record = new LanePasses.State[k];
        LanePasses.backward(chain, bounds, splits, inLo, inHi, objective, new AlphaBetaLane[] {lane}, null, record);
        return new SplitEstimates(chain, inLo, inHi, objective, lane, record, start);
    }

    /** The children's bounds of {@link #splitEstimates}: each is the number {@link #boundWith} gives for it. */
    public static final class SplitEstimates {
        private final ReluChain chain;
        private final double[] inLo;
        private final double[] inHi;
        private final AffineMap objective;
        private final AlphaBetaLane lane;
        private final LanePasses.State[] record;
        private final AlphaBetaStart start;

        private SplitEstimates(ReluChain chain, double[] inLo, double[] inHi, AffineMap objective, AlphaBetaLane lane,
                               LanePasses.State[] record, AlphaBetaStart start) {
            this.chain = chain;
            this.inLo = inLo;
            this.inHi = inHi;
            this.objective = objective;
            this.lane = lane;
            this.record = record;
            this.start = start;
        }

        /**
         * The bound of the child that splits neuron {@code neuron} of ReLU layer {@code layer}, given as that child's
         * bounds and splits (the node's with that one split: {@link NetworkBounds#withSplit}, {@link ReluSplits#with}).
         */
        public double bound(int layer, int neuron, NetworkBounds childBounds, ReluSplits childSplits) {
            // The new split's β as boundWith's start gives it (0 for a neuron split after the start was taken); α and β
            // of the other neurons are the node's.
            double[] beta = lane.beta[layer];
            double saved = beta[neuron];
            beta[neuron] = start == null ? 0.0 : start.splitBeta(layer, neuron);
            try {
                LanePasses.backward(chain, childBounds, childSplits, inLo, inHi, objective, new AlphaBetaLane[] {lane}, record[layer],
                        null);
                return lane.value;
            } finally {
                beta[neuron] = saved;
            }
        }
    }

    /**
     * Fewest stored weights for which rows go through the network together in {@link #lowerBounds}. Below it a
     * lane alone is faster: the weights stay in cache, so sharing their reads buys nothing, while one lane keeps
     * the contiguous loops and skips the rows its own multipliers leave at zero. {@code VnnlibRootBenchmark} and
     * {@code NodeBenchmark} (9 rows, 20 steps, medians, 2 loaded cores): rows together vs one after another
     * 0.6–1.0x on mnist-wk17a (0.6M weights), 0.5–0.7x on mnist-rsl18a; 1.4–1.9x on sri_resnet_a's ResNet
     * (2.1M weights), 2.0x on cifar10_resnet's resnet_4b (2.4M).
     */
    static final long LANES_MIN_WEIGHTS = 1_000_000;

    private static long weights(ReluChain chain) {
        long w = 0;
        for (int j = 0; j <= chain.reluLayerCount(); j++) {
            w += chain.affine(j).nonZeros();
        }
        return w;
    }

    /** Fills α (CROWN's adaptive slope, or the start's) and β (0, or the start's) for every ReLU. */
    private static void initialise(NetworkBounds bounds, ReluSplits splits, AlphaBetaStart start, double[][] alpha, double[][] beta) {
        for (int j = 0; j < alpha.length; j++) {
            double[] l = bounds.lower(j), u = bounds.upper(j);
            alpha[j] = new double[l.length];
            beta[j] = new double[l.length];
            for (int n = 0; n < l.length; n++) {
                alpha[j][n] = u[n] >= -l[n] ? 1.0 : 0.0;
            }
        }
        if (start != null) {
            start.fill(alpha, beta, splits);
        }
    }

}
