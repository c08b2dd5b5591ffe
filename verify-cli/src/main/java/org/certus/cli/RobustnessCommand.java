package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.certus.api.Verifier;
import org.certus.bnb.Counterexample;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

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

    @Option(names = "--eps", paramLabel = "EPS", description = "Radius of the L∞ ball (required unless --perturbation unrestricted).")
    Double eps;

    @Option(names = "--norm", defaultValue = "inf", paramLabel = "NORM", description = "Norm of the perturbation: inf (only; 1 and 2 are not supported yet).")
    String norm;

    @Option(names = "--perturbation", defaultValue = "linf", paramLabel = "KIND",
            description = "linf (ball of radius --eps, default) or unrestricted (the whole input domain). Blur: not supported yet.")
    String perturbation;

    @Option(names = "--target", defaultValue = "untargeted", paramLabel = "untargeted|LABELS",
            description = "untargeted (any other label, default) or target labels, e.g. 3 or 3,5.")
    String target;

    @Option(names = "--invert-target", description = "Use every label except the --target labels as targets.")
    boolean invertTarget;

    @Option(names = "--objective", defaultValue = "feasible", paramLabel = "OBJ",
            description = "feasible (is there an adversarial example within eps?). closest and worst: not supported yet.")
    String objective;

    @Option(names = "--margin", defaultValue = "0", paramLabel = "M",
            description = "A target must beat every other label by at least M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--tightening", defaultValue = "symbolic", paramLabel = "KIND", description = "Bound tightening: symbolic (only, for now).")
    String tightening;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "SECONDS", description = "Per sample (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--threads", paramLabel = "N", description = "Search threads per sample (default: available processors).")
    Integer threads;

    @Option(names = "--rerun", defaultValue = "never", paramLabel = "WHEN",
            description = "Samples already in OUT/summary.csv: never (skip, default), always (solve again), timeouts (solve timeout/unknown again).")
    Rerun rerun;

    @Option(names = "--solve-misclassified", description = "Also verify samples whose clean image is misclassified.")
    boolean solveMisclassified;

    @Option(names = {"-q", "--quiet"}, description = "No progress output on stderr.")
    boolean quiet;

    @Option(names = "--out", paramLabel = "OUT",
            description = "Output folder; an existing one is resumed (default: runs/<network>-<dataset>-eps<eps>-<yyyyMMdd-HHmmss>).")
    Path out;

    enum Rerun { never, always, timeouts }

    /** Everything the per-sample loop needs, fixed after validation. */
    private record Setup(Network net, Verifier verifier, Dataset data, SampleRange range, int[] targetLabels, boolean untargeted,
            SearchOptions options, String epsText, String targetText, String marginText, String timeLimitText) {
    }

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        Setup s = validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(out());
        try (FileChannel lockChannel = FileChannel.open(out().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = tryLock(lockChannel);
                RobustnessSummary summary = RobustnessSummary.open(out(), msg -> err.println("certus: notice: " + msg))) {
            err.flush();
            removeStrayTempFiles(err);
            List<String> question = question(s);
            if (summary.question() != null && !summary.question().equals(question)) {
                throw new ParameterException(spec.commandLine(), summary.file() + " holds results for another question "
                        + summary.question() + ", not " + question + "; choose another --out");
            }
            List<Integer> todo = new ArrayList<>();
            for (int i = s.range().first(); i <= s.range().last(); i++) {
                RobustnessRow done = summary.latest().get(i);
                if (done == null || rerun == Rerun.always || (rerun == Rerun.timeouts && done.status().undecided())) {
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
                    err.printf(Locale.ROOT, "sample %d: %s (label %d, predicted %d, %.2f s, %d nodes) [%d/%d; %s]%n", i, row.status().label(),
                            row.label(), row.predicted(), row.timeSeconds(), row.nodes(), done, todo.size(), countsText(counts));
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
                return row(s, i, label, predicted, RobustnessStatus.ROBUST, lowerDistortion(), Double.NaN, t0, 0);
            }
            double[] lo = s.net().inputDomain().lower();
            double[] hi = s.net().inputDomain().upper();
            InputBox region = unrestricted() ? new InputBox(lo, hi) : RobustnessProperty.linfBall(x, eps, lo, hi);
            int classes = s.net().outputSize();
            Verdict v = s.verifier().verify(RobustnessProperty.of(region, targets, classes, margin), s.options());
            long nodes = v.statistics().nodes();
            return switch (v.status()) {
                case VERIFIED -> row(s, i, label, predicted, RobustnessStatus.ROBUST, lowerDistortion(), Double.NaN, t0, nodes);
                case TIMEOUT -> row(s, i, label, predicted, RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN, t0, nodes);
                case UNKNOWN -> row(s, i, label, predicted, RobustnessStatus.UNKNOWN, Double.NaN, Double.NaN, t0, nodes);
                case FALSIFIED -> {
                    Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                    double[] y = s.net().evaluate(ce.input());
                    double dist = linfDistance(x, ce.input());
                    String problem = recheck(ce.input(), y, x, region, targets, classes, dist);
                    if (problem != null) {
                        logError(s, i, "the verifier's counterexample fails the re-check: " + problem + " (a bug; please report it)", err);
                        yield row(s, i, label, predicted, RobustnessStatus.ERROR, Double.NaN, Double.NaN, t0, nodes);
                    }
                    new RobustnessExamples(out()).write(new RobustnessExamples.Example(i, label, predicted, argmax(y), dist, ce.margin(),
                            s.data().channels(), s.data().height(), s.data().width(), x, ce.input(), clean, y, s.net().name(),
                            s.data().name(), unrestricted() ? Double.POSITIVE_INFINITY : eps));
                    yield row(s, i, label, predicted, RobustnessStatus.VULNERABLE, Double.NaN, dist, t0, nodes);
                }
            };
        } catch (RuntimeException | StackOverflowError e) {
            logError(s, i, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + ErrorReporter.oneLine(e.getMessage())), err);
            return row(s, i, label, predicted, RobustnessStatus.ERROR, Double.NaN, Double.NaN, t0, 0);
        }
    }

    /**
     * The command's own check of a counterexample, independent of the engine: an exact forward
     * pass, membership of the region and the ball, and the target condition with no tolerance.
     * Returns null when it holds, else what is wrong.
     */
    String recheck(double[] adv, double[] y, double[] x, InputBox region, int[] targets, int classes, double dist) {
        if (!region.contains(adv, 0.0)) {
            return "it lies outside the region (ball ∩ input domain)";
        }
        if (!unrestricted() && !(dist <= eps + BALL_TOLERANCE)) {
            return "its L∞ distance " + dist + " exceeds eps " + eps;
        }
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
                return null;
            }
        }
        return "no target label beats the others by " + margin + " on the exact forward pass";
    }

    private void logError(Setup s, int i, String message, PrintWriter err) throws IOException {
        String line = "sample " + i + ": " + message;
        err.println("certus: error: " + line);
        err.flush();
        Files.writeString(out().resolve("errors.log"), line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private RobustnessRow row(Setup s, int i, int label, int predicted, RobustnessStatus st, double lower, double upper, long t0, long nodes) {
        return new RobustnessRow(i, label, predicted, st, lower, upper, (System.nanoTime() - t0) / 1e9, nodes, s.net().name(),
                s.data().name(), s.epsText(), norm, perturbation, s.targetText(), s.marginText(), s.timeLimitText());
    }

    /** What a robust verdict proves about the minimal distortion: at least eps (∞ for the whole domain). */
    private double lowerDistortion() {
        return unrestricted() ? Double.POSITIVE_INFINITY : eps;
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
        int best = 0;
        for (int k = 1; k < y.length; k++) {
            if (y[k] > y[best]) {
                best = k;
            }
        }
        return best;
    }

    static double linfDistance(double[] a, double[] b) {
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            d = Math.max(d, Math.abs(a[k] - b[k]));
        }
        return d;
    }

    private boolean unrestricted() {
        return "unrestricted".equals(perturbation);
    }

    private Path resolvedOut;

    private Path out() {
        return resolvedOut;
    }

    /** Checks every option, cheapest first, and loads the dataset and the network. */
    private Setup validate() {
        if (!"inf".equals(norm)) {
            if (Set.of("1", "2", "l1", "l2").contains(norm.toLowerCase(Locale.ROOT))) {
                throw bad("--norm " + norm + " is not supported yet; only --norm inf");
            }
            throw bad("--norm " + norm + " is unknown; use inf");
        }
        if (!Set.of("linf", "unrestricted").contains(perturbation)) {
            if (perturbation.toLowerCase(Locale.ROOT).contains("blur")) {
                throw bad("--perturbation " + perturbation + " (blurring) is not supported yet; use linf or unrestricted");
            }
            throw bad("--perturbation " + perturbation + " is unknown; use linf or unrestricted");
        }
        if (!"feasible".equals(objective)) {
            if (Set.of("closest", "worst").contains(objective)) {
                throw bad("--objective " + objective + " is not supported yet; only --objective feasible");
            }
            throw bad("--objective " + objective + " is unknown; use feasible");
        }
        if (!"symbolic".equals(tightening)) {
            if (Set.of("interval", "lp", "mip").contains(tightening)) {
                throw bad("--tightening " + tightening + " is not supported yet; only --tightening symbolic");
            }
            throw bad("--tightening " + tightening + " is unknown; use symbolic");
        }
        if (unrestricted()) {
            if (eps != null) {
                throw bad("--eps does not apply to --perturbation unrestricted (the region is the whole input domain)");
            }
        } else if (eps == null) {
            throw bad("missing --eps (the radius of the L∞ ball, e.g. --eps 0.1)");
        } else if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw bad("--eps must be a finite number >= 0, got " + eps);
        }
        if (!(timeLimit > 0) || Double.isInfinite(timeLimit)) {
            throw bad("--time-limit must be a positive number of seconds, got " + timeLimit);
        }
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
        Network net = NetworkLoader.load(network);
        EvaluateCommand.checkCompatible(net, data);
        Verifier verifier = Verifier.create(net);

        String epsText = unrestricted() ? "inf" : RobustnessRow.number(eps);
        resolvedOut = out != null ? out : Path.of("runs", shortName(network) + "-" + data.name() + "-eps" + epsText + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        SearchOptions options = SearchOptions.defaults()
                .withTimeLimit(Duration.ofNanos(Math.round(timeLimit * 1e9)))
                .withThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        String targetText = (invertTarget ? "all-but:" : "") + (untargeted ? "untargeted" : joinLabels(labels));
        return new Setup(net, verifier, data, range, labels, untargeted, options, epsText, targetText,
                RobustnessRow.number(margin), RobustnessRow.number(timeLimit));
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
        return List.of(s.net().name(), s.data().name(), s.epsText(), norm, perturbation, s.targetText(), s.marginText());
    }

    private String describeOptions(Setup s) {
        return String.format(Locale.ROOT, "network %s, dataset %s, samples %s, eps %s, norm %s, perturbation %s, target %s, margin %s, "
                        + "objective %s, tightening %s, time limit %s s, threads %d, rerun %s%s, out %s",
                s.net().name(), s.data().name(), s.range(), s.epsText(), norm, perturbation, s.targetText(), s.marginText(), objective,
                tightening, s.timeLimitText(), s.options().threads(), rerun, solveMisclassified ? ", solve misclassified" : "", out());
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

    private FileLock tryLock(FileChannel ch) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (another run in-process)
        }
        if (lock == null) {
            throw bad("another certus robustness run is writing to " + out() + " (" + out().resolve(".lock")
                    + " is locked); wait for it or choose another --out");
        }
        return lock;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
