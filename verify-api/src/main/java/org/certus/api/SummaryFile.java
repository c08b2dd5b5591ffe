package org.certus.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code summary.csv} of a batch evaluation, as {@code certus robustness} keeps it: append-only, one durable line
 * per finished sample, and the run's lock ({@link AppendOnlyFile}).
 *
 * <p>Crash safety: each row is one {@code write} of a complete line followed by {@code FileChannel.force(true)}, so a
 * kill at any moment leaves whole rows plus at most one partial last line. On opening, that partial line (no
 * final newline) is cut off with a notice; anything else that does not parse is refused rather than overwritten,
 * because it holds results somebody paid for.
 *
 * <p>Rows are never rewritten. A sample solved again ({@link Rerun}) gets a new row; the last row of a sample
 * wins. Errors go to {@code errors.log} beside it.
 */
public final class SummaryFile implements RowStore, AutoCloseable {
    /** The summary's name in the output folder. */
    public static final String FILE_NAME = "summary.csv";
    /** The error log's name in the output folder. */
    public static final String ERRORS = "errors.log";

    private final Path file;
    private final AppendOnlyFile out;
    private final Map<Integer, RobustnessRow> latest;
    /** The file has {@link RobustnessRow#LEGACY_HEADER} (no margin columns): rows are appended in that format. */
    private final boolean legacy;

    private SummaryFile(Path file, AppendOnlyFile out, Map<Integer, RobustnessRow> latest, boolean legacy) {
        this.file = file;
        this.out = out;
        this.latest = latest;
        this.legacy = legacy;
    }

    /**
     * Opens (or creates) the summary in {@code folder} and takes its lock, repairing a partial last line and writing
     * the header to a new or empty file.
     *
     * @param folder the output folder
     * @param notice told of a repaired partial line
     * @return the open summary (close it to release the lock)
     * @throws EvaluationException if a complete line is malformed, the header differs or two questions are mixed
     * @throws org.certus.data.DataException if another run holds the lock, or the file cannot be opened
     * @throws IOException when it cannot be written
     */
    public static SummaryFile open(Path folder, Consumer<String> notice) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        // The run's lock is the summary itself (held until close): a second run into the folder is refused
        // before it reads or repairs anything, and no lock file is left behind.
        AppendOnlyFile f = AppendOnlyFile.open(file, "certus robustness");
        try {
            String text = f.completeText();
            // Parse before repairing: a file that is corrupt elsewhere must stay exactly as it was.
            Map<Integer, RobustnessRow> latest = latestOf(parse(text, file), file);
            boolean legacy = !text.isEmpty() && text.startsWith(String.join(",", RobustnessRow.LEGACY_HEADER) + "\n");
            int partial = f.partialLastLine().length;
            if (partial > 0) {
                notice.accept(file + ": removed a partial last line (" + partial
                        + " bytes, left by an interrupted run); that sample will be solved again");
                f.cutPartialLastLine();
            }
            SummaryFile s = new SummaryFile(file, f, latest, legacy);
            if (text.isEmpty()) {
                f.append(RobustnessRow.csvLine(RobustnessRow.HEADER));
            }
            return s;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static final String HOW = "; move it away (or choose another --out) to start again";

    private static List<RobustnessRow> parse(String text, Path file) {
        try {
            return RobustnessRow.parse(text);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new EvaluationException(file + " is corrupted" + (m.startsWith("line ") ? " at " : ": ") + m + HOW);
        }
    }

    /** The last row per sample, refusing a file that mixes questions. */
    private static Map<Integer, RobustnessRow> latestOf(List<RobustnessRow> rows, Path file) {
        Map<Integer, RobustnessRow> latest = new LinkedHashMap<>();
        List<String> question = null;
        int questionLine = 0;
        int line = 1;
        for (RobustnessRow row : rows) {
            line++;
            if (question == null) {
                question = row.question();
                questionLine = line;
            } else if (!question.equals(row.question())) {
                throw new EvaluationException(file + " mixes two questions: line " + line + " has " + row.question() + " but line "
                        + questionLine + " has " + question + HOW);
            }
            latest.put(row.sample(), row);
        }
        return latest;
    }

    /** The last row of each sample, in the order samples first appeared. */
    @Override
    public Map<Integer, RobustnessRow> latest() {
        return Collections.unmodifiableMap(latest);
    }

    /**
     * The summary's path.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /** Whether the file has the header of summaries written before the margin columns. */
    @Override
    public boolean legacy() {
        return legacy;
    }

    /** Appends a row durably: when this returns, the row survives a kill or a power cut. */
    @Override
    public void append(RobustnessRow row) throws IOException {
        if (legacy && !(Double.isNaN(row.marginLower()) && Double.isNaN(row.marginUpper()))) {
            throw new EvaluationException(file + " was written by an older certus without the margin_lower,margin_upper columns"
                    + " that --objective worst needs; choose another --out");
        }
        out.append(RobustnessRow.csvLine(legacy ? row.legacyFields() : row.fields()));
        latest.put(row.sample(), row);
    }

    /** Appends {@code sample i: message} to {@code errors.log} beside the summary. */
    @Override
    public void logError(int sample, String message) throws IOException {
        Files.writeString(file.resolveSibling(ERRORS), "sample " + sample + ": " + message + System.lineSeparator(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Releases the lock (every row was forced to disk as it was written). */
    @Override
    public void close() {
        out.close();
    }

    /**
     * All rows of a summary as the file holds them (tests and tools); the last per sample wins.
     *
     * @param file a summary
     * @return its rows, one per sample
     * @throws IOException when it cannot be read
     */
    public static List<RobustnessRow> readAll(Path file) throws IOException {
        return new ArrayList<>(latestOf(parse(Files.readString(file), file), file).values());
    }
}
