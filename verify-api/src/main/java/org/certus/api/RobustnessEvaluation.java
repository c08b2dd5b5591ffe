package org.certus.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;

/**
 * MIPVerify's batch evaluation: a robustness question over a range of a dataset's samples, each answered by
 * {@link Verifier#robustness} and recorded as a row of a {@link RowStore}, with the example files of adversarial
 * samples in {@code OUT/examples/} and the report in {@code OUT/report.md}. Resumable: what the store holds is not
 * solved again (unless {@link Rerun} says so). {@code certus robustness} drives it one sample after another into a
 * locked {@link SummaryFile}; the Spark job solves each sample in a task ({@link #solve(int, RowStore)}) into part
 * files and writes the same {@code summary.csv} from them ({@link #writeSummary}). Both write the same files.
 */
public final class RobustnessEvaluation {
    /** The report's name in the output folder. */
    public static final String REPORT = "report.md";

    private final Verifier verifier;
    private final Dataset data;
    private final SampleRange range;
    private final RobustnessQuestion question;
    private final Path out;

    /**
     * An evaluation of {@code question} over {@code range} of {@code data}, writing into {@code out}.
     *
     * @param verifier the network's verifier (its listener is told of every sample); the network must take the dataset's images
     * @param data     the dataset
     * @param range    the samples
     * @param question what is asked of each sample
     * @param out      the output folder (created when missing)
     * @throws NetworkException if the network does not fit the dataset, or a blur question meets a network without image input
     * @throws EvaluationException if the range or a target lies outside the dataset
     */
    public RobustnessEvaluation(Verifier verifier, Dataset data, SampleRange range, RobustnessQuestion question, Path out) {
        Network net = verifier.network();
        checkDataset(data, range, question);
        Load.checkCompatible(net, data);
        if (question.perturbation().isBlur() && !net.inputShape().isImage()) {
            throw new EvaluationException("--perturbation " + question.perturbation() + " needs an image network; '" + net.name()
                    + "' takes " + net.inputShape());
        }
        this.verifier = verifier;
        this.data = data;
        this.range = range;
        this.question = question;
        this.out = out;
    }

    /**
     * The checks of an evaluation that need only the dataset (cheap: a front end runs them before loading the network).
     *
     * @param data     the dataset
     * @param range    the samples
     * @param question the question
     * @throws EvaluationException if the range or a target lies outside the dataset
     */
    public static void checkDataset(Dataset data, SampleRange range, RobustnessQuestion question) {
        if (!range.fitsIn(data.size())) {
            throw new EvaluationException("--samples " + range + " is out of range: dataset '" + data.name() + "' has " + data.size()
                    + " samples (0:" + (data.size() - 1) + ")");
        }
        for (int t : question.targets()) {
            if (t >= data.classCount()) {
                throw new EvaluationException("--target " + t + " is out of range: dataset '" + data.name() + "' has labels 0.."
                        + (data.classCount() - 1));
            }
        }
    }

    /**
     * The question's columns of this evaluation's rows.
     *
     * @return network, dataset, eps, norm, perturbation, target, margin, objective, mode
     */
    public List<String> questionColumns() {
        return question.columns(verifier.network().name(), data.name());
    }

    /**
     * Refuses a store that holds another question's rows, or that cannot take this question's columns.
     *
     * @param store    the store
     * @param where    the store as named in a message (its file or folder)
     * @param anotherOut how to get out of it, e.g. {@code choose another --out}
     * @throws EvaluationException when the store does not fit
     * @throws IOException when it cannot be read
     */
    public void checkStore(RowStore store, String where, String anotherOut) throws IOException {
        if (question.objective() == Objective.WORST && store.legacy()) {
            throw new EvaluationException(where + " was written by an older certus without the margin_lower,margin_upper columns that "
                    + "--objective worst needs; " + anotherOut);
        }
        List<String> mine = questionColumns();
        for (RobustnessRow r : store.latest().values()) {
            if (!r.question().equals(mine)) {
                throw new EvaluationException(where + " holds results for another question " + r.question() + ", not " + mine + "; "
                        + anotherOut);
            }
        }
    }

    /**
     * The samples of the range this run solves: those the store lacks, and those {@code rerun} solves again.
     *
     * @param store the store
     * @param rerun which finished samples to solve again
     * @return sample indices, in order
     * @throws IOException when the store cannot be read
     */
    public List<Integer> todo(RowStore store, Rerun rerun) throws IOException {
        Map<Integer, RobustnessRow> latest = store.latest();
        List<Integer> todo = new ArrayList<>();
        for (int i = range.first(); i <= range.last(); i++) {
            RobustnessRow done = latest.get(i);
            if (done == null || rerun.solvesAgain(done, question)) {
                todo.add(i);
            }
        }
        return todo;
    }

    /**
     * Solves one sample, writes its example files and appends its row to the store (and its error, if any).
     *
     * @param sample the sample's index
     * @param store  where its row goes
     * @return the row
     * @throws IOException when a file cannot be written (a per-sample failure of the search is an error row instead)
     */
    public RobustnessRow solve(int sample, RowStore store) throws IOException {
        long t0 = System.nanoTime();
        Network net = verifier.network();
        int label = data.label(sample);
        double[] x;
        RobustnessResult r;
        try {
            x = data.image(sample);
            r = verifier.robustness(x, label, question);
        } catch (RuntimeException e) {
            x = null;
            r = new RobustnessResult(label, -1, RobustnessStatus.ERROR, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    (System.nanoTime() - t0) / 1e9, 0, null, e.getClass().getSimpleName() + ": " + Messages.oneLine(e.getMessage()));
        }
        AdversarialExample e = r.example();
        if (e != null) {
            if (e.warning() != null) {
                verifier.listener().warning("sample " + sample + ": " + e.warning());
            }
            new ExampleFiles(out).write(new ExampleFiles.Example(sample, label, r.predicted(), e.prediction(), e.linfDistance(), e.margin(),
                    data.channels(), data.height(), data.width(), x, e.input(), net.evaluate(x), e.logits(), net.name(), data.name(),
                    question.wholeDomain() || question.perturbation().isBlur() ? null : question.eps(), e.details()));
        }
        RobustnessRow row = RobustnessRow.of(sample, r, question, net.name(), data.name());
        if (r.error() != null) {
            store.logError(sample, r.error());
            verifier.listener().sampleFailed(sample, r.error());
        }
        store.append(row);
        return row;
    }

    /**
     * Solves {@code todo} one sample after another, telling the verifier's listener of each.
     *
     * @param todo  the samples (see {@link #todo})
     * @param store where their rows go
     * @throws IOException when a file cannot be written
     */
    public void run(List<Integer> todo, RowStore store) throws IOException {
        int done = 0;
        for (int i : todo) {
            RobustnessRow row = solve(i, store);
            done++;
            verifier.listener().sampleFinished(row, done, todo.size());
        }
    }

    /**
     * The report of the range: the last row of each of its samples in the store.
     *
     * @param store the store
     * @return the report
     * @throws EvaluationException naming the samples when the store lacks some
     * @throws IOException when the store cannot be read
     */
    public RobustnessReport report(RowStore store) throws IOException {
        return RobustnessReport.of(rows(store));
    }

    /**
     * The last row of each sample of the range, in order.
     *
     * @param store the store
     * @return the rows
     * @throws EvaluationException naming the samples when the store lacks some
     * @throws IOException when the store cannot be read
     */
    public List<RobustnessRow> rows(RowStore store) throws IOException {
        Map<Integer, RobustnessRow> latest = store.latest();
        List<RobustnessRow> rows = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = range.first(); i <= range.last(); i++) {
            RobustnessRow r = latest.get(i);
            if (r == null) {
                missing.add(i);
            } else {
                rows.add(r);
            }
        }
        if (!missing.isEmpty()) {
            throw new EvaluationException("samples " + missing + " have no row yet; run again with the same --out to solve them");
        }
        return rows;
    }

    /**
     * Writes {@code OUT/report.md}: the report's table under a heading.
     *
     * @param report      the report
     * @param options     the run's options in words ({@link #describe()} and what the front end adds)
     * @param wallSeconds the run's wall time
     * @return the table's lines, for printing
     * @throws IOException when the file cannot be written
     */
    public List<String> writeReport(RobustnessReport report, String options, double wallSeconds) throws IOException {
        List<String> table = report.table(options, wallSeconds);
        StringBuilder b = new StringBuilder("# Robustness report\n\n");
        b.append("Counts use the last row of each sample in ").append(SummaryFile.FILE_NAME).append(".\n\n");
        table.forEach(l -> b.append(l).append('\n'));
        InputFiles.writeAtomically(out.resolve(REPORT), b.toString().getBytes(StandardCharsets.UTF_8));
        return table;
    }

    /**
     * Writes {@code OUT/summary.csv} at once from rows kept elsewhere (the Spark job's part files): the header, then
     * one row per sample in sample order — what {@code certus robustness} appends when it solves them in order.
     *
     * @param rows the rows, one per sample
     * @return the file
     * @throws IOException when it cannot be written
     */
    public Path writeSummary(List<RobustnessRow> rows) throws IOException {
        StringBuilder csv = new StringBuilder(RobustnessRow.csvLine(RobustnessRow.HEADER));
        rows.stream().sorted(java.util.Comparator.comparingInt(RobustnessRow::sample)).forEach(r -> csv.append(r.csvLine()));
        Path summary = out.resolve(SummaryFile.FILE_NAME);
        InputFiles.writeAtomically(summary, csv.toString().getBytes(StandardCharsets.UTF_8));
        return summary;
    }

    /**
     * The evaluation in words for the report: network, dataset, samples and the question.
     *
     * @return one line
     */
    public String describe() {
        return "network " + verifier.network().name() + ", dataset " + data.name() + ", samples " + range + ", " + question.describe();
    }

    /**
     * Removes the temporary files of atomic writes that a kill left in {@code OUT} and {@code OUT/examples} (call only
     * while no other run writes there, e.g. holding the summary's lock).
     *
     * @param notice told of each file removed
     * @throws IOException when a folder cannot be listed
     */
    public void removeStrayTempFiles(Consumer<Path> notice) throws IOException {
        for (Path dir : List.of(out, out.resolve(ExampleFiles.FOLDER))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (InputFiles.isTemporary(f.getFileName().toString()) && Files.isRegularFile(f)) {
                        Files.delete(f);
                        notice.accept(f);
                    }
                }
            }
        }
    }

    /**
     * The output folder.
     *
     * @return {@code OUT}
     */
    public Path out() {
        return out;
    }

    /**
     * The samples.
     *
     * @return the range
     */
    public SampleRange range() {
        return range;
    }

    /**
     * The verifier, with the network loaded for the dataset.
     *
     * @return the verifier
     */
    public Verifier verifier() {
        return verifier;
    }
}
