package org.certus.tighten;

import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundsException;
import org.certus.bounds.LayerwiseTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.certus.encode.EncodedRelu;
import org.certus.encode.IdealReluCuts;
import org.certus.encode.LinearExpression;
import org.certus.encode.MilpEncoder;
import org.certus.encode.PreActivationModel;
import org.certus.encode.ReluGapBranching;
import org.certus.milp.BinaryBranchAndBound;
import org.certus.milp.Deadline;
import org.certus.milp.LpResult;
import org.certus.milp.MilpLimits;
import org.certus.milp.MilpResult;
import org.certus.milp.Model;
import org.certus.milp.ModelBuilder;
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

    /**
     * A neuron still unstable after its LP gets the cutting-plane stage when one of its bounds is within
     * this share of its width of zero. Ideal-formulation cuts move LP bounds by little (on mnist-wk17a at
     * ε = 0.1 by 2.6e-4 on average, for widths from a few hundredths to about 1): every phase they settled on
     * samples 10–19 had a bound within 1e-4 of zero, 0.7% of its width at most; a 20% share settled nothing
     * more on samples 0–429.
     */
    static final double CUT_CANDIDATE_SHARE = 0.05;

    /** Rounds of separate-and-resolve per neuron in the cutting-plane stage. */
    static final int CUT_ROUNDS = 10;

    /**
     * Time limit of one LP of the cutting-plane stage. These LPs take milliseconds, but ojAlgo's primal
     * simplex once cycled on one with cuts (mnist-wk17a test sample 6346) for over ten minutes; a solve that
     * hits the limit certifies nothing and ends the neuron's stage.
     */
    static final long CUT_LP_TIME_LIMIT_MS = 2000;

    /** A cut is added only when the LP point violates it by more than this (absolute, in activation units). */
    static final double CUT_MIN_VIOLATION = 1e-6;

    /**
     * A neuron still unstable after the cutting-plane stage gets the splitting stage when one of its bounds is
     * within this share of its width of zero. On mnist-wk17a at ε = 0.1 (60 samples where LP and exact differ,
     * up to 1,000 LPs per neuron) every phase the stage settled had a bound within 10.1% of its width of zero
     * (33 of 5,408 candidates within 50%, all in the dense layer); 25% leaves room for other networks.
     */
    static final double SPLIT_CANDIDATE_SHARE = 0.25;

    /**
     * LPs one neuron's splitting stage may solve (nodes of its branch and bound). The phases settled in the
     * measurement above took 9–443 LPs, 28 of 33 within 200; a neuron that is not settled costs all of them.
     */
    static final long SPLIT_NODE_LIMIT = 200;

    /** Time limit of one neuron's splitting stage (and of each of its LPs). */
    static final long SPLIT_TIME_LIMIT_MS = 2000;

    private final Duration layerBudget;
    private final Duration totalBudget;
    private long endOfAll;
    private final boolean parallel;
    private final ArithmeticModel arithmetic;
    private final SymbolicPropagator symbolic;
    private boolean cuts = true;
    private double cutCandidateShare = CUT_CANDIDATE_SHARE;
    private boolean splits = true;
    private double splitCandidateShare = SPLIT_CANDIDATE_SHARE;
    private long splitNodeLimit = SPLIT_NODE_LIMIT;

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

    /**
     * Whether neurons left unstable with a bound near zero get the cutting-plane stage ({@link IdealReluCuts}:
     * the LP of the neuron alone, re-solved with the violated inequalities of the ideal ReLU formulation
     * added, up to {@link #CUT_ROUNDS} times). On by default.
     */
    public LpTightening withCuts(boolean enabled) {
        this.cuts = enabled;
        return this;
    }

    /** Tests: the share of {@link #CUT_CANDIDATE_SHARE} (0.5 sends every unstable neuron to the cutting-plane stage). */
    LpTightening withCutCandidateShare(double share) {
        this.cutCandidateShare = share;
        return this;
    }

    /**
     * Whether neurons left unstable with a bound near zero after the cutting planes get the splitting stage:
     * a small branch and bound of the neuron's own LP on the phases of the ReLUs below it
     * ({@link BinaryBranchAndBound} with {@link ReluGapBranching}, at most {@link #SPLIT_NODE_LIMIT} LPs). Its
     * bound is the worst over the leaves, i.e. the optimum of one LP over the convex hull of the union of the
     * leaves' relaxations (a disjunctive relaxation in the sense of Balas), which is tighter than the triangle
     * relaxation where one ReLU's phase pins others. On by default.
     */
    public LpTightening withSplits(boolean enabled) {
        this.splits = enabled;
        return this;
    }

    /** Tests and measurements: the candidate share and LP limit of the splitting stage. */
    LpTightening withSplitLimits(double share, long nodeLimit) {
        this.splitCandidateShare = share;
        this.splitNodeLimit = nodeLimit;
        return this;
    }

    /** Statistics of the last run: LPs solved, bounds improved, certifications that failed. */
    public record Statistics(int lpsSolved, int boundsImproved, int uncertified, int skippedForTime, int cutsAdded,
                             int settledByCuts, int splitLps, int settledBySplits) {
    }

    private final AtomicInteger solved = new AtomicInteger();
    private final AtomicInteger improved = new AtomicInteger();
    private final AtomicInteger uncertified = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger cutsAdded = new AtomicInteger();
    private final AtomicInteger settledByCuts = new AtomicInteger();
    private final AtomicInteger splitLps = new AtomicInteger();
    private final AtomicInteger settledBySplits = new AtomicInteger();

    public Statistics lastStatistics() {
        return new Statistics(solved.get(), improved.get(), uncertified.get(), skipped.get(), cutsAdded.get(),
                settledByCuts.get(), splitLps.get(), settledBySplits.get());
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
        cutsAdded.set(0);
        settledByCuts.set(0);
        splitLps.set(0);
        settledBySplits.set(0);
        long now = System.nanoTime();
        endOfAll = totalBudget == null ? Deadline.NEVER : Deadline.after(now, totalBudget);
        return LayerwiseTightening.run(symbolic, arithmetic, chain, inputLower, inputUpper, start, this::tightenLayer);
    }

    private void tightenLayer(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, double[][] err,
                              int layer) {
        int[] rows = unstable(lo[layer], hi[layer]);
        if (rows.length == 0) {
            return;
        }
        long now = System.nanoTime();
        long deadline = Math.min(endOfAll, Deadline.after(now, layerBudget));
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
        if (cuts || splits) {
            settleNearZero(chain, inLo, inHi, lo, hi, err, layer, deadline);
        }
    }

    /**
     * The splitting stage of one neuron (see {@link #withSplits}): a branch and bound of the LP of its own
     * dependencies towards its bound nearer zero, stopped as soon as the proven bound settles the phase or the LP
     * or time limit is reached. The bound kept is the search's proven one (every node certified from its duals
     * with its own variable bounds), widened like every other LP bound; a search that proves nothing changes nothing.
     */
    private void splitNeuron(PreActivationModel pm, int r, double[] l, double[] u, long deadline) {
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left <= 0) {
            // A zero limit would mean "none" to the search.
            skipped.incrementAndGet();
            return;
        }
        boolean upper = u[r] <= -l[r];
        Model model = pm.model();
        LinearExpression z = pm.preActivations()[0];
        double e = pm.evaluationErrors()[0];
        double margin = MipTightening.settleMargin(model, z, e);
        Duration limit = Duration.ofNanos(Math.min(left, SPLIT_TIME_LIMIT_MS * 1_000_000L));
        MilpLimits limits = new MilpLimits(limit, splitNodeLimit, 0, upper ? -z.constant() - margin : -z.constant() + margin);
        BinaryBranchAndBound search = new BinaryBranchAndBound(model)
                .withBranching(new ReluGapBranching(pm.unstableRelus(), z, model.numVariables()));
        MilpResult res = search.optimize(z.idx(), z.coef(), upper ? Sense.MAXIMIZE : Sense.MINIMIZE, limits);
        splitLps.addAndGet((int) res.nodes());
        if (narrow(r, upper, MipTightening.widenedBound(res, model, z, e, upper), l, u)) {
            settledBySplits.incrementAndGet();
        }
    }

    /**
     * The stages for neurons of the layer still unstable with a bound near zero, each on the LP of the neuron's own
     * dependencies (built once per neuron), spread over the threads; neurons reached after the deadline are skipped
     * (and counted). First the cutting-plane stage, for a bound within {@link #CUT_CANDIDATE_SHARE} of the width of
     * zero: the LP is optimised towards that bound; the ideal-formulation inequalities of the encoded ReLUs violated
     * at the optimum are added and the LP solved again, until the phase is settled, nothing is violated or
     * {@link #CUT_ROUNDS} rounds have run. Every bound is certified from the duals of the model it was solved on,
     * cuts included (the cuts are valid rows, see {@link IdealReluCuts}). Then, for a neuron still unstable within
     * {@link #SPLIT_CANDIDATE_SHARE}, the splitting stage ({@link #splitNeuron}).
     */
    private void settleNearZero(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, double[][] err,
                                int layer, long deadline) {
        double[] l = lo[layer];
        double[] u = hi[layer];
        double share = Math.max(cuts ? cutCandidateShare : 0, splits ? splitCandidateShare : 0);
        int[] rows = IntStream.range(0, l.length).filter(j -> nearZero(l[j], u[j], share)).toArray();
        if (rows.length == 0) {
            return;
        }
        int threads = LayerwiseTightening.threadsFor(parallel, rows.length);
        LayerwiseTightening.workers(threads).forEach(w -> {
            for (int t = w; t < rows.length; t += threads) {
                if (System.nanoTime() > deadline) {
                    skipped.incrementAndGet();
                    continue;
                }
                int r = rows[t];
                PreActivationModel pm = MilpEncoder.preActivations(chain, inLo, inHi, lo, hi, err, layer, new int[] {r});
                if (cuts && nearZero(l[r], u[r], cutCandidateShare)) {
                    settleNeuron(pm, r, u[r] <= -l[r], l, u, deadline);
                }
                if (splits && nearZero(l[r], u[r], splitCandidateShare)) {
                    splitNeuron(pm, r, l, u, deadline);
                }
            }
        });
    }

    /** Whether a neuron with bounds [l, u] is unstable with a bound within {@code share} of its width of zero. */
    private static boolean nearZero(double l, double u, double share) {
        return l < 0 && u > 0 && Math.min(u, -l) <= share * (u - l);
    }

    /**
     * A neuron's cutting-plane stage on its bound nearer zero ({@code upper} or lower): optimises its
     * pre-activation over the model, adds the cuts violated at the optimum and repeats (see {@link #settleNearZero}).
     */
    private void settleNeuron(PreActivationModel pm, int r, boolean upper, double[] l, double[] u, long deadline) {
        List<IdealReluCuts.Cut> found = new ArrayList<>();
        LinearExpression z = pm.preActivations()[0];
        double e = pm.evaluationErrors()[0];
        Sense sense = upper ? Sense.MAXIMIZE : Sense.MINIMIZE;
        Model model = pm.model();
        for (int round = 0; round <= CUT_ROUNDS && System.nanoTime() <= deadline; round++) {
            OjAlgoLpSolver lp = new OjAlgoLpSolver(model);
            lp.setObjective(z.idx(), z.coef(), sense);
            long left = deadline == Long.MAX_VALUE ? CUT_LP_TIME_LIMIT_MS : (deadline - System.nanoTime()) / 1_000_000;
            lp.setTimeLimit(Math.max(1, Math.min(CUT_LP_TIME_LIMIT_MS, left)));
            LpResult res = lp.solve();
            solved.incrementAndGet();
            if (narrow(r, upper, certify(res, model, z, e, upper), l, u)) {
                settledByCuts.incrementAndGet();
                return;
            }
            if (!res.hasPrimal()) {
                return;
            }
            int before = found.size();
            for (EncodedRelu relu : pm.unstableRelus()) {
                IdealReluCuts.Cut c = IdealReluCuts.separate(relu, model, res.primal(), CUT_MIN_VIOLATION);
                if (c != null) {
                    found.add(c);
                }
            }
            if (found.size() == before) {
                return;
            }
            cutsAdded.addAndGet(found.size() - before);
            model = modelWithCuts(pm.model(), found);
        }
    }

    /**
     * Takes a new upper (or lower) bound of neuron r where it is tighter; returns whether the neuron's phase is
     * now settled.
     */
    private boolean narrow(int r, boolean upper, double bound, double[] l, double[] u) {
        if (upper && bound < u[r]) {
            u[r] = bound;
            improved.incrementAndGet();
        } else if (!upper && bound > l[r]) {
            l[r] = bound;
            improved.incrementAndGet();
        }
        return u[r] <= 0 || l[r] >= 0;
    }

    /** {@code base} with the cuts as extra rows (a built {@link Model} is immutable, so a copy). */
    private static Model modelWithCuts(Model base, List<IdealReluCuts.Cut> cuts) {
        if (cuts.isEmpty()) {
            return base;
        }
        ModelBuilder b = ModelBuilder.copyOf(base);
        for (IdealReluCuts.Cut c : cuts) {
            b.addConstraint(Double.NEGATIVE_INFINITY, c.idx(), c.coef(), c.upper());
        }
        return b.build();
    }

    /**
     * A rigorous bound of {@code z} in the given direction over the model, or ±∞ (no information)
     * when the LP fails or its duals certify nothing.
     */
    private double certified(OjAlgoLpSolver lp, Model model, LinearExpression z, double evaluationError, Sense sense) {
        boolean max = sense == Sense.MAXIMIZE;
        lp.setObjective(z.idx(), z.coef(), sense);
        LpResult r = lp.solve();
        solved.incrementAndGet();
        return certify(r, model, z, evaluationError, max);
    }

    /** {@link #certified}'s bound from a solve already made, or ±∞ (no information). */
    private double certify(LpResult r, Model model, LinearExpression z, double evaluationError, boolean max) {
        double none = max ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
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
