package org.certus.cli;

import org.certus.api.AppendOnlyFile;
import org.certus.api.Messages;
import org.certus.api.InputFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.certus.data.DataException;

/**
 * A results file of {@code certus vnncomp}: one row {@code onnx,vnnlib,result,time_s,nodes} per finished
 * instance, no header. Rows are appended and forced to disk one at a time ({@link AppendOnlyFile}), so an
 * interrupted run loses at most the instance in progress and resumes from the rows present. A run holds the
 * file's OS lock while it writes: a second run into the same file is refused, not interleaved.
 */
public final class VnncompResults implements AutoCloseable {
    /** One finished instance. */
    public record Row(String onnx, String vnnlib, String result, double seconds, long nodes) {
        public String key() {
            return VnncompResults.key(onnx, vnnlib);
        }
    }

    /** The words a row's result may be; anything else in a file is a corruption, refused on resume. */
    static final Set<String> RESULT_WORDS = Set.of(VnnlibResult.SAT, VnnlibResult.UNSAT, VnnlibResult.TIMEOUT, VnnlibResult.UNKNOWN,
            VnnlibResult.ERROR);

    private final AppendOnlyFile file;
    private final Map<String, Row> rows;

    private VnncompResults(AppendOnlyFile file, Map<String, Row> rows) {
        this.file = file;
        this.rows = rows;
    }

    static String key(String onnx, String vnnlib) {
        return onnx + "\u0000" + vnnlib;
    }

    /**
     * The rows of an existing results file, by instance key (a later row for the same instance wins), or
     * none if it does not exist; for tools that only read (no lock). A last line without its newline (a run
     * killed mid-write) is ignored here; {@link #open} removes it.
     */
    public static Map<String, Row> read(Path file) {
        if (!Files.exists(InputFiles.requireRegular(file))) {
            return new LinkedHashMap<>();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot read the results file: " + Messages.ioMessage(e), e);
        }
        return parse(text.substring(0, text.lastIndexOf('\n') + 1), file.toString());
    }

    /**
     * Opens for appending: takes the file's lock (refusing when another run holds it), reads and checks every
     * complete row, and only then removes a partial last line (with a notice), so that a refused run leaves the
     * file exactly as it was.
     */
    static VnncompResults open(Path file, Consumer<String> notices) {
        AppendOnlyFile f = AppendOnlyFile.open(file, "certus vnncomp");
        try {
            Map<String, Row> rows = parse(f.completeText(), file.toString());
            byte[] partial = f.partialLastLine();
            if (partial.length > 0) {
                notices.accept(file + ": removed a partial last line '" + Messages.excerpt(new String(partial, StandardCharsets.UTF_8))
                        + "' (an interrupted run); that instance runs again");
                f.cutPartialLastLine();
            }
            return new VnncompResults(f, rows);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static Map<String, Row> parse(String text, String source) {
        Map<String, Row> rows = new LinkedHashMap<>();
        try {
            for (CSVRecord rec : CSVFormat.DEFAULT.parse(new StringReader(text))) {
                String where = source + ":" + rec.getRecordNumber();
                if (rec.size() == 1 && rec.get(0).isBlank()) {
                    continue;
                }
                if (rec.size() != 5) {
                    throw new DataException(where, "expected onnx,vnnlib,result,time_s,nodes, got " + rec.size() + " column(s)");
                }
                if (rec.getRecordNumber() == 1 && "onnx".equals(rec.get(0)) && "result".equals(rec.get(2))) {
                    continue; // a header someone added
                }
                if (!RESULT_WORDS.contains(rec.get(2))) {
                    throw new DataException(where, "unknown result '" + Messages.excerpt(rec.get(2))
                            + "' (expected sat, unsat, timeout, unknown or error); move the file away or fix the row");
                }
                try {
                    Row row = new Row(rec.get(0), rec.get(1), rec.get(2), Double.parseDouble(rec.get(3)), Long.parseLong(rec.get(4)));
                    rows.put(row.key(), row);
                } catch (NumberFormatException e) {
                    throw new DataException(where, "bad time or nodes: " + Messages.oneLine(e.getMessage()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // commons-csv reports syntax errors (an unclosed quote, a character after a closing quote) this way
            Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            throw new DataException(source, "cannot parse the results file: " + Messages.oneLine(cause.getMessage()), e);
        }
        return rows;
    }

    /** The rows read when the file was opened, plus those appended since, by instance key (the last row of an instance wins). */
    Map<String, Row> rows() {
        return rows;
    }

    /** Appends one row with one write and forces it to disk. */
    void append(Row row) {
        file.append(CSVFormat.DEFAULT.format(row.onnx(), row.vnnlib(), row.result(),
                String.format(Locale.ROOT, "%.3f", row.seconds()), Long.toString(row.nodes())) + "\n");
        rows.put(row.key(), row);
    }

    @Override
    public void close() {
        file.close();
    }
}
