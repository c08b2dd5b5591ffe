package org.certus.cli;

import java.time.Duration;

import org.certus.api.Objective;
import org.certus.api.Perturbation;
import org.certus.api.RobustnessQuestion;
import org.certus.api.SampleRange;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a batch evaluation, declared once: the network, the dataset, the samples and what the library's
 * {@link RobustnessQuestion} asks of each sample and how it is searched. A picocli mixin of {@code certus robustness}
 * and of the Spark job, which run the same evaluation; where rows are kept, threads per sample (their defaults
 * differ) and the output folder are each front end's own.
 */
public final class EvaluationOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--network", required = true, paramLabel = "NETWORK",
            description = "A bundled name (mnist-wk17a, ...) or a network file (for a Spark job, one that every executor can read).")
    String network;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "DATASET", description = "mnist or cifar10 (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--samples", paramLabel = "A:B", converter = SampleRangeConverter.class,
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
            description = "closest and worst: stop when upper − lower <= T (default: " + RobustnessQuestion.DEFAULT_CLOSEST_TOLERANCE
                    + " for closest, " + RobustnessQuestion.DEFAULT_WORST_TOLERANCE + " for worst).")
    Double tolerance;

    @Option(names = "--sound", description = "Bounds cover float32 and double evaluation, LPs certified (default).")
    boolean sound;

    @Option(names = "--fast", description = "Trust real arithmetic and the LP solver: quicker, not proof against rounding errors.")
    boolean fast;

    @Option(names = "--margin", defaultValue = "0", paramLabel = "M",
            description = "A target must beat every other label by at least M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--tightening", defaultValue = "auto", paramLabel = "KIND",
            description = "Root bound tightening before branching: auto (default: with --objective feasible, a search on symbolic "
                    + "bounds and, if it has not decided within 5%% of the time, per-neuron searches that tighten the root, then a "
                    + "second search, as certus vnnlib does; symbolic for the other objectives), interval (same as symbolic: nodes "
                    + "are always bounded symbolically), symbolic, lp or mip (certified LP, then MILP per still-unstable neuron); its "
                    + "time counts against --time-limit.")
    String tightening;

    @Option(names = "--neuron-time-limit", defaultValue = "1", paramLabel = "SECONDS",
            description = "--tightening mip: MILP time per neuron and direction (default: ${DEFAULT-VALUE}).")
    double neuronTimeLimit;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "SECONDS", description = "Per sample (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--solve-misclassified", description = "Also verify samples whose clean image is misclassified.")
    boolean solveMisclassified;

    /**
     * The network as given.
     *
     * @return a bundled name or a path
     */
    public String network() {
        return network;
    }

    /**
     * The dataset as given.
     *
     * @return {@code mnist} or {@code cifar10}
     */
    public String dataset() {
        return dataset;
    }

    /**
     * The samples.
     *
     * @param size the dataset's size
     * @return the range given, or every sample
     */
    public SampleRange samples(int size) {
        return samples == null ? SampleRange.all(size) : samples;
    }

    /**
     * The options as the library's question; contradictions become a picocli parameter error of one line.
     *
     * @param threads search threads per sample, as the front end decides them
     * @return the question
     * @throws ParameterException naming the option at fault
     */
    public RobustnessQuestion question(int threads) {
        return question(threads, "");
    }

    /** As {@link #question(int)}, with the {@code --input-range} text that replaced the dataset's pixel range ("" for none). */
    public RobustnessQuestion question(int threads, String inputRange) {
        if (sound && fast) {
            throw bad("--sound and --fast exclude each other");
        }
        Duration neuronLimit = TimeOption.positive(spec, "--neuron-time-limit", neuronTimeLimit);
        TimeOption.positive(spec, "--time-limit", timeLimit);
        try {
            return RobustnessQuestion.builder()
                    .objective(Objective.parse(objective))
                    .norm(norm)
                    .perturbation(new Perturbation(perturbation))
                    .eps(eps == null ? Double.NaN : eps)
                    .target(target)
                    .invertTarget(invertTarget)
                    .tolerance(tolerance == null ? Double.NaN : tolerance)
                    .sound(!fast)
                    .tightening(tightening)
                    .neuronTimeLimit(neuronLimit)
                    .timeLimitSeconds(timeLimit)
                    .margin(margin)
                    .threads(threads)
                    .solveMisclassified(solveMisclassified)
                    .inputRange(inputRange)
                    .build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /**
     * Makes a command line read numbers and paths as strictly as {@code certus} does (no {@code 0.1f}, {@code NaN} or
     * empty paths).
     *
     * @param cl the command line, with its subcommands added
     */
    public static void strictValues(CommandLine cl) {
        OptionConverters.register(cl);
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
