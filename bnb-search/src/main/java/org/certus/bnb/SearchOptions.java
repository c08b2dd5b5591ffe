package org.certus.bnb;

import java.time.Duration;
import org.certus.bounds.ArithmeticModel;

/**
 * Every tuning knob of the search in one place, each with its default and why. Immutable; use
 * {@link #defaults()} and the {@code with…} methods.
 *
 * @param timeLimit      wall-clock limit for the whole query, honoured to within a fraction of a second; one too
 *                       long to add to the clock (beyond about 292 years) means no limit ({@link org.certus.milp.Deadline})
 * @param nodeLimit      stop after this many bounded nodes (a limit for tests and scripts)
 * @param threads        worker threads sharing the open nodes; defaults to the available processors
 * @param splitMode      what to split on: ReLU phases, input dimensions, or chosen by the input size
 * @param brancher       which ReLU to split on
 * @param attackRestarts PGD restarts before the search; 0 disables the attack
 * @param attackSteps    PGD steps per restart
 * @param attackShare    most of the time limit the attack may take, in (0, 1] (default 1: only the limit itself)
 * @param seed           seed of the attack's random starts (results do not depend on it, only the time to find a
 *                       counterexample)
 * @param maxOpenNodes   above this many open nodes the search takes the deepest node instead of the
 *                       best-bounded one, which caps memory (depth-first frees nodes fastest)
 * @param cancel         a token another thread may use to stop the search
 * @param arithmetic     which evaluations of the network the bounds cover: {@link ArithmeticModel#FLOAT32}
 *                       (default, sound for float32 and double runtimes) or {@link ArithmeticModel#REAL}
 * @param certifyLp      whether LP bounds count only when certified from the duals (default) or as the solver says
 * @param boundIterations α,β optimisation steps per open objective row and node (0 = plain CROWN). Each step
 *                       costs about one back-substitution, and a row stops as soon as it is proved. Default 20;
 *                       {@code certus vnnlib}/{@code vnncomp} use 40 (children start where their parent's
 *                       optimisation ended, so the steps add up down the tree: on mnist_fc 256x4 prop_11_0.05,
 *                       20 steps took 8,235 nodes (157 s), 40 took 1,253 (34 s), 80 took 985 (37 s); ACAS Xu
 *                       67 → 47 s). On mnist-wk17a's closest-distortion search of sample 8, 40 steps made the
 *                       60 s limit too short.
 * @param substitutedPlanes whether the α,β bound may use substituted planes where they apply (default; see
 *                       {@code SubstitutedPlanes} in nn-bounds: chains of two or three ReLU layers)
 * @param fixedIntermediateBounds whether a ReLU split's children keep their parent's bounds on every hidden layer (the
 *                       split neuron's phase applied) and bound only the objective's rows again, the split reaching
 *                       the later layers through its β multiplier alone, as β-CROWN's fixed intermediate bounds
 *                       (default false: the layers behind the split are propagated again, which closes deep nodes
 *                       of deep MLPs: mnist_fc 256x4 prop_8_0.03 took 4.7 s with the recomputation, 42.9 s with the
 *                       parent's bounds kept). Cheaper nodes pay where one split among thousands of ReLUs barely
 *                       moves the later bounds: {@code certus vnnlib} turns it on for networks of at least 2 million
 *                       lowered weights (resnet_4b, sri_resnet_a, cgan, TinyYOLO). A root tightening by
 *                       per-neuron searches ({@link RootTightening#neuronSearch()}) keeps them in its searches and
 *                       in the search after it whatever this says: their bounds are of MILP strength
 * @param rootTightening tightening of the root bounds before branching (default: none beyond symbolic)
 * @param listener       told of the search's stages, progress and result ({@link SearchListener#NONE} by default;
 *                       the search's SLF4J logging is always attached besides)
 */
public record SearchOptions(
        Duration timeLimit,
        long nodeLimit,
        int threads,
        SplitMode splitMode,
        BrancherKind brancher,
        int attackRestarts,
        int attackSteps,
        double attackShare,
        long seed,
        int maxOpenNodes,
        CancelToken cancel,
        ArithmeticModel arithmetic,
        boolean certifyLp,
        int boundIterations,
        boolean substitutedPlanes,
        boolean fixedIntermediateBounds,
        RootTightening rootTightening,
        SearchListener listener) {

    /** Networks with at most this many inputs use input splitting under {@link SplitMode#AUTO}. */
    public static final int INPUT_SPLIT_MAX_INPUTS = 16;

    /**
     * The defaults: 120 s, no node limit, all processors, {@link SplitMode#AUTO}, {@link BrancherKind#FSB},
     * 4 PGD restarts of 40 steps, sound arithmetic with certified LPs, 20 α,β steps, symbolic root bounds.
     *
     * @return the default options
     */
    public static SearchOptions defaults() {
        return new SearchOptions(Duration.ofSeconds(120), Long.MAX_VALUE, Runtime.getRuntime().availableProcessors(),
                SplitMode.AUTO, BrancherKind.FSB, 4, 40, 1.0, 1L, 200_000, new CancelToken(), ArithmeticModel.FLOAT32, true, 20, true, false,
                RootTightening.of(org.certus.tighten.Tightening.SYMBOLIC), SearchListener.NONE);
    }

    /**
     * The defaults with a time limit.
     *
     * @param d wall-clock limit of the query
     * @return {@code defaults().withTimeLimit(d)}
     */
    public static SearchOptions timeLimit(Duration d) {
        return defaults().withTimeLimit(d);
    }

    /**
     * These options with another time limit.
     *
     * @param d wall-clock limit of the query
     * @return a copy with {@code timeLimit = d}
     */
    public SearchOptions withTimeLimit(Duration d) {
        return new SearchOptions(d, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with a node limit.
     *
     * @param n most nodes to bound
     * @return a copy with {@code nodeLimit = n}
     */
    public SearchOptions withNodeLimit(long n) {
        return new SearchOptions(timeLimit, n, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another number of worker threads.
     *
     * @param n worker threads, at least 1
     * @return a copy with {@code threads = n}
     */
    public SearchOptions withThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        return new SearchOptions(timeLimit, nodeLimit, n, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another split mode.
     *
     * @param m what to split on
     * @return a copy with {@code splitMode = m}
     */
    public SearchOptions withSplitMode(SplitMode m) {
        return new SearchOptions(timeLimit, nodeLimit, threads, m, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another ReLU branching rule.
     *
     * @param b the rule
     * @return a copy with {@code brancher = b}
     */
    public SearchOptions withBrancher(BrancherKind b) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, b, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another PGD attack before the search.
     *
     * @param restarts PGD restarts; 0 disables the attack
     * @param steps    steps per restart
     * @return a copy with the attack's restarts and steps
     */
    public SearchOptions withAttack(int restarts, int steps) {
        return withAttack(restarts, steps, attackShare);
    }

    /**
     * These options with another PGD attack before the search, which stops after {@code share} of the time limit.
     *
     * @param restarts PGD restarts; 0 disables the attack
     * @param steps    steps per restart
     * @param share    most of the time limit the attack may take, in (0, 1]
     * @return a copy with the attack's restarts, steps and share of the time
     */
    public SearchOptions withAttack(int restarts, int steps, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("attack's share of the time must be in (0, 1], got " + share);
        }
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, restarts, steps, share, seed, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another seed for the attack's random starts.
     *
     * @param s the seed
     * @return a copy with {@code seed = s}
     */
    public SearchOptions withSeed(long s) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, s, maxOpenNodes, cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * Sound mode (default, {@code --sound}): bounds cover float32 and double evaluation and LP bounds
     * are certified. Fast mode ({@code --fast}): real arithmetic and the LP solver's word — quicker,
     * but a rounding error could make it answer "verified" wrongly (Jia &amp; Rinard 2020).
     *
     * @param on true for sound mode, false for fast mode
     * @return a copy in that mode
     */
    public SearchOptions withSound(boolean on) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, on ? ArithmeticModel.FLOAT32 : ArithmeticModel.REAL, on, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with another arithmetic model (e.g. real-arithmetic bounds with certified LPs: exact
     * comparisons against real-arithmetic oracles).
     *
     * @param a the evaluations the bounds cover
     * @return a copy with {@code arithmetic = a}
     */
    public SearchOptions withArithmetic(ArithmeticModel a) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, a, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * α,β optimisation steps per open row and node; 0 turns the optimisation off.
     *
     * @param n steps, {@code >= 0}
     * @return a copy with {@code boundIterations = n}
     */
    public SearchOptions withBoundIterations(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("bound iterations must be >= 0, got " + n);
        }
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, arithmetic, certifyLp, n, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with substituted planes allowed or not.
     *
     * @param on whether the α,β bound may use substituted planes where they apply
     * @return a copy with {@code substitutedPlanes = on}
     */
    public SearchOptions withSubstitutedPlanes(boolean on) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, arithmetic, certifyLp, boundIterations, on, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * These options with children of ReLU splits keeping their parent's hidden-layer bounds or not.
     *
     * @param on whether children bound only the objective's rows again (see the record's description)
     * @return a copy with {@code fixedIntermediateBounds = on}
     */
    public SearchOptions withFixedIntermediateBounds(boolean on) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, on, rootTightening, listener);
    }

    /**
     * Whether these options are sound mode: float32-covering bounds and certified LPs.
     *
     * @return true in sound mode
     */
    public boolean sound() {
        return arithmetic == ArithmeticModel.FLOAT32 && certifyLp;
    }

    /**
     * These options with a cancel token, so that another thread can stop the search.
     *
     * @param c the token
     * @return a copy with {@code cancel = c}
     */
    public SearchOptions withCancel(CancelToken c) {
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes, c, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, listener);
    }

    /**
     * Tightening of the root bounds (see {@link RootTightening}); {@code symbolic} is the default.
     *
     * @param t the tightening, not null
     * @return a copy with {@code rootTightening = t}
     */
    public SearchOptions withRootTightening(RootTightening t) {
        if (t == null) {
            throw new IllegalArgumentException("root tightening must not be null");
        }
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, t, listener);
    }

    /**
     * These options with a listener of the search's stages, progress and result (searches nested in it, such as
     * the root tightening's per-neuron searches, do not tell it).
     *
     * @param l the listener, not null ({@link SearchListener#NONE} for none)
     * @return a copy with {@code listener = l}
     */
    public SearchOptions withListener(SearchListener l) {
        if (l == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        return new SearchOptions(timeLimit, nodeLimit, threads, splitMode, brancher, attackRestarts, attackSteps, attackShare, seed, maxOpenNodes,
                cancel, arithmetic, certifyLp, boundIterations, substitutedPlanes, fixedIntermediateBounds, rootTightening, l);
    }
}
