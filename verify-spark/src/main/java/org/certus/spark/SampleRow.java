package org.certus.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * One row of {@code summary.csv}, in exactly the columns and number formats of
 * {@code certus robustness} ({@code org.certus.cli.RobustnessRow}, which is package-private).
 * NaN means an empty field.
 */
public record SampleRow(int sample, int label, int predicted, String status, double distortionLower, double distortionUpper,
        double timeSeconds, long nodes, String network, String dataset, String eps, String norm, String perturbation, String target,
        String margin, String timeLimit) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The columns of summaries written before certus robustness gained the worst objective's margin columns. */
    static final List<String> LEGACY_HEADER = List.of("sample", "label", "predicted", "status", "distortion_lower", "distortion_upper",
            "time_s", "nodes", "network", "dataset", "eps", "norm", "perturbation", "target", "margin", "time_limit",
            "objective", "mode");

    /** As certus robustness writes it: the feasibility job leaves margin_lower and margin_upper empty. */
    public static final List<String> HEADER = java.util.stream.Stream.concat(LEGACY_HEADER.stream(),
            java.util.stream.Stream.of("margin_lower", "margin_upper")).toList();

    /** The Spark job answers feasibility questions in sound mode (certus robustness' defaults). */
    static final String OBJECTIVE = "feasible";
    static final String MODE = "sound";

    /** The statuses, as in certus robustness. */
    public static final String MISCLASSIFIED = "misclassified";
    public static final String ROBUST = "robust";
    public static final String VULNERABLE = "vulnerable";
    public static final String TIMEOUT = "timeout";
    public static final String UNKNOWN = "unknown";
    public static final String ERROR = "error";
    static final List<String> STATUSES = List.of(MISCLASSIFIED, ROBUST, VULNERABLE, TIMEOUT, UNKNOWN, ERROR);

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build();

    public SampleRow {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status '" + status + "'");
        }
    }

    public List<String> fields() {
        return List.of(Integer.toString(sample), Integer.toString(label), Integer.toString(predicted), status, number(distortionLower),
                number(distortionUpper), String.format(Locale.ROOT, "%.3f", timeSeconds), Long.toString(nodes), network, dataset, eps, norm,
                perturbation, target, margin, timeLimit, OBJECTIVE, MODE, "", "");
    }

    public List<String> question() {
        return List.of(network, dataset, eps, norm, perturbation, target, margin, OBJECTIVE, MODE);
    }

    /** The row as one CSV line with its final newline. */
    public String csvLine() {
        return csvLine(fields());
    }

    static String csvLine(List<String> fields) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * Parses a part file or summary: the header, then rows.
     *
     * @throws IllegalArgumentException saying what is wrong (the caller adds where)
     */
    static List<SampleRow> parseTable(String text) {
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            List<CSVRecord> records = parser.getRecords();
            // Parts written before the margin columns (LEGACY_HEADER) are read as they are.
            if (records.isEmpty() || !(records.get(0).toList().equals(HEADER) || records.get(0).toList().equals(LEGACY_HEADER))) {
                throw new IllegalArgumentException("the header is not " + String.join(",", HEADER));
            }
            int columns = records.get(0).size();
            return records.subList(1, records.size()).stream().map(r -> of(r, columns)).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("not valid CSV (" + e.getMessage() + ")");
        }
    }

    private static SampleRow of(CSVRecord r, int columns) {
        if (r.size() != columns) {
            throw new IllegalArgumentException("line " + r.getRecordNumber() + ": expected " + columns + " fields, found " + r.size());
        }
        if (columns > LEGACY_HEADER.size() && !(r.get(18).isEmpty() && r.get(19).isEmpty())) {
            throw new IllegalArgumentException("line " + r.getRecordNumber() + ": has worst-margin bounds, which this job does not answer");
        }
        if (!OBJECTIVE.equals(r.get(16)) || !MODE.equals(r.get(17))) {
            throw new IllegalArgumentException("line " + r.getRecordNumber() + ": objective/mode " + r.get(16) + "/" + r.get(17)
                    + " is not what this job answers (" + OBJECTIVE + "/" + MODE + ")");
        }
        try {
            return new SampleRow(Integer.parseInt(r.get(0)), Integer.parseInt(r.get(1)), Integer.parseInt(r.get(2)), r.get(3),
                    parseNumber(r.get(4)), parseNumber(r.get(5)), Double.parseDouble(r.get(6)), Long.parseLong(r.get(7)), r.get(8), r.get(9),
                    r.get(10), r.get(11), r.get(12), r.get(13), r.get(14), r.get(15));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + r.getRecordNumber() + ": bad number (" + e.getMessage() + ")");
        }
    }

    /** As certus robustness: empty for NaN, inf/-inf, else the shortest round-tripping decimal. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    static double parseNumber(String s) {
        String t = s.strip();
        return t.isEmpty() ? Double.NaN : t.equals("inf") ? Double.POSITIVE_INFINITY : t.equals("-inf") ? Double.NEGATIVE_INFINITY
                : Double.parseDouble(t);
    }
}
