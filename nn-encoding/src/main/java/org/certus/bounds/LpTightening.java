package org.certus.bounds;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.certus.encode.LinearExpression;
import org.certus.encode.MilpEncoder;
import org.certus.encode.PreActivationModel;
import org.certus.milp.LpResult;
import org.certus.milp.Model;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.SafeLpBound;
import org.certus.milp.Sense;
import org.certus.nn.ReluChain;

/**
 * LP-based bound tightening (MIPVerify's {@code lp} tightening): layer by layer, each unstable
 * neuron's pre-activation is maximised, and where the maximum is still positive minimised, over
 * the LP relaxation of the earlier layers (big-M with relaxed binaries, i.e. the triangle
 * relaxation; stable ReLUs substituted; only the neurons the layer depends on are encoded).
 *
 * <p>Upper bound first and the lower bound only where the upper one stays positive: a neuron proved
 * inactive needs no lower bound (MIPVerify's progressive strategy), which saves about half the LPs
 * on networks where tightening mostly proves neurons dead.
 *
 * <p>Soundness: an LP optimum is never used as it is. Every bound is certified by
 * {@link SafeLpBound} from the LP's duals (a valid bound whatever the duals' errors) and the
 * expression's constant is added with outward rounding; a solve that fails or cannot be certified
 * keeps the previous bound. The result is intersected with symbolic propagation, recomputed after
 * each tightened layer so later layers profit, hence never looser than {@link SymbolicPropagator}.
 * In {@link ArithmeticModel#FLOAT32} arithmetic (the search's sound mode) the model's ReLU rows and
 * every bound are widened by the float32 evaluation error (see
 * {@link MilpEncoder#preActivations(ReluChain, double[], double[], double[][], double[][], double[][], int, int[])}),
 * so the bounds contain every float32 and double evaluation as well.
 *
 * <p>ojAlgo 57 cannot change the cost vector of a built solver, so {@link OjAlgoLpSolver#setObjective}
 * makes the next solve cold: one model per layer is built once and reused for all its neurons, and
 * neurons are spread over threads, each with its own solver.
 */
public final class LpTightening {
    /**
     * Relative widening of every certified LP bound for rounding made while building the model:
     * {@link SafeLpBound} is rigorous for the model as stored, but the substituted expressions were
     * composed from the weights in floating point (each coefficient a sum of products, relative error
     * below ~n·2^-53 for n terms). Scaled by the expression's magnitude {@code |c| + Σ|a_k|·max|x_k|};
     * 1e-9 covers sums of up to ~10^6 terms. Without it a random network's bound was off by 1e-17.
     */
    static final double MODEL_ROUNDING_SLACK = 1e-9;

    private final Duration layerBudget;
    private final Duration totalBudget;
    private long endOfAll;
    private final boolean parallel;
    private final ArithmeticModel arithmetic;
    private final SymbolicPropagator symbolic;

    /** @param layerBudget time for the LPs of one layer; neurons not reached keep their symbolic bounds */
    public LpTightening(Duration layerBudget, boolean parallel) {
        this(layerBudget, parallel, ArithmeticModel.REAL);
    }

    /**
     * @param arithmetic which evaluations the bounds must contain; with {@link ArithmeticModel#FLOAT32} the
     *                   model's rows and every bound are widened by the float32 evaluation error
     */
    public LpTightening(Duration layerBudget, boolean parallel, ArithmeticModel arithmetic) {
        this(layerBudget, null, parallel, arithmetic);
    }

    /** @param totalBudget time for all layers together (null: only the per-layer budget applies) */
    public LpTightening(Duration layerBudget, Duration totalBudget, boolean parallel, ArithmeticModel arithmetic) {
        if (layerBudget.isNegative() || (totalBudget != null && totalBudget.isNegative())) {
            throw new BoundsException("LP tightening budget must not be negative: " + layerBudget + ", " + totalBudget);
        }
        this.layerBudget = layerBudget;
        this.totalBudget = totalBudget;
        this.parallel = parallel;
        this.arithmetic = arithmetic;
        this.symbolic = new SymbolicPropagator(parallel, null, arithmetic);
    }

    public LpTightening() {
        this(Duration.ofSeconds(20), true);
    }

    /** Statistics of the last run: LPs solved, bounds improved, certifications that failed. */
    public record Statistics(int lpsSolved, int boundsImproved, int uncertified, int skippedForTime) {
    }

    private final AtomicInteger solved = new AtomicInteger();
    private final AtomicInteger improved = new AtomicInteger();
    private final AtomicInteger uncertified = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    public Statistics lastStatistics() {
        return new Statistics(solved.get(), improved.get(), uncertified.get(), skipped.get());
    }

    /** Symbolic bounds over the box, then LP tightening of every hidden layer. */
    public NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper) {
        return tighten(chain, inputLower, inputUpper, symbolic.propagate(chain, inputLower, inputUpper));
    }

    /**
     * Tightens {@code start} (sound bounds for this box without splits; in FLOAT32 arithmetic with their
     * evaluation-error model, as a FLOAT32 {@link SymbolicPropagator} gives them). Layer 0 is exact
     * already (an affine map of a box); layers 1 … k−1 are tightened by LP; outputs by symbolic
     * propagation over the tightened layers.
     */
    public NetworkBounds tighten(ReluChain chain, double[] inputLower, double[] inputUpper, NetworkBounds start) {
        solved.set(0);
        improved.set(0);
        uncertified.set(0);
        skipped.set(0);
        long now = System.nanoTime();
        endOfAll = totalBudget == null || totalBudget.toNanos() > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + totalBudget.toNanos();
        return LayerwiseTightening.run(symbolic, arithmetic, chain, inputLower, inputUpper, start, this::tightenLayer);
    }

    private void tightenLayer(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, double[][] err,
                              int layer) {
        int[] rows = unstable(lo[layer], hi[layer]);
        if (rows.length == 0) {
            return;
        }
        long now = System.nanoTime();
        long deadline = Math.min(endOfAll, layerBudget.toNanos() > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + layerBudget.toNanos());
        PreActivationModel pm = MilpEncoder.preActivations(chain, inLo, inHi, lo, hi, err, layer, rows);
        Model model = pm.model();
        int threads = LayerwiseTightening.threadsFor(parallel, rows.length);
        IntStream workers = LayerwiseTightening.workers(threads);
        double[] l = lo[layer];
        double[] u = hi[layer];
        workers.forEach(w -> {
            OjAlgoLpSolver lp = new OjAlgoLpSolver(model);
            for (int t = w; t < rows.length; t += threads) {
                if (System.nanoTime() > deadline) {
                    skipped.incrementAndGet();
                    continue;
                }
                int r = rows[t];
                LinearExpression z = pm.preActivations()[t];
                double e = pm.evaluationErrors()[t];
                double newUpper = certified(lp, model, z, e, Sense.MAXIMIZE);
                if (newUpper < u[r]) {
                    u[r] = newUpper;
                    improved.incrementAndGet();
                }
                if (u[r] <= 0 || System.nanoTime() > deadline) {
                    continue;
                }
                double newLower = certified(lp, model, z, e, Sense.MINIMIZE);
                if (newLower > l[r]) {
                    l[r] = newLower;
                    improved.incrementAndGet();
                }
            }
        });
    }

    /**
     * A rigorous bound of {@code z} in the given direction over the model, or ±∞ (no information)
     * when the LP fails or its duals certify nothing.
     */
    private double certified(OjAlgoLpSolver lp, Model model, LinearExpression z, double evaluationError, Sense sense) {
        boolean max = sense == Sense.MAXIMIZE;
        double none = max ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        lp.setObjective(z.idx(), z.coef(), sense);
        LpResult r = lp.solve();
        solved.incrementAndGet();
        if (!r.isOptimal() || !r.hasDuals()) {
            uncertified.incrementAndGet();
            return none;
        }
        double[] c = z.dense(model.numVariables());
        double b = max ? SafeLpBound.upperBound(model, c, r.rowDuals()) : SafeLpBound.lowerBound(model, c, r.rowDuals());
        if (Double.isInfinite(b) || Double.isNaN(b)) {
            // +∞ from lowerBound would mean "certified infeasible": the region is empty, but reporting
            // that is the caller's business; keeping the old bound is sound either way.
            uncertified.incrementAndGet();
            return none;
        }
        return preActivationBound(model, z, b, evaluationError, max);
    }

    /**
     * The bound on the pre-activation from a rigorous bound {@code b} on the linear part of {@code z}
     * over the model: adds the constant, {@link #MODEL_ROUNDING_SLACK} and the evaluation error, outward.
     */
    static double preActivationBound(Model model, LinearExpression z, double b, double evaluationError, boolean max) {
        double widening = wideningOf(model, z, evaluationError);
        // Round-to-nearest then one ulp outward bounds the exact sum.
        double sum = max ? b + z.constant() + widening : b + z.constant() - widening;
        return max ? Math.nextUp(sum) : Math.nextDown(sum);
    }

    /** What {@link #preActivationBound} adds to the bound besides the constant: rounding slack plus evaluation error. */
    static double wideningOf(Model model, LinearExpression z, double evaluationError) {
        double magnitude = Math.abs(z.constant());
        for (int q = 0; q < z.size(); q++) {
            int j = z.idx()[q];
            magnitude += Math.abs(z.coef()[q]) * Math.max(Math.abs(model.variableLower(j)), Math.abs(model.variableUpper(j)));
        }
        return Math.nextUp(MODEL_ROUNDING_SLACK * magnitude + evaluationError);
    }

    static int[] unstable(double[] l, double[] u) {
        return IntStream.range(0, l.length).filter(j -> l[j] < 0 && u[j] > 0).toArray();
    }
}
