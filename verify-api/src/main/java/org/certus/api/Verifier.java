package org.certus.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.ClosestSearch;
import org.certus.bnb.Counterexample;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchListener;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.SearchStatistics;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.bounds.ArithmeticModel;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.ReluChain;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.VnnlibProperty;

/**
 * The entry point for other JVM tools and for Certus's own front ends:
 *
 * <pre>{@code
 * Network net = Load.network("mnist-wk17a");
 * VnnlibProperty p = Load.property(Path.of("prop.vnnlib"), net);
 * Verdict v = Verifier.create(net).verify(p, Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>{@link #verify(VnnlibProperty, Duration)} runs the strategy that decides most ({@link Strategy#STAGED},
 * the same as {@code certus vnnlib}); {@link #robustness} answers MIPVerify's questions about one sample;
 * {@link RobustnessEvaluation} runs them over a dataset. A verifier holds no mutable state: it is thread-safe,
 * and several threads may verify different properties at once (each call runs its own search with its own
 * workers). It never exits the JVM; bad input raises {@link NetworkException} or {@code SpecException}.
 * Progress and statistics reach a {@link VerificationListener} ({@link #withListener}); a
 * {@link org.certus.bnb.CancelToken} in the options (or {@link Thread#interrupt()}) stops a search promptly.
 */
public final class Verifier {
    /**
     * Tolerances of {@link Strategy#STAGED}'s re-check of a counterexample: none. The input must lie in the
     * property's box exactly and the double-precision outputs must satisfy the unsafe condition exactly (VNN-COMP's
     * checkers allow 1e-4 on the input; we never need to lean on that).
     */
    static final double RECHECK_INPUT_TOLERANCE = 0.0;
    static final double RECHECK_OUTPUT_TOLERANCE = 0.0;

    private final Network network;
    private final VerificationListener listener;
    /**
     * The network's float32 forward pass for re-checks, built on first use and shared by the copies
     * {@link #withListener} makes: its convolution maps cost milliseconds, once per sample in a batch otherwise.
     */
    private final AtomicReference<Float32Evaluation> float32;

    private Verifier(Network network, VerificationListener listener, AtomicReference<Float32Evaluation> float32) {
        this.network = network;
        this.listener = listener;
        this.float32 = float32;
    }

    /**
     * A verifier for one network.
     *
     * @param network the network; its layers must be ones the verifier supports
     * @return the verifier
     * @throws NetworkException if the network has a layer the verifier cannot encode
     */
    public static Verifier create(Network network) {
        ReluChain.requireLowerable(network); // fail early on operations the verifier cannot lower
        return new Verifier(network, VerificationListener.NONE, new AtomicReference<>());
    }

    /**
     * The same verifier telling {@code l} of its work (searches, stages, warnings); the options' own listener,
     * if any, is told too.
     *
     * @param l the listener, not null
     * @return a verifier of the same network with that listener
     */
    public Verifier withListener(VerificationListener l) {
        if (l == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        return new Verifier(network, l, float32);
    }

    /**
     * The network this verifier answers about.
     *
     * @return the network
     */
    public Network network() {
        return network;
    }

    VerificationListener listener() {
        return listener;
    }

    /** The network's float32 forward pass (thread-safe; at worst built twice by racing threads, both equal). */
    Float32Evaluation float32() {
        Float32Evaluation f = float32.get();
        if (f == null) {
            f = new Float32Evaluation(network);
            float32.compareAndSet(null, f);
        }
        return f;
    }

    /**
     * The options {@link Strategy#STAGED} runs with by default: the search's defaults with this time limit and
     * 40 α,β steps per open row and node (children start where their parent's optimisation ended, so the steps
     * add up down the tree: on mnist_fc 256x4 prop_11_0.05 8,235 nodes with 20, 1,253 with 40).
     *
     * @param timeLimit the limit of the whole property
     * @return the options
     */
    public static SearchOptions stagedOptions(Duration timeLimit) {
        return SearchOptions.defaults().withTimeLimit(timeLimit).withBoundIterations(StagedSolve.BOUND_ITERATIONS);
    }

    /**
     * Verifies a property with the strategy that decides most ({@link Strategy#STAGED} with
     * {@link #stagedOptions(Duration)}), as {@code certus vnnlib} does.
     *
     * @param property  the property: input boxes, each with an unsafe output condition
     * @param timeLimit the limit of the whole property
     * @return the verdict, with a re-checked counterexample when falsified and the proven bound otherwise
     * @throws NetworkException if the property's sizes do not match the network
     */
    public Verdict verify(VnnlibProperty property, Duration timeLimit) {
        return verify(property, stagedOptions(timeLimit), Strategy.STAGED);
    }

    /**
     * Verifies a property with {@link Strategy#STAGED} on these options.
     *
     * @param property the property: input boxes, each with an unsafe output condition
     * @param options  limits, threads and the other search options (see {@link #stagedOptions(Duration)})
     * @return the verdict, with a re-checked counterexample when falsified and the proven bound otherwise
     * @throws NetworkException if the property's sizes do not match the network
     */
    public Verdict verify(VnnlibProperty property, SearchOptions options) {
        return verify(property, options, Strategy.STAGED);
    }

    /**
     * Verifies a property (every case of it): FALSIFIED as soon as one case has a counterexample, VERIFIED when
     * every case is proved, otherwise the weakest status among the cases. The time limit covers the whole property.
     *
     * @param property the property: input boxes, each with an unsafe output condition
     * @param options  limits, threads and the other search options
     * @param strategy how the time is spent
     * @return the verdict, with a checked counterexample when falsified and the proven bound otherwise
     * @throws NetworkException if the property's sizes do not match the network
     */
    public Verdict verify(VnnlibProperty property, SearchOptions options, Strategy strategy) {
        if (property.inputCount() != network.inputSize()) {
            throw new NetworkException("property has " + property.inputCount() + " inputs, network '" + network.name() + "' has "
                    + network.inputSize());
        }
        if (property.outputCount() != network.outputSize()) {
            throw new NetworkException("property is over " + property.outputCount() + " outputs, network '" + network.name() + "' has "
                    + network.outputSize());
        }
        long start = System.nanoTime();
        SearchOptions o = options.withListener(SearchListener.both(options.listener(), listener));
        // The search leaves the rounding check its time, so that the whole call keeps to the limit.
        Duration limit = o.timeLimit().minusNanos(roundingCheckBudget(o));
        SearchOptions searched = o.withTimeLimit(limit);
        Verdict v;
        if (strategy == Strategy.SINGLE_SEARCH) {
            v = searchCases(property, searched);
        } else {
            v = Watchdog.run(limit, o.cancel(), cancel -> StagedSolve.verifyInStages(this, property, searched.withCancel(cancel), limit,
                    TimeBudget.quickStage(limit), listener), listener);
        }
        if (v.status() == VerdictStatus.FALSIFIED) {
            return recheck(property, v);
        }
        warnIfRoundingBars(property, o, v, start);
        return v;
    }

    /** At most this long (and 1% of the time limit) is spent on {@link #warnIfRoundingBars}. */
    private static final Duration ROUNDING_CHECK_LIMIT = Duration.ofMillis(500);

    /** Nanoseconds of the limit kept from the search for {@link #warnIfRoundingBars} (sound searches only). */
    private static long roundingCheckBudget(SearchOptions o) {
        return o.arithmetic() != ArithmeticModel.FLOAT32 ? 0 : Math.min(ROUNDING_CHECK_LIMIT.toNanos(), Deadline.nanos(o.timeLimit()) / 100);
    }

    /**
     * After a sound search that ended without an answer, warns when its proven bound falls short of a proof by less
     * than float32 rounding can change the margin at the centre of a case's box ({@link RoundingAllowance}): then
     * no search, however long, is likely to close the gap, and real arithmetic may (a different claim).
     */
    private void warnIfRoundingBars(VnnlibProperty property, SearchOptions o, Verdict v, long start) {
        double bound = v.provenMarginLowerBound();
        if ((v.status() != VerdictStatus.TIMEOUT && v.status() != VerdictStatus.UNKNOWN) || o.arithmetic() != ArithmeticModel.FLOAT32
                || !(bound <= 0) || Double.isInfinite(bound)) {
            return;
        }
        // Within what the search left of the limit (its reserve, less any overrun): the diagnostic never extends the call.
        long budget = Math.min(roundingCheckBudget(o), Deadline.nanos(o.timeLimit()) - (System.nanoTime() - start));
        if (budget <= 0) {
            return;
        }
        long deadline = System.nanoTime() + budget;
        java.util.function.BooleanSupplier stop = () -> System.nanoTime() > deadline;
        double allowance = 0;
        for (VnnlibProperty.Case c : property.cases()) {
            if (stop.getAsBoolean()) {
                break;
            }
            double a;
            try {
                VerificationQuery q = toQuery(c);
                a = RoundingAllowance.at(q, RoundingAllowance.centre(q), stop);
            } catch (RuntimeException e) {
                // A diagnostic after the answer is known: whatever keeps it from being computed must not change the answer.
                return;
            }
            if (a > allowance) {
                allowance = a;
            }
        }
        if (-bound < allowance) {
            listener.warning(String.format(Locale.ROOT, "the proven bound %.3g falls short of a proof by less than float32 rounding "
                    + "can change the property's margin at the centre of its input region (%.3g there): the property may hold "
                    + "in real arithmetic and still be out of reach of a proof that covers float32 evaluation; real arithmetic "
                    + "(--fast) verifies the network's real-number idealisation only", bound, allowance));
        }
    }

    /** One search per case within the options' limit (its listener already attached). */
    Verdict searchCases(VnnlibProperty property, SearchOptions options) {
        long start = System.nanoTime();
        List<Verdict> verdicts = new ArrayList<>();
        for (VnnlibProperty.Case c : property.cases()) {
            Duration left = TimeBudget.left(options.timeLimit(), start);
            Verdict v = new BranchAndBound(toQuery(c), options.withTimeLimit(left.isNegative() ? Duration.ZERO : left)).run();
            verdicts.add(v);
            if (v.status() == VerdictStatus.FALSIFIED) {
                return combine(verdicts, v);
            }
        }
        Verdict weakest = verdicts.get(0);
        for (Verdict v : verdicts) {
            if (rank(v.status()) > rank(weakest.status())
                    || (v.status() == weakest.status() && v.provenMarginLowerBound() < weakest.provenMarginLowerBound())) {
                weakest = v;
            }
        }
        return combine(verdicts, weakest);
    }

    /**
     * The re-check of a counterexample before it is reported, independent of the search: the exact double forward
     * pass at the input must satisfy the property with zero tolerance on the input box and on the output
     * condition. A failed re-check gives UNKNOWN and a warning, never FALSIFIED. A float32 forward pass is compared
     * too and only warns.
     */
    Verdict recheck(VnnlibProperty property, Verdict v) {
        SearchStatistics s = v.statistics();
        if (v.counterexample().isEmpty()) {
            listener.warning("the search reported a violation without a counterexample; reporting unknown");
            return Verdict.unknown(Double.NEGATIVE_INFINITY, s);
        }
        double[] x = v.counterexample().get().input();
        double[] y = network.evaluate(x);
        if (!property.isCounterexample(x, y, RECHECK_INPUT_TOLERANCE, RECHECK_OUTPUT_TOLERANCE)) {
            listener.warning("the counterexample failed the exact re-check (input " + Arrays.toString(x) + ", outputs "
                    + Arrays.toString(y) + "); reporting unknown");
            return Verdict.unknown(Double.NEGATIVE_INFINITY, s);
        }
        double[] y32 = float32().evaluate(x);
        if (!property.isCounterexample(x, y32, RECHECK_INPUT_TOLERANCE, RECHECK_OUTPUT_TOLERANCE)) {
            listener.warning(String.format(Locale.ROOT, "the counterexample holds in float64 but not in a float32 forward pass "
                    + "(outputs %s vs %s); a float32 checker may reject it", Arrays.toString(y), Arrays.toString(y32)));
        }
        return v;
    }

    private static int rank(VerdictStatus s) {
        return switch (s) {
            case VERIFIED -> 0;
            case UNKNOWN -> 1;
            case TIMEOUT -> 2;
            case FALSIFIED -> 3;
        };
    }

    private static Verdict combine(List<Verdict> all, Verdict chosen) {
        if (all.size() == 1) {
            return chosen;
        }
        long nodes = 0, lps = 0, attack = 0, bound = 0, total = 0, unstable = 0;
        int depth = 0;
        double root = Double.POSITIVE_INFINITY, fin = Double.POSITIVE_INFINITY;
        for (Verdict v : all) {
            SearchStatistics s = v.statistics();
            nodes += s.nodes();
            lps += s.lps();
            attack += s.attackMillis();
            bound += s.boundMillis();
            total += s.totalMillis();
            unstable = Math.max(unstable, s.unstableAtRoot());
            depth = Math.max(depth, s.maxDepth());
            root = Math.min(root, s.rootBound());
            fin = Math.min(fin, s.finalBound());
        }
        return chosen.withCombinedStatistics(new SearchStatistics(nodes, lps, depth, root, fin, attack, bound, total, unstable));
    }

    /**
     * MIPVerify's {@code closest} objective: proven bounds on the smallest perturbation of {@code center} (in
     * {@code norm}) within {@code domain} whose outputs satisfy {@code unsafe}, bisected until they are within
     * {@code tolerance} or the time limit ends.
     *
     * @param center    the unperturbed input
     * @param domain    the inputs allowed (e.g. the pixel range)
     * @param unsafe    the output condition an adversarial example satisfies
     * @param norm      the norm of the distortion
     * @param tolerance stop when {@code upper − lower <= tolerance}, {@code > 0}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the minimum distortion and the closest example found
     */
    public DistortionBounds closest(double[] center, InputBox domain, OutputCondition unsafe, Norm norm, double tolerance,
                                    SearchOptions options) {
        if (center.length != network.inputSize() || domain.dimension() != network.inputSize()) {
            throw new NetworkException("centre/domain have " + center.length + "/" + domain.dimension() + " values, network '"
                    + network.name() + "' has " + network.inputSize() + " inputs");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        VnnlibProperty.Case c = new VnnlibProperty.Case(domain, unsafe);
        List<AffineMap> ds = toQuery(c).disjuncts();
        return new ClosestSearch(network, center, domain.lower(), domain.upper(), ds, norm).run(tolerance, withListener(options));
    }

    /**
     * MIPVerify's {@code worst} objective: proven bounds on the largest adversarial margin over {@code region} —
     * how far some input's outputs go into {@code unsafe}; for
     * {@code RobustnessProperty.targetCondition(targets, classes, 0)}, the largest
     * {@code max_{t ∈ targets} y_t − max_{j ∉ targets} y_j} — refined until {@code upper − lower <= tolerance} or
     * the time limit ends. The lower bound is the margin of the returned example, checked by an exact forward pass.
     * See {@link WorstCaseMargin}.
     *
     * @param region    the inputs searched
     * @param unsafe    the output condition whose depth is measured
     * @param tolerance stop when {@code upper − lower <= tolerance}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the largest margin and an example attaining the lower one
     */
    public WorstCaseMargin worst(InputBox region, OutputCondition unsafe, double tolerance, SearchOptions options) {
        if (region.dimension() != network.inputSize()) {
            throw new NetworkException("region has " + region.dimension() + " values, network '" + network.name() + "' has "
                    + network.inputSize() + " inputs");
        }
        return worst(toQuery(new VnnlibProperty.Case(region, unsafe)), tolerance, options);
    }

    /**
     * The {@code worst} objective on a query (e.g. one with linear input constraints, such as a blur family's).
     *
     * @param query     the query
     * @param tolerance stop when {@code upper − lower <= tolerance}, finite and {@code > 0}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the largest margin and an example attaining the lower one
     */
    public WorstCaseMargin worst(VerificationQuery query, double tolerance, SearchOptions options) {
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number > 0, got " + tolerance);
        }
        return BranchAndBound.worstMargin(query, withListener(options), tolerance);
    }

    /**
     * One query, as the branch-and-bound sees it: one search with these options.
     *
     * @param query   the query
     * @param options limits, threads and the other search options
     * @return the verdict
     */
    public Verdict verify(VerificationQuery query, SearchOptions options) {
        return new BranchAndBound(query, withListener(options)).run();
    }

    /**
     * MIPVerify's robustness question about one sample, for every objective and perturbation: is the clean input
     * misclassified, is some input of the region adversarial (with the example re-checked in double and float32
     * independently of the search), or bounds on the minimum distortion or the largest adversarial margin.
     * Per-sample failures become an {@link RobustnessStatus#ERROR} result, never an exception.
     *
     * @param x        the sample, flat (channels × height × width for an image), in the network's input order
     * @param label    its true label
     * @param question what is asked, with the search's options
     * @return the answer, with its adversarial example when there is one
     */
    public RobustnessResult robustness(double[] x, int label, RobustnessQuestion question) {
        return new SampleSolver(this, question).solve(x, label);
    }

    private SearchOptions withListener(SearchOptions options) {
        return options.withListener(SearchListener.both(options.listener(), listener));
    }

    /**
     * A case of a property as a query: each conjunction becomes an affine map whose rows must all be {@code <= 0}.
     *
     * @param c one input box with its unsafe condition
     * @return the query over this verifier's network
     */
    public VerificationQuery toQuery(VnnlibProperty.Case c) {
        return VerificationQuery.of(network, c);
    }
}
