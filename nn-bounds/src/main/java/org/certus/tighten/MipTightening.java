package org.certus.tighten;

import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundsException;
import org.certus.bounds.LayerwiseTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.certus.encode.LinearExpression;
import org.certus.encode.MilpEncoder;
import org.certus.encode.PreActivationModel;
import org.certus.encode.ReluGapBranching;
import org.certus.milp.BinaryBranchAndBound;
import org.certus.milp.Deadline;
import org.certus.milp.MilpLimits;
import org.certus.milp.MilpResult;
import org.certus.milp.MilpStatus;
import org.certus.milp.Model;
import org.certus.milp.Sense;
import org.certus.nn.ReluChain;

/**
 * MIP-based bound tightening (MIPVerify's {@code mip} tightening): layer by layer, each unstable
 * neuron's pre-activation is maximised, and where the maximum is still positive minimised, over the
 * exact MILP of the layers before it (big-M, one binary per unstable ReLU it depends on; only the
 * neurons it depends on are encoded), with a time limit per neuron.
 *
 * <p><b>Progressive</b> (MIPVerify's strategy): symbolic bounds first, then LP tightening, then a MILP
 * only for the neurons still unstable, upper bound first and the lower bound only where the upper one
 * stays positive. Each search stops as soon as its proven bound settles the neuron's phase (upper
 * bound {@code <= 0}, lower bound {@code >= 0}): its root node is the LP relaxation again, now over the
 * MIP-tightened earlier layers, so a neuron that this LP settles costs one LP, and branching is spent
 * only where the relaxation cannot decide.
 *
 * <p><b>Soundness.</b> Only proven bounds are kept: {@link BinaryBranchAndBound} certifies every node
 * it rests on with {@link org.certus.milp.SafeLpBound} (a search stopped by its time limit still returns
 * a valid, only looser, bound), and the bound is widened like LP tightening's (model rounding, and in
 * FLOAT32 arithmetic the evaluation error). Each new bound is intersected with the previous one, and
 * later layers are re-propagated symbolically over the tightened ones, so the result is never looser than
 * the start bounds.
 *
 * <p>Neurons are spread over threads, each with its own solver; one model per layer is built once.
 */
public final class MipTightening {
    /**
     * A MILP search counts as finished when its proven bound is within this fraction of the neuron's
     * current bound width of its incumbent: far below what changes a big-M constant meaningfully, and it
     * spares proving the last digits.
     */
    static final double RELATIVE_GAP = 1e-4;

    private final Duration neuronTimeLimit;
    private final Duration budget;
    private final boolean parallel;
    private final ArithmeticModel arithmetic;
    private final SymbolicPropagator symbolic;

    private final AtomicInteger milps = new AtomicInteger();
    private final AtomicLong nodes = new AtomicLong();
    private final AtomicInteger improved = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private long deadline;

    /**
     * @param neuronTimeLimit time for one neuron's MILP (each of its two directions gets this much)
     * @param budget          time for the whole tightening; neurons not reached keep their bounds
     * @param arithmetic      which evaluations the bounds must contain (as for {@link LpTightening})
     */
    public MipTightening(Duration neuronTimeLimit, Duration budget, boolean parallel, ArithmeticModel arithmetic) {
        if (neuronTimeLimit.isNegative() || neuronTimeLimit.isZero()) {
            throw new BoundsException("MIP tightening time per neuron must be positive: " + neuronTimeLimit);
        }
        if (budget.isNegative()) {
            throw new BoundsException("MIP tightening budget must not be negative: " + budget);
        }
        this.neuronTimeLimit = neuronTimeLimit;
        this.budget = budget;
        this.parallel = parallel;
        this.arithmetic = arithmetic;
        this.symbolic = new SymbolicPropagator(parallel, null, arithmetic);
    }

    /** Real arithmetic (as {@code certus bounds} and MIPVerify count unstable ReLUs). */
    public MipTightening(Duration neuronTimeLimit, Duration budget, boolean parallel) {
        this(neuronTimeLimit, budget, parallel, ArithmeticModel.REAL);
    }

    /**
     * Statistics of the last run: MILPs searched (one per direction and neuron), their nodes, bounds
     * improved, searches stopped by a limit, neurons skipped because the budget ran out.
     */
    public record Statistics(int milps, long nodes, int boundsImproved, int hitLimit, int skippedForTime) {
    }

    public Statistics lastStatistics() {
        return new Statistics(milps.get(), nodes.get(), improved.get(), limited.get(), skipped.get());
    }

    /**
     * Symbolic bounds over the box, then LP tightening ({@link LpTightening}, in the same arithmetic), then
     * MIP tightening of the neurons still unstable; all within the budget.
     */
    public NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper) {
        long end = deadlineAfter(budget);
        NetworkBounds sym = symbolic.propagate(chain, inputLower, inputUpper);
        long left = Math.max(0, end - System.nanoTime());
        NetworkBounds lp = new LpTightening(Duration.ofNanos(left), Duration.ofNanos(left), parallel, arithmetic)
                .tighten(chain, inputLower, inputUpper, sym);
        return tighten(chain, inputLower, inputUpper, lp, end);
    }

    /**
     * Tightens {@code start} (sound bounds for this box without splits; in FLOAT32 arithmetic with their
     * evaluation-error model), e.g. LP-tightened bounds; the result is never looser than {@code start}.
     */
    public NetworkBounds tighten(ReluChain chain, double[] inputLower, double[] inputUpper, NetworkBounds start) {
        return tighten(chain, inputLower, inputUpper, start, deadlineAfter(budget));
    }

    private NetworkBounds tighten(ReluChain chain, double[] inputLower, double[] inputUpper, NetworkBounds start, long end) {
        milps.set(0);
        nodes.set(0);
        improved.set(0);
        limited.set(0);
        skipped.set(0);
        deadline = end;
        return LayerwiseTightening.run(symbolic, arithmetic, chain, inputLower, inputUpper, start, this::tightenLayer);
    }

    private static long deadlineAfter(Duration d) {
        long now = System.nanoTime();
        return Deadline.after(now, d);
    }

    private void tightenLayer(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, double[][] err,
                              int layer) {
        int[] rows = LpTightening.unstable(lo[layer], hi[layer]);
        if (rows.length == 0) {
            return;
        }
        if (System.nanoTime() > deadline) {
            skipped.addAndGet(rows.length);
            return;
        }
        PreActivationModel pm = MilpEncoder.preActivations(chain, inLo, inHi, lo, hi, err, layer, rows);
        Model model = pm.model();
        int threads = LayerwiseTightening.threadsFor(parallel, rows.length);
        IntStream workers = LayerwiseTightening.workers(threads);
        double[] l = lo[layer];
        double[] u = hi[layer];
        workers.forEach(w -> {
            BinaryBranchAndBound bnb = new BinaryBranchAndBound(model);
            for (int t = w; t < rows.length; t += threads) {
                int r = rows[t];
                LinearExpression z = pm.preActivations()[t];
                double e = pm.evaluationErrors()[t];
                double gap = RELATIVE_GAP * (u[r] - l[r]);
                bnb.withBranching(new ReluGapBranching(pm.unstableRelus(), z, model.numVariables()));
                double settle = settleMargin(model, z, e);
                Double up = search(bnb, model, z, e, Sense.MAXIMIZE, gap, -z.constant() - settle);
                if (up == null) {
                    continue;
                }
                if (up < u[r]) {
                    u[r] = up;
                    improved.incrementAndGet();
                }
                if (u[r] <= 0) {
                    continue;
                }
                Double down = search(bnb, model, z, e, Sense.MINIMIZE, gap, -z.constant() + settle);
                if (down == null) {
                    continue;
                }
                if (down > l[r]) {
                    l[r] = down;
                    improved.incrementAndGet();
                }
            }
        });
    }

    /**
     * The proven bound of {@code z} in this direction, widened; ±∞ when nothing was proved; null when the
     * budget is spent (the neuron is skipped).
     */
    private Double search(BinaryBranchAndBound bnb, Model model, LinearExpression z, double evaluationError, Sense sense,
                          double gap, double threshold) {
        long left = Deadline.left(deadline);
        if (left <= 0) {
            skipped.incrementAndGet();
            return null;
        }
        Duration limit = Deadline.nanos(neuronTimeLimit) < left ? neuronTimeLimit : Duration.ofNanos(left);
        MilpResult r = bnb.optimize(z.idx(), z.coef(), sense, new MilpLimits(limit, Long.MAX_VALUE, Math.max(gap, 0.0), threshold));
        milps.incrementAndGet();
        nodes.addAndGet(r.nodes());
        if (r.status() == MilpStatus.LIMIT) {
            limited.incrementAndGet();
        }
        return widenedBound(r, model, z, evaluationError, sense == Sense.MAXIMIZE);
    }

    /**
     * How far past zero the proven bound of {@code z}'s linear part must be before its widened bound
     * ({@link LpTightening#preActivationBound}) settles the phase: a search may stop at
     * {@code −constant ∓ margin}.
     */
    static double settleMargin(Model model, LinearExpression z, double evaluationError) {
        double widening = LpTightening.wideningOf(model, z, evaluationError);
        return Math.nextUp(widening) + Math.ulp(Math.abs(z.constant()) + widening);
    }

    /** A search's proven bound on {@code z} (constant and widening added), or ±∞ in its direction when nothing was proved. */
    static double widenedBound(MilpResult r, Model model, LinearExpression z, double evaluationError, boolean max) {
        double b = r.provenBound();
        if (Double.isNaN(b) || Double.isInfinite(b)) {
            // +∞/−∞ in the direction of the search: nothing proved. The other infinity would say "no input
            // reaches this neuron", impossible over a non-empty box with sound bounds: keep the old bound.
            return max ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return LpTightening.preActivationBound(model, z, b, evaluationError, max);
    }
}
