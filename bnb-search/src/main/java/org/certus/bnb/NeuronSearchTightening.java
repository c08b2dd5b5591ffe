package org.certus.bnb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.LayerwiseTightening;
import org.certus.bounds.OutputCone;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;

/**
 * MIPVerify's progressive MIP tightening with this engine's own branch and bound in place of a MILP
 * solver: layer by layer, each neuron still unstable is the single output of the network cut just
 * before its ReLU, and a short search (symbolic α,β bounds, ReLU splits, no attack) minimises
 * {@code −z} (its upper bound) and, where that stays positive, {@code z} (its lower bound), starting from
 * the bounds tightened so far. A search ends when its bound settles the phase (the cut network
 * "verifies" {@code z < 0} or {@code z > 0}), when it finds an input on the other side (the neuron is
 * truly unstable that way), or at its time limit.
 *
 * <p><b>Why not a MILP.</b> A MILP node here is an ojAlgo LP over every earlier layer (tens of
 * milliseconds); a search node is one back-substitution with a few α,β steps, so many more nodes fit in
 * the same time (measured in {@code RootTighteningBenchmark}'s numbers quoted in README.md).
 *
 * <p><b>Soundness.</b> Only proven bounds are kept: a search's final bound ({@link SearchStatistics#finalBound()})
 * is the least proven bound over its pruned and open nodes, valid whether it completed, found an input or
 * stopped at its limit, in the engine's {@link ArithmeticModel} (FLOAT32 bounds also contain the float32
 * evaluation of the cut network, which computes the same pre-activations as the whole network). New
 * bounds are intersected with the old ones, and later layers are re-propagated over them
 * ({@link LayerwiseTightening}), so the result is never looser than the start.
 */
public final class NeuronSearchTightening {
    private final Duration neuronTimeLimit;
    private final Duration budget;
    private final boolean parallel;
    private final ArithmeticModel arithmetic;
    private final int boundIterations;
    /** Whether the neurons' searches may use substituted planes: where the whole network takes them. */
    private volatile boolean substitutedPlanes;
    private final CancelToken cancel;
    /** NaN: a search stops at an input on the other side; else it goes on to within this fraction of the width. */
    private final double gapFraction;
    /**
     * Rows over the network's outputs whose bounds the tightening is for (the query's open margin rows), or
     * null: every unstable neuron of a layer then gets the same time. With them, a layer's time goes to its
     * neurons in proportion to the gap each one's relaxation opens in these rows (see {@link #PRIORITY_SHARE}).
     */
    private final AffineMap priority;
    /** With {@link #priority}: the part of a layer's time shared out by score. */
    private final double priorityShare;
    /** Tried between layers (null: none); the time it takes is added to the budget, up to {@link #probeDeadline}. */
    private final Probe probe;
    private final long probeDeadline;
    /** As {@link SearchOptions#fixedIntermediateBounds()}, for every neuron's search. */
    private final boolean fixedIntermediateBounds;

    /**
     * A short try at the whole query from the bounds tightened so far, between layers: on the CIFAR ResNets the first
     * layers' bounds are what the search needs (cifar10_resnet resnet2b prop_22: the search closes in 5.6 s after 34 s
     * of tightening, while the whole tightening takes 170 s), so the later layers' time is better spent on the search.
     * The engine's root tightening does not use one ({@code RootTighteningStage}): probes that did not settle cost
     * sri_resnet_a idx 3667 its answer, whether their time came out of the search or out of the last layers.
     */
    public interface Probe {
        /**
         * @param current         bounds of every layer, sound for the box
         * @param tighteningNanos time the tightening's layers have taken so far (earlier tries not counted)
         * @return true when the try settled the query (the tightening then stops and returns {@code current})
         */
        boolean settles(NetworkBounds current, long tighteningNanos);
    }

    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicLong nodes = new AtomicLong();
    private final AtomicInteger improved = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private long deadline;
    /**
     * The gap to which the search's root tightening ({@link RootTightening#neuronSearch()}) minimises each
     * neuron, as a fraction of its width: stopping at the first input on the other side leaves the upper
     * bound of a truly unstable neuron where LP or symbolic bounds put it. On mnist_fc 256x4 prop_10_0.05
     * (2 s per neuron, 180 s) stopping there gave a root of −0.96 (133 unstable) and −0.48 after 300 s;
     * 0.1 gave −0.54 (122 unstable) and −0.20; 256x6 prop_3_0.05 with 0.1: root +0.77, unsat in 178 s.
     * Searches that have found no input on the other side stop at the phase proof instead of minimising past
     * zero to the gap: the 8 mnist_fc instances decided by the root tightening 1,063 → 924 s in all (6 faster);
     * 256x6 prop_4_0.05 after 170 s, layer 4 147 → 122 unstable ReLUs.
     *
     * <p>0.01 rather than 0.1: a truly unstable neuron's slack in an early layer loosens every relaxation after
     * it. On 256x4 prop_4_0.05 (171 s budget, {@code RootPriorityComparison}) the root went from −0.94 with 0.1
     * (182 unstable ReLUs, 42 58 4 78 by layer) to +0.16 with 0.03 (140; 42 55 3 40), +0.34 with 0.01 (127) and
     * +0.20 with 0 (130), the tightening taking 125, 113, 110 and 120 s: the searches run into their limits either way.
     */
    public static final double ROOT_GAP_FRACTION = 0.01;
    /**
     * Most α,β steps per node of a root-tightening search ({@link BranchAndBound}'s root tightening takes
     * the smaller of this and the query's {@link SearchOptions#boundIterations()}). A layer's share of the
     * budget spread over its neurons leaves each search a fraction of a second, so fewer steps per node buy
     * more nodes: on mnist_fc 256x6 prop_9_0.03 (180 s of tightening, 5 s per neuron) the root went from
     * −4.30 with 40 steps (475 unstable ReLUs) to −0.96 with 20 (313) and −1.07 with 10 (324).
     */
    public static final int ROOT_SEARCH_BOUND_ITERATIONS = 20;
    /** Shortest time a search gets when a layer's share is spread over many neurons (a few nodes' worth). */
    static final long MIN_SEARCH_NANOS = 100_000_000L;
    /**
     * With a {@link #withPriority priority} objective, the part of a layer's time shared out in proportion to
     * each neuron's score (the gap its triangle relaxation opens in the objective's CROWN bound,
     * {@code |λ|·u·(−l)/(u−l)}, recomputed from the bounds tightened so far before each layer); the rest is
     * spread evenly, since a neuron also matters through the bounds of the layers after it, which the
     * score does not see. Neurons are tightened in decreasing order of score. On mnist_fc 256x4 prop_7_0.05
     * (170 s budget, 5 s per neuron, {@code RootPriorityComparison}): evenly, root bound −1.71 after 169 s;
     * by score with 0.5 −1.45 (147 s), 0.9 −1.41 (133 s), 1.0 −1.46 (128 s) — the symbolic root is −3.85.
     * 256x6 prop_9_0.03 (170 s each): evenly −2.73 (430 unstable ReLUs), by score with 0.9 −1.43 (394).
     */
    public static final double PRIORITY_SHARE = 0.9;

    /**
     * @param neuronTimeLimit time for one neuron and direction
     * @param budget          time for the whole tightening; neurons not reached keep their bounds
     * @param boundIterations α,β steps per search node (as {@link SearchOptions#boundIterations()})
     * @param cancel          stops the tightening (the bounds so far are returned)
     */
    public NeuronSearchTightening(Duration neuronTimeLimit, Duration budget, boolean parallel, ArithmeticModel arithmetic,
                                  int boundIterations, CancelToken cancel) {
        this(neuronTimeLimit, budget, parallel, arithmetic, boundIterations, cancel, Double.NaN);
    }

    /**
     * @param gapFraction NaN: a search stops at the first input on the other side of zero (the phase cannot
     *                    be settled that way); otherwise it goes on minimising, as
     *                    {@link BranchAndBound#minimizeMargin}, until its proven bound is within this fraction of
     *                    the neuron's current width of the best input found (or its limit) — but only once an
     *                    input on the other side of zero is known: before that, a bound proving the phase ends it
     *                    (a stable neuron has no relaxation, so a tighter bound beyond zero buys nothing)
     */
    public NeuronSearchTightening(Duration neuronTimeLimit, Duration budget, boolean parallel, ArithmeticModel arithmetic,
                                  int boundIterations, CancelToken cancel, double gapFraction) {
        if (neuronTimeLimit.isNegative() || neuronTimeLimit.isZero()) {
            throw new IllegalArgumentException("time per neuron must be positive: " + neuronTimeLimit);
        }
        if (budget.isNegative()) {
            throw new IllegalArgumentException("tightening budget must not be negative: " + budget);
        }
        this.neuronTimeLimit = neuronTimeLimit;
        this.budget = budget;
        this.parallel = parallel;
        this.arithmetic = arithmetic;
        this.boundIterations = boundIterations;
        this.cancel = cancel;
        this.gapFraction = gapFraction;
        this.priority = null;
        this.priorityShare = 0;
        this.probe = null;
        this.probeDeadline = 0;
        this.fixedIntermediateBounds = false;
    }

    private NeuronSearchTightening(NeuronSearchTightening o, AffineMap priority, double priorityShare, Probe probe,
                                   long probeDeadline, boolean fixedIntermediateBounds) {
        this.neuronTimeLimit = o.neuronTimeLimit;
        this.budget = o.budget;
        this.parallel = o.parallel;
        this.arithmetic = o.arithmetic;
        this.boundIterations = o.boundIterations;
        this.cancel = o.cancel;
        this.gapFraction = o.gapFraction;
        this.priority = priority;
        this.priorityShare = priorityShare;
        this.probe = probe;
        this.probeDeadline = probeDeadline;
        this.fixedIntermediateBounds = fixedIntermediateBounds;
    }

    /**
     * The same tightening, trying {@code probe} before each hidden layer after the first; a try's time extends the
     * budget (so the layers keep theirs), but never past {@code deadlineNanos} ({@link System#nanoTime()} based).
     */
    public NeuronSearchTightening withProbe(Probe probe, long deadlineNanos) {
        return new NeuronSearchTightening(this, priority, priorityShare, probe, deadlineNanos, fixedIntermediateBounds);
    }

    /**
     * The same tightening, its searches' children keeping their parent's hidden-layer bounds or not
     * ({@link SearchOptions#fixedIntermediateBounds()}).
     */
    public NeuronSearchTightening withFixedIntermediateBounds(boolean on) {
        return new NeuronSearchTightening(this, priority, priorityShare, probe, probeDeadline, on);
    }

    /**
     * The same tightening, spending each layer's time on its neurons by their scores in {@code objective}
     * (rows over the network's outputs, e.g. the query's open margin rows; null: evenly).
     */
    public NeuronSearchTightening withPriority(AffineMap objective) {
        return withPriority(objective, PRIORITY_SHARE);
    }

    /** As {@link #withPriority(AffineMap)}, sharing out {@code share} (in [0, 1]) of each layer's time by score. */
    public NeuronSearchTightening withPriority(AffineMap objective, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("priority share must be in [0, 1], got " + share);
        }
        return new NeuronSearchTightening(this, objective, share, probe, probeDeadline, fixedIntermediateBounds);
    }

    /**
     * Searches run (one per neuron and direction), their nodes, bounds improved, phases settled, neurons
     * skipped for the budget, searches that ended neither proved nor refuted (their limit, or undecided).
     */
    public record Statistics(int searches, long nodes, int boundsImproved, int phasesSettled, int skippedForTime, int hitLimit) {
    }

    public Statistics lastStatistics() {
        return new Statistics(searches.get(), nodes.get(), improved.get(), settled.get(), skipped.get(), limited.get());
    }

    /**
     * Tightens {@code start}: sound bounds of {@code network}'s ReLU layers over the box (in this
     * arithmetic, with its evaluation-error model in FLOAT32). Never looser than {@code start}.
     */
    public NetworkBounds tighten(Network network, double[] inputLower, double[] inputUpper, NetworkBounds start) {
        return tighten(ReluChain.of(network, inputLower, inputUpper), inputLower, inputUpper, start);
    }

    /** As {@link #tighten(Network, double[], double[], NetworkBounds)} on the network's lowered chain. */
    public NetworkBounds tighten(ReluChain chain, double[] inputLower, double[] inputUpper, NetworkBounds start) {
        searches.set(0);
        nodes.set(0);
        improved.set(0);
        settled.set(0);
        skipped.set(0);
        limited.set(0);
        long now = System.nanoTime();
        deadline = Deadline.after(now, budget);
        // A cut network of two or three ReLU layers would take substituted planes, and with them three times the α,β
        // steps per node. On a deeper network (mnist_fc 256x4) they left the root's bound where it was at twice the
        // time; its neurons' searches were not measured with them, so those keep what they had. On a network that
        // shallow itself (mnist-wk17a) its searches take them as its own search does.
        substitutedPlanes = AlphaBetaOptimizer.substitutedPlanesApply(chain);
        requirePriorityFits(chain);
        // Re-propagations stop at the budget too: on TinyYOLO one is a minute.
        SymbolicPropagator propagator = new SymbolicPropagator(parallel, null, arithmetic)
                .withStop(() -> cancel.isCancelled() || System.nanoTime() > deadline);
        // With a priority, only the neurons its outputs depend on matter: the others are neither re-propagated nor searched.
        boolean[][] relevant = cone(chain);
        if (priority != null) {
            propagator = propagator.withOutputRows(priorityOutputs(chain));
        }
        SymbolicPropagator symbolic = propagator;
        probes.set(0);
        long[] probing = new long[1];
        LayerwiseTightening.Checkpoint checkpoint = probe == null ? null : current -> {
            if (cancel.isCancelled() || System.nanoTime() > deadline) {
                return false;
            }
            long t0 = System.nanoTime();
            probes.incrementAndGet();
            boolean settled = probe.settles(current, t0 - now - probing[0]);
            long took = System.nanoTime() - t0;
            probing[0] += took;
            // The try's time is the search's, not the layers': they keep their budget.
            long extended = deadline + took;
            long capped = extended - probeDeadline < 0 ? extended : probeDeadline;
            deadline = capped - deadline > 0 ? capped : deadline;
            return settled;
        };
        return LayerwiseTightening.run(symbolic, arithmetic, chain, inputLower, inputUpper, start,
                (c, inLo, inHi, lo, hi, err, layer) -> tightenLayer(symbolic, c, inLo, inHi, lo, hi, err, layer,
                        relevant == null ? null : relevant[layer]), checkpoint);
    }

    private void requirePriorityFits(ReluChain chain) {
        if (priority != null && priority.cols() != chain.outputSize()) {
            throw new IllegalArgumentException("priority objective over " + priority.cols() + " outputs, the network has "
                    + chain.outputSize());
        }
    }

    /** The outputs the priority objective reads (non-null priority). */
    private boolean[] priorityOutputs(ReluChain chain) {
        boolean[] read = new boolean[chain.outputSize()];
        for (int c : priority.colIndex()) {
            read[c] = true;
        }
        return read;
    }

    /** Per ReLU layer, the neurons the priority objective depends on; null without a priority, or when that is all. */
    private boolean[][] cone(ReluChain chain) {
        return priority == null ? null : OutputCone.of(chain, priorityOutputs(chain));
    }

    /**
     * The share of the neurons that this tightening would search ({@link #searchedNeurons}: the unstable ones of hidden
     * layers 1 … k−1, within its priority's cone) that its budget reaches at the shortest searches
     * ({@link #MIN_SEARCH_NANOS} on each worker), two per neuron (its upper bound, then its lower bound unless the
     * first settled it, which is rare where neurons are many: TinyYOLO settled 1 of 2,075 searches). Below 1 the
     * neurons last in line keep their start bounds. Infinite when there are none to search.
     *
     * @param neurons how many it would search, {@link #searchedNeurons}
     */
    public double reach(long neurons) {
        if (neurons == 0) {
            return Double.POSITIVE_INFINITY;
        }
        int workers = LayerwiseTightening.threadsFor(parallel, neurons > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) neurons);
        return (double) Deadline.nanos(budget) * workers / (2.0 * MIN_SEARCH_NANOS) / neurons;
    }

    /**
     * How many neurons a tightening from {@code start} would search (see {@link #reach}): with a priority, its cone is
     * worked out here once more than the tightening itself does (one pass over the maps' sparsity).
     */
    public long searchedNeurons(ReluChain chain, NetworkBounds start) {
        requirePriorityFits(chain);
        boolean[][] relevant = cone(chain);
        long n = 0;
        for (int i = 1; i < chain.reluLayerCount(); i++) {
            double[] l = start.lower(i);
            double[] u = start.upper(i);
            for (int r = 0; r < l.length; r++) {
                n += l[r] < 0 && u[r] > 0 && (relevant == null || relevant[i][r]) ? 1 : 0;
            }
        }
        return n;
    }

    /** How many times the last tightening asked its {@link Probe} (it may decline a try too short to pay). */
    public int lastProbes() {
        return probes.get();
    }

    /**
     * The network of {@code chain} cut just before ReLU layer {@code layer}: its outputs are that layer's
     * pre-activations, by the same maps and float32 error model ({@link ReluChain#cutBefore}).
     */
    static Network cutBefore(ReluChain chain, int layer) {
        return chain.cutBefore(layer).network();
    }

    private void tightenLayer(SymbolicPropagator symbolic, ReluChain chain, double[] inLo, double[] inHi,
                              double[][] lo, double[][] hi, double[][] err, int layer, boolean[] relevant) {
        double[] l = lo[layer];
        double[] u = hi[layer];
        int[] rows = IntStream.range(0, l.length).filter(r -> l[r] < 0 && u[r] > 0 && (relevant == null || relevant[r])).toArray();
        if (rows.length == 0) {
            return;
        }
        if (System.nanoTime() > deadline || cancel.isCancelled()) {
            skipped.addAndGet(rows.length);
            return;
        }
        Network cut = cutBefore(chain, layer);
        if (ReluChain.of(cut).reluLayerCount() != layer) {
            throw new IllegalStateException("cut network has the wrong number of ReLU layers");
        }
        // The layers before this one stay fixed while it is tightened: one snapshot for every search.
        NetworkBounds fixed = NetworkBounds.copyOf(lo, hi, err, layer + 1);
        int threads = LayerwiseTightening.threadsFor(parallel, rows.length);
        // Every hidden layer gets its share of what is left (layers 1 … k−1; the time this one does not use
        // goes to the later ones), spread evenly over its neurons' two searches: a fixed time per neuron
        // would spend the whole budget on the first wide layers and leave the last ones untouched.
        int layersLeft = chain.reluLayerCount() - layer;
        long share = Deadline.left(deadline) / Math.max(1, layersLeft);
        // Thread-nanoseconds for each direction of the layer's searches.
        double layerTime = (double) share * threads / 2.0;
        Duration[] limits = new Duration[rows.length];
        double[] scores = priority == null ? null : layerScores(symbolic, chain, inLo, inHi, lo, hi, err, layer);
        double total = 0;
        if (scores != null) {
            rows = byDecreasingScore(rows, scores);
            for (int r : rows) {
                total += scores[r];
            }
        }
        for (int t = 0; t < rows.length; t++) {
            double part = scores == null || !(total > 0) ? 1.0 / rows.length
                    : (1 - priorityShare) / rows.length + priorityShare * scores[rows[t]] / total;
            long perSearch = Math.max(MIN_SEARCH_NANOS, (long) (layerTime * part));
            limits[t] = perSearch < Deadline.nanos(neuronTimeLimit) ? Duration.ofNanos(perSearch) : neuronTimeLimit;
        }
        int[] order = rows;
        // Work stealing: each worker takes the next neuron in order as soon as it is free. Searches end at
        // their phase proof, at an input on the other side or at their limit, so their times vary by orders
        // of magnitude; a fixed share per worker (every threads-th neuron) left workers idle at a layer's end.
        AtomicInteger nextNeuron = new AtomicInteger();
        LayerwiseTightening.workers(threads).forEach(w -> {
            for (int t = nextNeuron.getAndIncrement(); t < order.length; t = nextNeuron.getAndIncrement()) {
                int r = order[t];
                Duration neuronLimit = limits[t];
                // Upper bound first: max z = −min(−z).
                double minNeg = search(cut, inLo, inHi, fixed, r, -1.0, u[r] - l[r], neuronLimit);
                if (Double.isNaN(minNeg)) {
                    skipped.incrementAndGet();
                    continue;
                }
                if (Double.isFinite(minNeg) && -minNeg < u[r]) {
                    u[r] = -minNeg;
                    improved.incrementAndGet();
                }
                if (u[r] <= 0) {
                    settled.incrementAndGet();
                    continue;
                }
                double min = search(cut, inLo, inHi, fixed, r, 1.0, u[r] - l[r], neuronLimit);
                if (Double.isNaN(min)) {
                    skipped.incrementAndGet();
                    continue;
                }
                if (Double.isFinite(min) && min > l[r]) {
                    l[r] = min;
                    improved.incrementAndGet();
                    if (min >= 0) {
                        settled.incrementAndGet();
                    }
                }
            }
        });
    }

    /**
     * Each neuron's score in the priority objective over the bounds so far (later layers already re-propagated
     * from the layers tightened before this one): the gap its relaxation opens in the objective's CROWN bound,
     * summed over the objective's rows.
     */
    private double[] layerScores(SymbolicPropagator symbolic, ReluChain chain, double[] inLo, double[] inHi, double[][] lo,
                                 double[][] hi, double[][] err,
                                 int layer) {
        double[][] scores = new double[chain.reluLayerCount()][];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new double[chain.width(i)];
        }
        symbolic.minimize(chain, NetworkBounds.copyOf(lo, hi, err, lo.length), inLo, inHi, priority, scores);
        return scores[layer];
    }

    /** {@code rows} sorted by decreasing score (ties by index, so the order is deterministic). */
    static int[] byDecreasingScore(int[] rows, double[] scores) {
        return IntStream.of(rows).boxed()
                .sorted((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * The proven lower bound of {@code sign·z_r} over the box (±∞ when nothing finite was proved), or NaN
     * when the budget is spent or the tightening was cancelled.
     */
    private double search(Network cut, double[] inLo, double[] inHi, NetworkBounds fixed, int r, double sign, double range,
                          Duration neuronLimit) {
        long left = Deadline.left(deadline);
        if (left <= 0 || cancel.isCancelled()) {
            return Double.NaN;
        }
        Duration limit = Deadline.nanos(neuronLimit) < left ? neuronLimit : Duration.ofNanos(left);
        int width = fixed.lower(fixed.reluLayerCount()).length;
        AffineMap row = new AffineMap(1, width, new int[] {0, 1}, new int[] {r}, new double[] {sign}, new double[] {0.0});
        VerificationQuery q = new VerificationQuery(cut, inLo, inHi, List.of(row));
        SearchOptions o = SearchOptions.defaults().withTimeLimit(limit).withThreads(1).withSplitMode(SplitMode.RELU)
                .withAttack(0, 0).withArithmetic(arithmetic).withBoundIterations(boundIterations).withCancel(cancel)
                .withSubstitutedPlanes(substitutedPlanes).withFixedIntermediateBounds(fixedIntermediateBounds);
        if (!Double.isNaN(gapFraction)) {
            // A neuron's search has done its job once it proves the phase: a stable neuron has no relaxation.
            WorstCaseMargin w = new BranchAndBound(q, o).startingFrom(fixed).nested().minimizeMargin(gapFraction * range, true);
            searches.incrementAndGet();
            nodes.addAndGet(w.statistics().nodes());
            if (!w.complete()) {
                limited.incrementAndGet();
            }
            // w.upper() bounds the largest −row over the box, so −w.upper() bounds the row from below.
            return -w.upper();
        }
        Verdict v = new BranchAndBound(q, o).startingFrom(fixed).nested().run();
        searches.incrementAndGet();
        nodes.addAndGet(v.statistics().nodes());
        if (v.status() != VerdictStatus.VERIFIED && v.status() != VerdictStatus.FALSIFIED) {
            limited.incrementAndGet();
        }
        return v.statistics().finalBound();
    }
}
