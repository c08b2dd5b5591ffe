package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.certus.api.Verifier;
import org.certus.bnb.Counterexample;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.tighten.Tightening;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.Network;
import org.certus.spec.BlurPerturbation;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.SpecException;
import org.certus.spec.VnnlibProperty;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code certus robustness}: MIPVerify's batch evaluation. For each sample of a dataset range,
 * either the clean image is already misclassified, or the verifier decides whether some input of
 * the L∞ ball reaches a target class. Results go to OUT/summary.csv one durable row at a time, so
 * an interrupted run resumes where it stopped.
 */
@Command(name = "robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify adversarial robustness of a network on a range of dataset samples (MIPVerify's batch evaluation).",
                "Writes OUT/summary.csv (one row per sample, appended as each finishes; rerunning resumes),",
                "OUT/examples/sample-<i>.{json,png} for adversarial examples and OUT/report.md.",
                "The last lines of output are the report table."})
public final class RobustnessCommand implements Callable<Integer> {

    /**
     * A counterexample may lie outside the ball by this much in L∞ distance: the region's bounds
     * are computed as {@code x ± eps} in floating point, so the distance of a point on the
     * boundary can exceed eps by a rounding error. Far below any pixel step (1/255).
     */
    static final double BALL_TOLERANCE = 1e-9;

    /**
     * How far a blur kernel entry recovered from the engine's free entries may stray outside
     * [0, 1], and a blurred pixel outside the input domain (then clamped back and re-checked): the
     * eliminated entry is {@code C − Σκ}, computed in another order than the engine's row check.
     */
    static final double KERNEL_TOLERANCE = 1e-9;

    /**
     * How far the worst example's margin, on this command's own forward pass, may exceed the
     * engine's proven upper bound before it counts as a bug: for blurring the command evaluates the
     * directly blurred image, the engine the kernel network, which differ by rounding. The upper
     * bound written is then raised to the example's margin.
     */
    static final double MARGIN_TOLERANCE = 1e-9;

    /** Default --tolerance of --objective closest: bisection stops when upper − lower is at most this. */
    static final double DEFAULT_TOLERANCE = 1e-4;

    /**
     * Default --tolerance of --objective worst, in logit units: the search stops when the bounds on
     * the largest margin are this close. Coarser than closest's: in sound mode every bound carries
     * the float32 error allowance (about 1e-5 of the logits' magnitude on mnist-wk17a), which a
     * finer gap could not get below.
     */
    static final double DEFAULT_WORST_TOLERANCE = 1e-3;

    @ParentCommand
    Certus root;

    @Spec
    CommandSpec spec;

    @Option(names = "--network", required = true, paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, ...) or a network file.")
    String network;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "DATASET", description = "mnist or cifar10 (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--samples", paramLabel = "A:B", converter = SampleRange.Converter.class,
            description = "Samples A..B, 0-based and inclusive (default: all).")
    SampleRange samples;

    @Option(names = "--eps", paramLabel = "EPS",
            description = "Radius of the L∞ ball: required for feasible with linf; optional with closest (restricts the search to the ball).")
    Double eps;

    @Option(names = "--norm", defaultValue = "inf", paramLabel = "NORM",
            description = "Norm in which --objective closest measures distortion: inf (default), 1 or 2 (2: proven bounds, possibly with a gap, see README).")
    String norm;

    @Option(names = "--perturbation", defaultValue = "linf", paramLabel = "KIND",
            description = "linf (ball of radius --eps, default), unrestricted (the whole input domain) or blur:KxK (K odd; MIPVerify's blurring).")
    String perturbation;

    @Option(names = "--target", defaultValue = "untargeted", paramLabel = "untargeted|LABELS",
            description = "untargeted (any other label, default) or target labels, e.g. 3 or 3,5.")
    String target;

    @Option(names = "--invert-target", description = "Use every label except the --target labels as targets.")
    boolean invertTarget;

    @Option(names = "--objective", defaultValue = "feasible", paramLabel = "OBJ",
            description = "feasible (is there an adversarial example?, default), closest (bounds on the minimum distortion) or worst (bounds on the largest adversarial margin).")
    String objective;

    @Option(names = "--tolerance", paramLabel = "T",
            description = "closest and worst: stop when upper − lower <= T (default: " + DEFAULT_TOLERANCE + " for closest, "
                    + DEFAULT_WORST_TOLERANCE + " for worst).")
    Double tolerance;

    @Option(names = "--sound", description = "Bounds cover float32 and double evaluation, LPs certified (default).")
    boolean sound;

    @Option(names = "--fast", description = "Trust real arithmetic and the LP solver: quicker, not proof against rounding errors.")
    boolean fast;

    @Option(names = "--margin", defaultValue = "0", paramLabel = "M",
            description = "A target must beat every other label by at least M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--tightening", defaultValue = "symbolic", paramLabel = "KIND",
            description = "Root bound tightening before branching: interval (same as symbolic: nodes are always bounded symbolically), "
                    + "symbolic (default), lp or mip (certified LP, then MILP per still-unstable neuron); its time counts against --time-limit.")
    String tightening;

    @Option(names = "--neuron-time-limit", defaultValue = "1", paramLabel = "SECONDS",
            description = "--tightening mip: MILP time per neuron and direction (default: ${DEFAULT-VALUE}).")
    double neuronTimeLimit;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "SECONDS", description = "Per sample (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--threads", paramLabel = "N", description = "Search threads per sample (default: available processors).")
    Integer threads;

    @Option(names = "--rerun", defaultValue = "never", paramLabel = "WHEN",
            description = "Samples already in OUT/summary.csv: never (skip, default), always (solve again), timeouts (solve timeout/unknown again), "
                    + "unproven (also refine closest and worst samples whose bounds are further apart than --tolerance).")
    Rerun rerun;

    @Option(names = "--solve-misclassified", description = "Also verify samples whose clean image is misclassified.")
    boolean solveMisclassified;

    @Option(names = {"-q", "--quiet"}, description = "No progress output on stderr.")
    boolean quiet;

    @picocli.CommandLine.Mixin
    InputRangeOption inputRange;

    @Option(names = "--out", paramLabel = "OUT",
            description = "Output folder; an existing one is resumed (default: runs/<network>-<dataset>-eps<eps>-<yyyyMMdd-HHmmss>).")
    Path out;

    enum Rerun { never, always, timeouts, unproven }

    /** Everything the per-sample loop needs, fixed after validation. */
    private record Setup(Network net, Verifier verifier, Float32Evaluation float32, Dataset data, SampleRange range, int[] targetLabels,
            boolean untargeted, SearchOptions options, String epsText, String targetText, String marginText, String timeLimitText,
            BlurPerturbation blur, Norm distanceNorm, double tolerance, boolean worst) {
        boolean closest() {
            return distanceNorm != null;
        }

        String mode() {
            return options.sound() ? "sound" : "fast";
        }
    }

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        Setup s = validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(out());
        try (RobustnessSummary summary = RobustnessSummary.open(out(), msg -> err.println("certus: notice: " + msg))) {
            err.flush();
            removeStrayTempFiles(err);
            List<String> question = question(s);
            if (s.worst() && summary.legacy()) {
                throw new ParameterException(spec.commandLine(), summary.file() + " was written by an older certus without the "
                        + "margin_lower,margin_upper columns that --objective worst needs; choose another --out");
            }
            if (summary.question() != null && !summary.question().equals(question)) {
                throw new ParameterException(spec.commandLine(), summary.file() + " holds results for another question "
                        + summary.question() + ", not " + question + "; choose another --out");
            }
            List<Integer> todo = new ArrayList<>();
            for (int i = s.range().first(); i <= s.range().last(); i++) {
                RobustnessRow done = summary.latest().get(i);
                if (done == null || needsRerun(done, s)) {
                    todo.add(i);
                }
            }
            out.printf("network: %s, dataset: %s, samples %s (%d to solve, %d already in %s)%n", s.net().name(), s.data().name(),
                    s.range(), todo.size(), s.range().count() - todo.size(), summary.file());
            out.flush();
            solveAll(s, todo, summary, err);

            List<RobustnessRow> rows = new ArrayList<>();
            for (int i = s.range().first(); i <= s.range().last(); i++) {
                rows.add(summary.latest().get(i));
            }
            RobustnessReport report = RobustnessReport.of(rows);
            List<String> table = report.table(describeOptions(s), (System.nanoTime() - wallStart) / 1e9);
            writeReport(table);
            out.println();
            table.forEach(out::println);
            out.flush();
            int errors = report.count(RobustnessStatus.ERROR);
            if (errors > 0) {
                err.println("certus: " + errors + " sample(s) ended in error; see " + out().resolve("errors.log"));
                return ErrorReporter.EXIT_INTERNAL;
            }
            return 0;
        }
    }

    /**
     * MIPVerify's {@code solve_rerun_option}: which finished samples to solve again. {@code unproven}
     * re-solves what {@code timeouts} does, plus closest samples whose distortion is not pinned down
     * to the tolerance (no upper bound, or a gap wider than {@code --tolerance}).
     */
    private boolean needsRerun(RobustnessRow done, Setup s) {
        return switch (rerun) {
            case never -> false;
            case always -> true;
            case timeouts -> done.status().undecided();
            case unproven -> done.status().undecided() || (s.closest() && unprovenDistortion(done, s.tolerance()))
                    || (s.worst() && unprovenMargin(done, s.tolerance()));
        };
    }

    /** A worst-margin row whose bounds are missing or further apart than the tolerance. */
    static boolean unprovenMargin(RobustnessRow row, double tolerance) {
        if (row.status() == RobustnessStatus.MISCLASSIFIED || row.status() == RobustnessStatus.ERROR) {
            return false;
        }
        double lo = row.marginLower();
        double hi = row.marginUpper();
        return Double.isNaN(lo) || Double.isNaN(hi) || hi - lo > tolerance;
    }

    static boolean unprovenDistortion(RobustnessRow row, double tolerance) {
        if (row.status() == RobustnessStatus.MISCLASSIFIED || row.status() == RobustnessStatus.ERROR) {
            return false;
        }
        double lo = row.distortionLower();
        double hi = row.distortionUpper();
        if (Double.isNaN(lo)) {
            return true;
        }
        if (Double.isNaN(hi)) {
            // No example at all: unproven unless the lower bound already covers the whole search
            // (robust within --eps); a robust row means the radius was proved, so nothing to refine.
            return row.status() != RobustnessStatus.ROBUST;
        }
        return hi - lo > tolerance;
    }

    private void solveAll(Setup s, List<Integer> todo, RobustnessSummary summary, PrintWriter err) throws IOException {
        int[] counts = new int[RobustnessStatus.values().length];
        boolean bar = !quiet && root != null && root.progressAllowed();
        try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("robustness").setInitialMax(todo.size()).build() : null) {
            int done = 0;
            for (int i : todo) {
                RobustnessRow row = solve(s, i, err);
                summary.append(row);
                counts[row.status().ordinal()]++;
                done++;
                if (pb != null) {
                    pb.step();
                    pb.setExtraMessage(countsText(counts));
                } else if (!quiet) {
                    String bounds = s.closest() && !Double.isNaN(row.distortionLower())
                            ? ", distortion [" + RobustnessRow.number(row.distortionLower()) + ", "
                                    + (Double.isNaN(row.distortionUpper()) ? "inf" : RobustnessRow.number(row.distortionUpper())) + "]"
                            : s.worst() && !Double.isNaN(row.marginUpper())
                            ? String.format(Locale.ROOT, ", worst margin [%.6g, %.6g]", row.marginLower(), row.marginUpper())
                            : "";
                    err.printf(Locale.ROOT, "sample %d: %s%s (label %d, predicted %d, %.2f s, %d nodes) [%d/%d; %s]%n", i, row.status().label(),
                            bounds, row.label(), row.predicted(), row.timeSeconds(), row.nodes(), done, todo.size(), countsText(counts));
                    err.flush();
                }
            }
        }
    }

    private static String countsText(int[] counts) {
        StringBuilder b = new StringBuilder();
        for (RobustnessStatus st : RobustnessStatus.values()) {
            if (counts[st.ordinal()] > 0) {
                b.append(b.isEmpty() ? "" : " ").append(st.label()).append(' ').append(counts[st.ordinal()]);
            }
        }
        return b.toString();
    }

    /** One sample, never throwing for a per-sample failure: that becomes an {@code error} row. */
    private RobustnessRow solve(Setup s, int i, PrintWriter err) throws IOException {
        long t0 = System.nanoTime();
        int label = s.data().label(i);
        int predicted = -1;
        try {
            double[] x = s.data().image(i);
            double[] clean = s.net().evaluate(x);
            predicted = argmax(clean);
            if (predicted != label && !solveMisclassified) {
                return row(s, i, label, predicted, RobustnessStatus.MISCLASSIFIED, Double.NaN, Double.NaN, t0, 0);
            }
            int[] targets = targetsFor(s, label);
            if (targets.length == 0) {
                // Only the sample's own label was a target: reaching it is not an attack, so there is
                // nothing to find and the sample is robust by definition.
                return row(s, i, label, predicted, RobustnessStatus.ROBUST, robustLower(s, Double.POSITIVE_INFINITY), Double.NaN, t0, 0);
            }
            Sample q = new Sample(i, label, predicted, x, clean, targets, t0);
            if (s.worst()) {
                return solveWorst(s, q, err);
            }
            if (s.blur() != null) {
                return solveBlur(s, q, err);
            }
            double[] lo = s.net().inputDomain().lower();
            double[] hi = s.net().inputDomain().upper();
            InputBox region = wholeDomain() ? new InputBox(lo, hi) : RobustnessProperty.linfBall(x, eps, lo, hi);
            if (s.closest()) {
                return solveClosest(s, q, region, err);
            }
            int classes = s.net().outputSize();
            Verdict v = s.verifier().verify(RobustnessProperty.of(region, targets, classes, margin), s.options());
            long nodes = v.statistics().nodes();
            return switch (v.status()) {
                case VERIFIED -> row(s, i, label, predicted, RobustnessStatus.ROBUST, robustLower(s, Double.NaN), Double.NaN, t0, nodes);
                case TIMEOUT -> row(s, i, label, predicted, RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN, t0, nodes);
                case UNKNOWN -> row(s, i, label, predicted, RobustnessStatus.UNKNOWN, Double.NaN, Double.NaN, t0, nodes);
                case FALSIFIED -> {
                    Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                    double limit = wholeDomain() ? Double.POSITIVE_INFINITY : eps + BALL_TOLERANCE;
                    double dist = checkAndWrite(s, q, ce.input(), ce, region, Norm.LINF, limit, new LinkedHashMap<>(), err);
                    yield Double.isNaN(dist) ? row(s, i, label, predicted, RobustnessStatus.ERROR, Double.NaN, Double.NaN, t0, nodes)
                            : row(s, i, label, predicted, RobustnessStatus.VULNERABLE, Double.NaN, dist, t0, nodes);
                }
            };
        } catch (RuntimeException | StackOverflowError e) {
            logError(s, i, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + ErrorReporter.oneLine(e.getMessage())), err);
            return row(s, i, label, predicted, RobustnessStatus.ERROR, Double.NaN, Double.NaN, t0, 0);
        }
    }

    /** What the per-objective solvers need to know about the sample at hand. */
    private record Sample(int index, int label, int predicted, double[] x, double[] clean, int[] targets, long t0) {
    }

    /**
     * MIPVerify's closest objective: proven bounds on the minimum distortion within the region.
     * Incomplete (the time limit came first) is a timeout that still records the bounds and the
     * best example so far.
     */
    private RobustnessRow solveClosest(Setup s, Sample q, InputBox region, PrintWriter err) throws IOException {
        OutputCondition unsafe = RobustnessProperty.targetCondition(q.targets(), s.net().outputSize(), margin);
        DistortionBounds b = s.verifier().closest(q.x(), region, unsafe, s.distanceNorm(), s.tolerance(), s.options());
        long nodes = b.statistics().nodes();
        double upper = b.upper();
        if (b.example() != null) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("objective", "closest");
            extra.put("norm", norm);
            extra.put("distortion_lower", b.lower());
            extra.put("distortion_upper", b.upper());
            extra.put("complete", b.complete());
            double dist = checkAndWrite(s, q, b.example().input(), b.example(), region, s.distanceNorm(), upper + BALL_TOLERANCE, extra, err);
            if (Double.isNaN(dist)) {
                return row(s, q.index(), q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
            }
            if (Math.abs(dist - upper) > BALL_TOLERANCE) {
                logError(s, q.index(), "the closest example's distance " + dist + " is not the reported upper bound " + upper
                        + " (a bug; please report it)", err);
                return row(s, q.index(), q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
            }
        } else if (Double.isFinite(upper)) {
            throw new IllegalStateException("closest search reported a finite upper bound " + upper + " without an example");
        }
        if (!b.complete()) {
            // Bounds with a gap: UNKNOWN when the search ended on radii it could not decide (L2), else TIMEOUT.
            RobustnessStatus st = b.undecided() ? RobustnessStatus.UNKNOWN : RobustnessStatus.TIMEOUT;
            return row(s, q.index(), q.label(), q.predicted(), st, b.lower(), upper, q.t0(), nodes);
        }
        if (b.example() == null) {
            // No adversarial example anywhere in the region: over the whole domain the minimum distortion is +∞.
            return row(s, q.index(), q.label(), q.predicted(), RobustnessStatus.ROBUST, robustLower(s, b.lower()), Double.NaN, q.t0(), nodes);
        }
        return row(s, q.index(), q.label(), q.predicted(), RobustnessStatus.VULNERABLE, b.lower(), upper, q.t0(), nodes);
    }

    /**
     * MIPVerify's blurring family: a search over the kernel of a parametrised network. The example
     * reported is the blurred image, recomputed from the kernel by a direct blur and re-checked on
     * the original network.
     */
    private RobustnessRow solveBlur(Setup s, Sample q, PrintWriter err) throws IOException {
        BlurPerturbation.Parametrised p = s.blur().parametrise(s.net(), q.x());
        InputBox domain = new InputBox(s.net().inputDomain().lower(), s.net().inputDomain().upper());
        VerificationQuery query = blurQuery(s, q, p);
        Verdict v = s.verifier().verify(query, s.options());
        long nodes = v.statistics().nodes();
        int i = q.index();
        return switch (v.status()) {
            case VERIFIED -> row(s, i, q.label(), q.predicted(), RobustnessStatus.ROBUST, Double.NaN, Double.NaN, q.t0(), nodes);
            case TIMEOUT -> row(s, i, q.label(), q.predicted(), RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN, q.t0(), nodes);
            case UNKNOWN -> row(s, i, q.label(), q.predicted(), RobustnessStatus.UNKNOWN, Double.NaN, Double.NaN, q.t0(), nodes);
            case FALSIFIED -> {
                Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                double[] adv = blurredExample(s, q, p, ce.input(), err);
                if (adv == null) {
                    yield row(s, i, q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
                }
                Map<String, Object> extra = blurExtra(s, p, ce.input());
                double dist = checkAndWrite(s, q, adv, ce, domain, Norm.LINF, Double.POSITIVE_INFINITY, extra, err);
                yield Double.isNaN(dist) ? row(s, i, q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes)
                        : row(s, i, q.label(), q.predicted(), RobustnessStatus.VULNERABLE, Double.NaN, dist, q.t0(), nodes);
            }
        };
    }

    /** The blurring family's query: the kernel network over the free entries, their box and the kernel-sum rows. */
    private VerificationQuery blurQuery(Setup s, Sample q, BlurPerturbation.Parametrised p) {
        InputBox domain = new InputBox(s.net().inputDomain().lower(), s.net().inputDomain().upper());
        OutputCondition unsafe = RobustnessProperty.targetCondition(q.targets(), s.net().outputSize(), margin);
        List<AffineMap> disjuncts = s.verifier().toQuery(new VnnlibProperty.Case(domain, unsafe)).disjuncts();
        return new VerificationQuery(p.network(), p.lower(), p.upper(), disjuncts, null, p.constraints());
    }

    /**
     * The blurred image of the engine's free kernel entries, by a direct blur, after checking the
     * kernel and the pixels (clamped into the domain within {@link #KERNEL_TOLERANCE}); null after
     * logging a failed check (a bug).
     */
    private double[] blurredExample(Setup s, Sample q, BlurPerturbation.Parametrised p, double[] free, PrintWriter err) throws IOException {
        double[] lo = s.net().inputDomain().lower();
        double[] hi = s.net().inputDomain().upper();
        double[] kernel = p.kernel(free);
        String problem = null;
        for (int j = 0; j < kernel.length && problem == null; j++) {
            if (!(kernel[j] >= -KERNEL_TOLERANCE && kernel[j] <= 1 + KERNEL_TOLERANCE)) {
                problem = "blur kernel entry " + j + " = " + kernel[j] + " lies outside [0, 1]";
            }
        }
        double[] adv = p.blurredImage(free);
        for (int j = 0; j < adv.length && problem == null; j++) {
            if (!(adv[j] >= lo[j] - KERNEL_TOLERANCE && adv[j] <= hi[j] + KERNEL_TOLERANCE)) {
                problem = "blurred pixel " + j + " = " + adv[j] + " lies outside the input domain";
            }
            adv[j] = Math.max(lo[j], Math.min(hi[j], adv[j]));
        }
        if (problem != null) {
            logError(s, q.index(), "the verifier's blur kernel fails the re-check: " + problem + " (a bug; please report it)", err);
            return null;
        }
        return adv;
    }

    private Map<String, Object> blurExtra(Setup s, BlurPerturbation.Parametrised p, double[] free) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("blur_kernel_shape", new int[] {p.channels(), s.blur().kernelSize(), s.blur().kernelSize()});
        extra.put("blur_kernel", p.kernel(free));
        return extra;
    }

    /**
     * MIPVerify's worst objective: proven bounds on the largest adversarial margin
     * {@code max_t y_t − max_{j ∉ targets} y_j} over the region (ball, domain or blur family). The
     * engine bounds the margin minus --margin (its unsafe set is "some target wins by --margin"),
     * deciding the sign against --margin whenever it completes; the lower bound written is this
     * command's own margin of the example on an exact forward pass, the upper bound the engine's
     * plus --margin, rounded up. The status is the decision: vulnerable when the example wins by
     * --margin, robust when the upper bound is below it; otherwise timeout (time limit) or unknown.
     */
    private RobustnessRow solveWorst(Setup s, Sample q, PrintWriter err) throws IOException {
        int classes = s.net().outputSize();
        OutputCondition unsafe = RobustnessProperty.targetCondition(q.targets(), classes, margin);
        BlurPerturbation.Parametrised p = null;
        VerificationQuery query;
        InputBox region;
        double[] lo = s.net().inputDomain().lower();
        double[] hi = s.net().inputDomain().upper();
        if (s.blur() != null) {
            p = s.blur().parametrise(s.net(), q.x());
            query = blurQuery(s, q, p);
            region = new InputBox(lo, hi);
        } else {
            region = wholeDomain() ? new InputBox(lo, hi) : RobustnessProperty.linfBall(q.x(), eps, lo, hi);
            query = s.verifier().toQuery(new VnnlibProperty.Case(region, unsafe));
        }
        WorstCaseMargin w = s.verifier().worst(query, s.tolerance(), s.options());
        long nodes = w.statistics().nodes();
        int i = q.index();
        double upper = margin == 0 ? w.upper() : Math.nextUp(w.upper() + margin);
        double lower = Double.NEGATIVE_INFINITY;
        double dist = Double.NaN;
        boolean adversarial = false;
        if (w.example() != null) {
            double[] adv = s.blur() != null ? blurredExample(s, q, p, w.example().input(), err) : w.example().input();
            if (adv == null) {
                return row(s, i, q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
            }
            double[] y = s.net().evaluate(adv);
            lower = adversarialMargin(y, q.targets(), classes);
            if (!(lower <= upper + MARGIN_TOLERANCE * (1 + Math.abs(upper)))) {
                logError(s, i, "the worst example's margin " + lower + " exceeds the proven upper bound " + upper + " (a bug; please report it)", err);
                return row(s, i, q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
            }
            upper = Math.max(upper, lower);
            adversarial = targetHolds(y, q.targets(), classes, margin);
            if (adversarial) {
                Map<String, Object> extra = s.blur() != null ? blurExtra(s, p, w.example().input()) : new LinkedHashMap<>();
                extra.put("objective", "worst");
                extra.put("margin_lower", lower);
                extra.put("margin_upper", upper);
                extra.put("complete", w.complete());
                double limit = wholeDomain() || s.blur() != null ? Double.POSITIVE_INFINITY : eps + BALL_TOLERANCE;
                dist = checkAndWrite(s, q, adv, w.example(), region, Norm.LINF, limit, extra, err);
                if (Double.isNaN(dist)) {
                    return row(s, i, q.label(), q.predicted(), RobustnessStatus.ERROR, Double.NaN, Double.NaN, q.t0(), nodes);
                }
            }
        }
        RobustnessStatus status = adversarial ? RobustnessStatus.VULNERABLE
                : upper < margin ? RobustnessStatus.ROBUST
                : w.limitReached() ? RobustnessStatus.TIMEOUT : RobustnessStatus.UNKNOWN;
        double distLower = status == RobustnessStatus.ROBUST ? robustLower(s, Double.NaN) : Double.NaN;
        return worstRow(s, i, q.label(), q.predicted(), status, distLower, dist, q.t0(), nodes, lower, upper);
    }

    /** MIPVerify's adversarial margin: the best target logit minus the best non-target logit. */
    static double adversarialMargin(double[] y, int[] targets, int classes) {
        boolean[] isTarget = new boolean[classes];
        double best = Double.NEGATIVE_INFINITY;
        for (int t : targets) {
            isTarget[t] = true;
            best = Math.max(best, y[t]);
        }
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            if (!isTarget[j]) {
                other = Math.max(other, y[j]);
            }
        }
        return best - other;
    }

    /**
     * Re-checks an adversarial input independently of the engine and writes its example files.
     * Returns its distance from the image in {@code distanceNorm}, or NaN after logging the failed
     * re-check (a bug). A precision disagreement is accepted in sound mode when float32 violates,
     * and is announced on stderr and in the JSON either way.
     */
    private double checkAndWrite(Setup s, Sample q, double[] adv, Counterexample ce, InputBox region, Norm distanceNorm, double limit,
            Map<String, Object> extra, PrintWriter err) throws IOException {
        double[] y = s.net().evaluate(adv);
        double[] yf = s.float32().evaluate(adv);
        double dist = distanceNorm.distance(adv, q.x());
        int classes = s.net().outputSize();
        boolean inDouble = targetHolds(y, q.targets(), classes, margin);
        boolean inFloat32 = targetHolds(yf, q.targets(), classes, margin);
        String problem = recheck(adv, region, dist, limit, inDouble, inFloat32, s.options().sound());
        if (problem != null) {
            logError(s, q.index(), "the verifier's counterexample fails the re-check: " + problem + " (a bug; please report it)", err);
            return Double.NaN;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("mode", s.mode());
        all.put("valid_in_double", inDouble);
        all.put("valid_in_float32", inFloat32);
        all.put("engine_margin", ce.margin());
        all.put("engine_float32_margin", ce.float32Margin());
        all.put("float32_logits", yf);
        if (inDouble != inFloat32) {
            String warning = "the example is adversarial only in " + (inDouble ? "double" : "float32")
                    + " precision; the other evaluation keeps the label";
            all.put("warning", warning);
            err.println("certus: warning: sample " + q.index() + ": " + warning);
            err.flush();
        }
        all.putAll(extra);
        // The prediction shown is that of the precision in which the example is adversarial.
        int advPrediction = argmax(inDouble ? y : yf);
        new RobustnessExamples(out()).write(new RobustnessExamples.Example(q.index(), q.label(), q.predicted(), advPrediction,
                linfDistance(q.x(), adv), ce.margin(), s.data().channels(), s.data().height(), s.data().width(), q.x(), adv, q.clean(),
                inDouble ? y : yf, s.net().name(), s.data().name(), wholeDomain() || s.blur() != null ? null : eps, all));
        return dist;
    }

    /**
     * The command's own check of a counterexample, independent of the engine: membership of the
     * region, the distance limit, and the target condition with no tolerance on exact forward
     * passes — in double, or in float32 when the verdict covers float32 (sound mode). Returns null
     * when it holds, else what is wrong.
     */
    static String recheck(double[] adv, InputBox region, double dist, double limit, boolean inDouble, boolean inFloat32, boolean sound) {
        if (!region.contains(adv, 0.0)) {
            return "it lies outside the region";
        }
        if (!(dist <= limit)) {
            return "its distance " + dist + " exceeds " + limit;
        }
        if (inDouble || (sound && inFloat32)) {
            return null;
        }
        return "no target label beats the others by the margin on the exact forward pass" + (inFloat32 ? " in double (only in float32, and this is --fast)" : "");
    }

    /** Whether some target beats every non-target label by the margin in {@code y}. */
    static boolean targetHolds(double[] y, int[] targets, int classes, double margin) {
        boolean[] isTarget = new boolean[classes];
        for (int t : targets) {
            isTarget[t] = true;
        }
        for (int t : targets) {
            boolean wins = true;
            for (int j = 0; j < classes && wins; j++) {
                wins = isTarget[j] || y[t] >= y[j] + margin;
            }
            if (wins) {
                return true;
            }
        }
        return false;
    }

    private void logError(Setup s, int i, String message, PrintWriter err) throws IOException {
        String line = "sample " + i + ": " + message;
        err.println("certus: error: " + line);
        err.flush();
        Files.writeString(out().resolve("errors.log"), line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private RobustnessRow row(Setup s, int i, int label, int predicted, RobustnessStatus st, double lower, double upper, long t0, long nodes) {
        return worstRow(s, i, label, predicted, st, lower, upper, t0, nodes, Double.NaN, Double.NaN);
    }

    private RobustnessRow worstRow(Setup s, int i, int label, int predicted, RobustnessStatus st, double lower, double upper, long t0,
            long nodes, double marginLower, double marginUpper) {
        return new RobustnessRow(i, label, predicted, st, lower, upper, (System.nanoTime() - t0) / 1e9, nodes, s.net().name(),
                s.data().name(), s.epsText(), norm, perturbation, s.targetText(), s.marginText(), s.timeLimitText(), objective, s.mode(),
                marginLower, marginUpper);
    }

    /**
     * What a robust verdict proves about the minimal distortion: ∞ over the whole domain (there is
     * no example at all), eps for a feasibility ball, the proved radius for closest within a ball;
     * nothing for blurring (a kernel has no distortion radius).
     */
    private double robustLower(Setup s, double closestLower) {
        if (s.blur() != null) {
            return Double.NaN;
        }
        if (wholeDomain()) {
            return Double.POSITIVE_INFINITY;
        }
        return s.closest() ? closestLower : eps;
    }

    private int[] targetsFor(Setup s, int label) {
        int classes = s.net().outputSize();
        int[] raw = s.untargeted() ? RobustnessProperty.untargeted(label, classes) : s.targetLabels();
        if (invertTarget) {
            raw = RobustnessProperty.invert(raw, classes);
        }
        // An input classified as its own label is no adversarial example, whatever the target set says.
        return java.util.Arrays.stream(raw).filter(t -> t != label).toArray();
    }

    static int argmax(double[] y) {
        return org.certus.nn.Logits.argmax(y);
    }

    static double linfDistance(double[] a, double[] b) {
        return org.certus.bnb.Norm.LINF.distance(a, b);
    }

    private boolean unrestricted() {
        return "unrestricted".equals(perturbation);
    }

    /** The region is the whole input domain: unrestricted, or closest without --eps. */
    private boolean wholeDomain() {
        return unrestricted() || ("closest".equals(objective) && "linf".equals(perturbation) && eps == null);
    }

    private Path resolvedOut;

    private Path out() {
        return resolvedOut;
    }

    /** Checks every option, cheapest first, and loads the dataset and the network. */
    private Setup validate() {
        if (!Set.of("feasible", "closest", "worst").contains(objective)) {
            throw bad("--objective " + objective + " is unknown; use feasible, closest or worst");
        }
        boolean closest = "closest".equals(objective);
        boolean worst = "worst".equals(objective);
        Norm distanceNorm;
        switch (norm) {
            case "inf" -> distanceNorm = Norm.LINF;
            case "1" -> distanceNorm = Norm.L1;
            case "2" -> distanceNorm = Norm.L2;
            default -> throw bad("--norm " + norm + " is unknown; use inf, 1 or 2");
        }
        if (!closest && distanceNorm != Norm.LINF) {
            throw bad("--norm " + norm + " needs --objective closest (a " + (worst ? "worst-margin" : "feasibility")
                    + " question is over the L∞ ball of --eps)");
        }
        BlurPerturbation blur = null;
        if (perturbation.startsWith("blur:")) {
            try {
                blur = BlurPerturbation.parse(perturbation);
            } catch (SpecException e) {
                throw bad("--perturbation " + perturbation + ": " + e.getMessage());
            }
        } else if (!Set.of("linf", "unrestricted").contains(perturbation)) {
            throw bad("--perturbation " + perturbation + " is unknown; use linf, unrestricted or blur:KxK (e.g. blur:3x3)");
        }
        if (blur != null && closest) {
            throw bad("--objective closest with --perturbation " + perturbation + " is not supported yet; blurring is a feasibility question");
        }
        if (!closest && !worst && tolerance != null) {
            throw bad("--tolerance applies to --objective closest and worst only");
        }
        double tol = tolerance != null ? tolerance : worst ? DEFAULT_WORST_TOLERANCE : DEFAULT_TOLERANCE;
        if (!(tol > 0) || Double.isInfinite(tol)) {
            throw bad("--tolerance must be a finite number > 0, got " + tol);
        }
        if (sound && fast) {
            throw bad("--sound and --fast exclude each other");
        }
        if (!Set.of("interval", "symbolic", "lp", "mip").contains(tightening)) {
            throw bad("--tightening " + tightening + " is unknown; use interval, symbolic, lp or mip");
        }
        Duration neuronLimit = TimeOption.positive(spec, "--neuron-time-limit", neuronTimeLimit);
        if (unrestricted() || blur != null) {
            if (eps != null) {
                throw bad("--eps does not apply to --perturbation " + perturbation
                        + (blur != null ? " (the region is every blur kernel)" : " (the region is the whole input domain)"));
            }
        } else if (eps == null) {
            if (!closest) {
                throw bad("missing --eps (the radius of the L∞ ball, e.g. --eps 0.1)");
            }
        } else if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw bad("--eps must be a finite number >= 0, got " + eps);
        }
        Duration limit = TimeOption.positive(spec, "--time-limit", timeLimit);
        if (!Double.isFinite(margin)) {
            throw bad("--margin must be a finite number, got " + margin);
        }
        if (threads != null && threads < 1) {
            throw bad("--threads must be at least 1, got " + threads);
        }
        boolean untargeted = "untargeted".equals(target);
        int[] labels = untargeted ? new int[0] : parseLabels(target);
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw bad("--out " + out + " is an existing file, not a folder");
        }

        Dataset data = Datasets.load(dataset);
        SampleRange range = samples == null ? SampleRange.all(data.size()) : samples;
        if (!range.fitsIn(data.size())) {
            throw bad("--samples " + range + " is out of range: dataset '" + data.name() + "' has " + data.size() + " samples (0:"
                    + (data.size() - 1) + ")");
        }
        for (int t : labels) {
            if (t >= data.classCount()) {
                throw bad("--target " + t + " is out of range: dataset '" + data.name() + "' has labels 0.." + (data.classCount() - 1));
            }
        }
        Network net = inputRange.loadForDataset(network, data, spec.commandLine().getErr());
        EvaluateCommand.checkCompatible(net, data);
        Verifier verifier = Verifier.create(net);
        if (blur != null && !net.inputShape().isImage()) {
            throw bad("--perturbation " + perturbation + " needs an image network; '" + net.name() + "' takes " + net.inputShape());
        }

        String epsText = blur != null ? "none" : wholeDomain() ? "inf" : RobustnessRow.number(eps);
        String question = (blur != null ? blur.toString().replace(":", "") : "eps" + epsText)
                + (closest ? "-closest-" + distanceNorm.name().toLowerCase(Locale.ROOT) : "") + (worst ? "-worst" : "") + (fast ? "-fast" : "");
        resolvedOut = out != null ? out : Path.of("runs", shortName(network) + "-" + data.name() + "-" + question + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        SearchOptions options = SearchOptions.defaults()
                .withTimeLimit(limit)
                .withThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                .withSound(!fast)
                .withRootTightening(new RootTightening(Tightening.valueOf(tightening.toUpperCase(java.util.Locale.ROOT)),
                        neuronLimit, RootTightening.DEFAULT_BUDGET));
        String targetText = (invertTarget ? "all-but:" : "") + (untargeted ? "untargeted" : joinLabels(labels));
        return new Setup(net, verifier, new Float32Evaluation(net), data, range, labels, untargeted, options, epsText, targetText,
                RobustnessRow.number(margin), RobustnessRow.number(timeLimit), blur, closest ? distanceNorm : null, tol, worst);
    }

    private int[] parseLabels(String text) {
        Set<Integer> set = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            try {
                int t = Integer.parseInt(part.strip());
                if (t < 0) {
                    throw bad("--target " + text + ": label " + t + " is negative");
                }
                set.add(t);
            } catch (NumberFormatException e) {
                throw bad("--target '" + text + "' is neither 'untargeted' nor a list of labels such as 3 or 3,5");
            }
        }
        return set.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static String joinLabels(int[] labels) {
        StringBuilder b = new StringBuilder();
        for (int t : labels) {
            b.append(b.isEmpty() ? "" : ";").append(t);
        }
        return b.toString();
    }

    /** A network's name for the default folder: the file name without extensions for a path. */
    static String shortName(String nameOrPath) {
        String n = Path.of(nameOrPath).getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private List<String> question(Setup s) {
        return List.of(s.net().name(), s.data().name(), s.epsText(), norm, perturbation, s.targetText(), s.marginText(), objective, s.mode());
    }

    private String describeOptions(Setup s) {
        return String.format(Locale.ROOT, "network %s, dataset %s, samples %s, eps %s, norm %s, perturbation %s, target %s, margin %s, "
                        + "objective %s%s, mode %s, tightening %s, time limit %s s, threads %d, rerun %s%s, out %s",
                s.net().name(), s.data().name(), s.range(), s.epsText(), norm, perturbation, s.targetText(), s.marginText(), objective,
                s.closest() || s.worst() ? " (tolerance " + RobustnessRow.number(s.tolerance()) + ")" : "", s.mode(), tightening, s.timeLimitText(), s.options().threads(), rerun, solveMisclassified ? ", solve misclassified" : "", out());
    }

    private void writeReport(List<String> table) throws IOException {
        StringBuilder b = new StringBuilder("# Robustness report\n\n");
        b.append("Counts use the last row of each sample in ").append(RobustnessSummary.FILE_NAME).append(".\n\n");
        table.forEach(l -> b.append(l).append('\n'));
        RobustnessExamples.writeAtomically(out().resolve("report.md"), b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A kill during an atomic write leaves its temporary file behind; with the lock held no other
     * run can be writing one, so whatever matches our naming is debris.
     */
    private void removeStrayTempFiles(PrintWriter err) throws IOException {
        for (Path dir : List.of(out(), out().resolve(RobustnessExamples.FOLDER))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String n = f.getFileName().toString();
                    if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(f)) {
                        Files.delete(f);
                        err.println("certus: notice: removed " + f + " (left by an interrupted run)");
                    }
                }
            }
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
