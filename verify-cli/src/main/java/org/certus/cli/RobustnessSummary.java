package org.certus.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * {@code summary.csv} of a robustness run: append-only, one durable line per finished sample.
 *
 * <p>Crash safety: each row is one {@code write} of a complete line followed by
 * {@code FileChannel.force(true)}, so a kill at any moment leaves whole rows plus at most one
 * partial last line. On opening, that partial line (no final newline) is cut off with a notice;
 * anything else that does not parse is refused rather than overwritten, because it holds results
 * somebody paid for.
 *
 * <p>Rows are never rewritten. A sample solved again (--rerun) gets a new row; the last row of a
 * sample wins.
 */
final class RobustnessSummary implements AutoCloseable {
    static final String FILE_NAME = "summary.csv";

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build();

    private final Path file;
    private final AppendOnlyFile out;
    private final Map<Integer, RobustnessRow> latest;
    /** The file has {@link RobustnessRow#LEGACY_HEADER} (no margin columns): rows are appended in that format. */
    private final boolean legacy;

    private RobustnessSummary(Path file, AppendOnlyFile out, Map<Integer, RobustnessRow> latest, boolean legacy) {
        this.file = file;
        this.out = out;
        this.latest = latest;
        this.legacy = legacy;
    }

    /**
     * Opens (or creates) the summary in {@code folder}, repairing a partial last line and writing
     * the header to a new or empty file. The run's lock is the folder's {@code .lock}, taken by the caller.
     *
     * @throws RobustnessSummaryException if a complete line is malformed or the header differs
     */
    static RobustnessSummary open(Path folder, Consumer<String> notice) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        // The run's lock is the summary itself (held until close): a second run into the folder is refused
        // before it reads or repairs anything, and no lock file is left behind.
        AppendOnlyFile f = AppendOnlyFile.open(file, "certus robustness");
        try {
            String text = f.completeText();
            // Parse before repairing: a file that is corrupt elsewhere must stay exactly as it was.
            Map<Integer, RobustnessRow> latest = parse(text, file);
            boolean legacy = !text.isEmpty() && text.startsWith(String.join(",", RobustnessRow.LEGACY_HEADER) + "\n");
            int partial = f.partialLastLine().length;
            if (partial > 0) {
                notice.accept(file + ": removed a partial last line (" + partial
                        + " bytes, left by an interrupted run); that sample will be solved again");
                f.cutPartialLastLine();
            }
            RobustnessSummary s = new RobustnessSummary(file, f, latest, legacy);
            if (text.isEmpty()) {
                s.writeLine(RobustnessRow.HEADER);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static Map<Integer, RobustnessRow> parse(String text, Path file) throws IOException {
        Map<Integer, RobustnessRow> latest = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return latest;
        }
        String how = "; move it away (or choose another --out) to start again";
        List<String> question = null;
        int questionLine = 0;
        int columns = RobustnessRow.HEADER.size();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            for (CSVRecord r : parser) {
                // One record per physical line: no field the command writes contains a line break.
                long line = r.getRecordNumber();
                if (line == 1) {
                    // Summaries written before the worst objective's margin columns resume as they are.
                    if (r.toList().equals(RobustnessRow.LEGACY_HEADER)) {
                        columns = RobustnessRow.LEGACY_HEADER.size();
                    } else if (!r.toList().equals(RobustnessRow.HEADER)) {
                        throw new RobustnessSummaryException(file + " is corrupted at line 1: the header is not "
                                + String.join(",", RobustnessRow.HEADER) + " (nor the older one without margin_lower,margin_upper)" + how);
                    }
                    continue;
                }
                RobustnessRow row;
                try {
                    row = toRow(r, columns);
                } catch (IllegalArgumentException e) {
                    throw new RobustnessSummaryException(file + " is corrupted at line " + line + ": " + e.getMessage() + how);
                }
                if (question == null) {
                    question = row.question();
                    questionLine = (int) line;
                } else if (!question.equals(row.question())) {
                    throw new RobustnessSummaryException(file + " mixes two questions: line " + line + " has " + row.question()
                            + " but line " + questionLine + " has " + question + how);
                }
                latest.put(row.sample(), row);
            }
        } catch (UncheckedIOException e) {
            // commons-csv reports syntax errors (e.g. an unclosed quote) this way
            throw new RobustnessSummaryException(file + " is corrupted: " + ErrorReporter.oneLine(e.getCause().getMessage()) + how);
        }
        return latest;
    }

    private static RobustnessRow toRow(CSVRecord r, int columns) {
        if (r.size() != columns) {
            throw new IllegalArgumentException("expected " + columns + " fields, found " + r.size());
        }
        try {
            int sample = Integer.parseInt(r.get(0));
            if (sample < 0) {
                throw new IllegalArgumentException("negative sample index " + sample);
            }
            return new RobustnessRow(sample, Integer.parseInt(r.get(1)), Integer.parseInt(r.get(2)), RobustnessStatus.parse(r.get(3)),
                    RobustnessRow.parseNumber(r.get(4)), RobustnessRow.parseNumber(r.get(5)), Double.parseDouble(r.get(6)),
                    Long.parseLong(r.get(7)), r.get(8), r.get(9), r.get(10), r.get(11), r.get(12), r.get(13), r.get(14), r.get(15),
                    r.get(16), r.get(17), columns > 18 ? RobustnessRow.parseNumber(r.get(18)) : Double.NaN,
                    columns > 19 ? RobustnessRow.parseNumber(r.get(19)) : Double.NaN);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number (" + e.getMessage() + ")");
        }
    }

    /** The last row of each sample, in the order samples first appeared. */
    Map<Integer, RobustnessRow> latest() {
        return Collections.unmodifiableMap(latest);
    }

    /** The question (network, dataset, eps, ...) of the rows already in the file, or null when there are none. */
    List<String> question() {
        return latest.isEmpty() ? null : latest.values().iterator().next().question();
    }

    Path file() {
        return file;
    }

    /** Whether the file has the header of summaries written before the margin columns. */
    boolean legacy() {
        return legacy;
    }

    /** Appends a row durably: when this returns, the row survives a kill or a power cut. */
    void append(RobustnessRow row) throws IOException {
        if (legacy && !(Double.isNaN(row.marginLower()) && Double.isNaN(row.marginUpper()))) {
            throw new RobustnessSummaryException(file + " was written by an older certus without the margin_lower,margin_upper columns"
                    + " that --objective worst needs; choose another --out");
        }
        writeLine(legacy ? row.legacyFields() : row.fields());
        latest.put(row.sample(), row);
    }

    private void writeLine(List<String> fields) throws IOException {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(fields);
        }
        out.append(w.toString());
    }

    @Override
    public void close() {
        out.close();
    }

    /** All rows of a summary as the file holds them (tests and tools); the last per sample wins. */
    static List<RobustnessRow> readAll(Path file) throws IOException {
        Map<Integer, RobustnessRow> m = parse(Files.readString(file), file);
        return new ArrayList<>(m.values());
    }
}
