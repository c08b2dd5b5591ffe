package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.certus.api.EvaluationException;
import org.certus.api.Load;
import org.certus.api.Objective;
import org.certus.api.Rerun;
import org.certus.api.RobustnessEvaluation;
import org.certus.api.RobustnessQuestion;
import org.certus.api.RobustnessReport;
import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SampleRange;
import org.certus.api.SummaryFile;
import org.certus.api.VerificationListener;
import org.certus.api.Verifier;
import org.certus.data.Dataset;
import org.certus.nn.Network;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code certus robustness}: MIPVerify's batch evaluation, the library's {@link RobustnessEvaluation} driven one
 * sample after another into a locked {@code OUT/summary.csv} ({@link SummaryFile}), so an interrupted run resumes
 * where it stopped. This class only turns options into a {@link RobustnessQuestion} and shows progress.
 */
@Command(name = "robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify adversarial robustness of a network on a range of dataset samples (MIPVerify's batch evaluation).",
                "Writes OUT/summary.csv (one row per sample, appended as each finishes; rerunning resumes),",
                "OUT/examples/sample-<i>.{json,png} for adversarial examples and OUT/report.md.",
                "The last lines of output are the report table."})
public final class RobustnessCommand implements Callable<Integer> {

    @ParentCommand
    Certus root;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    EvaluationOptions options;

    @Option(names = "--threads", paramLabel = "N", description = "Search threads per sample (default: available processors).")
    Integer threads;

    @Option(names = "--rerun", defaultValue = "never", paramLabel = "WHEN", converter = RerunConverter.class,
            description = "Samples already in OUT/summary.csv: never (skip, default), always (solve again), timeouts (solve timeout/unknown again), "
                    + "unproven (also refine closest and worst samples whose bounds are further apart than --tolerance).")
    Rerun rerun;

    /** --rerun's words: never, always, timeouts, unproven. */
    static final class RerunConverter implements picocli.CommandLine.ITypeConverter<Rerun> {
        @Override
        public Rerun convert(String value) {
            for (Rerun r : Rerun.values()) {
                if (r.word().equals(value)) {
                    return r;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected one of [never, always, timeouts, unproven] but was '" + value + "'");
        }
    }

    @Option(names = {"-q", "--quiet"}, description = "No progress output on stderr.")
    boolean quiet;

    @picocli.CommandLine.Mixin
    InputRangeOption inputRange;

    @Option(names = "--out", paramLabel = "OUT",
            description = "Output folder; an existing one is resumed (default: runs/<network>-<dataset>-eps<eps>-<yyyyMMdd-HHmmss>).")
    Path out;


    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RobustnessQuestion question = options.question(threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                inputRange.range == null ? "" : inputRange.range.toString());
        if (this.out != null && Files.exists(this.out) && !Files.isDirectory(this.out)) {
            throw bad("--out " + this.out + " is an existing file, not a folder");
        }
        Dataset data = Load.dataset(options.dataset());
        SampleRange range = options.samples(data.size());
        RobustnessEvaluation evaluation;
        Path folder;
        try {
            // Cheap checks first: a sample range or target outside the dataset should not wait for a network to load.
            RobustnessEvaluation.checkDataset(data, range, question);
            Network net = inputRange.loadForDataset(options.network(), data, err);
            folder = this.out != null ? this.out : Path.of("runs", shortName(options.network()) + "-" + data.name() + "-" + question.shortName() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            evaluation = new RobustnessEvaluation(Verifier.create(net), data, range, question, folder);
        } catch (EvaluationException e) {
            throw bad(e.getMessage());
        }
        Files.createDirectories(folder);
        try (SummaryFile summary = SummaryFile.open(folder, msg -> err.println("certus: notice: " + msg))) {
            err.flush();
            evaluation.removeStrayTempFiles(f -> err.println("certus: notice: removed " + f + " (left by an interrupted run)"));
            try {
                evaluation.checkStore(summary, summary.file().toString(), "choose another --out");
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            List<Integer> todo = evaluation.todo(summary, rerun);
            out.printf("network: %s, dataset: %s, samples %s (%d to solve, %d already in %s)%n", evaluation.verifier().network().name(),
                    data.name(), range, todo.size(), range.count() - todo.size(), summary.file());
            out.flush();
            boolean bar = !quiet && root != null && root.progressAllowed();
            try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("robustness").setInitialMax(todo.size()).build() : null) {
                Progress progress = new Progress(pb, quiet, question.objective(), err);
                RobustnessEvaluation withProgress = new RobustnessEvaluation(evaluation.verifier().withListener(progress), data, range, question,
                        folder);
                withProgress.run(todo, summary);
            }
            RobustnessReport report = evaluation.report(summary);
            List<String> table = evaluation.writeReport(report, evaluation.describe() + ", rerun " + rerun.word()
                    + (question.solveMisclassified() ? ", solve misclassified" : "") + ", out " + folder, (System.nanoTime() - wallStart) / 1e9);
            out.println();
            table.forEach(out::println);
            out.flush();
            int errors = report.count(RobustnessStatus.ERROR);
            if (errors > 0) {
                err.println("certus: " + errors + " sample(s) ended in error; see " + folder.resolve(SummaryFile.ERRORS));
                return ErrorReporter.EXIT_INTERNAL;
            }
            return 0;
        }
    }

    /** The progress bar, or one line per sample on stderr; errors and warnings as {@code certus:} lines. */
    private static final class Progress implements VerificationListener {
        private final ProgressBar bar;
        private final boolean quiet;
        private final Objective objective;
        private final PrintWriter err;
        private final int[] counts = new int[RobustnessStatus.values().length];

        Progress(ProgressBar bar, boolean quiet, Objective objective, PrintWriter err) {
            this.bar = bar;
            this.quiet = quiet;
            this.objective = objective;
            this.err = err;
        }

        @Override
        public void warning(String message) {
            err.println("certus: warning: " + message);
            err.flush();
        }

        @Override
        public void sampleFailed(int sample, String message) {
            err.println("certus: error: sample " + sample + ": " + message);
            err.flush();
        }

        @Override
        public void sampleFinished(RobustnessRow row, int done, int todo) {
            counts[row.status().ordinal()]++;
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(countsText(counts));
            } else if (!quiet) {
                String bounds = objective == Objective.CLOSEST && !Double.isNaN(row.distortionLower())
                        ? ", distortion [" + RobustnessRow.number(row.distortionLower()) + ", "
                                + (Double.isNaN(row.distortionUpper()) ? "inf" : RobustnessRow.number(row.distortionUpper())) + "]"
                        : objective == Objective.WORST && !Double.isNaN(row.marginUpper())
                        ? String.format(Locale.ROOT, ", worst margin [%.6g, %.6g]", row.marginLower(), row.marginUpper())
                        : "";
                err.printf(Locale.ROOT, "sample %d: %s%s (label %d, predicted %d, %.2f s, %d nodes) [%d/%d; %s]%n", row.sample(),
                        row.status().label(), bounds, row.label(), row.predicted(), row.timeSeconds(), row.nodes(), done, todo,
                        countsText(counts));
                err.flush();
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

    /** A network's name for the default folder: the file name without extensions for a path. */
    static String shortName(String nameOrPath) {
        String n = Path.of(nameOrPath).getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
