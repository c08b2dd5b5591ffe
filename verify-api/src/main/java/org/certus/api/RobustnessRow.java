package org.certus.api;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * One line of {@code summary.csv}: the outcome for one sample. Distortions, margins and times are kept as
 * text-ready doubles; {@link Double#NaN} means "empty" (e.g. no upper bound for a robust sample). {@code objective}
 * is feasible, closest or worst, {@code mode} sound or fast (which arithmetic the verdict covers); both are part of
 * the question, so a summary never mixes them. {@code marginLower}/{@code marginUpper} are the worst objective's
 * bounds on the largest adversarial margin (empty for the other objectives). Immutable.
 *
 * @param sample          the sample's index in the dataset
 * @param label           its label
 * @param predicted       the clean prediction (−1 when unknown)
 * @param status          the outcome
 * @param distortionLower proven lower bound on the minimum distortion
 * @param distortionUpper distortion of the best example
 * @param timeSeconds     time taken
 * @param nodes           branch-and-bound nodes
 * @param network         the network's name
 * @param dataset         the dataset's name
 * @param eps             eps as written ({@link RobustnessQuestion#epsText()})
 * @param norm            inf, 1 or 2
 * @param perturbation    linf, unrestricted or blur:KxK, followed by {@code in RANGE} under {@code --input-range}
 * @param target          the targets as written ({@link RobustnessQuestion#targetText()})
 * @param margin          the margin as written
 * @param timeLimit       the time limit in seconds as written
 * @param objective       feasible, closest or worst
 * @param mode            sound or fast
 * @param marginLower     worst objective: lower bound on the largest adversarial margin
 * @param marginUpper     worst objective: upper bound on it
 */
public record RobustnessRow(int sample, int label, int predicted, RobustnessStatus status, double distortionLower,
        double distortionUpper, double timeSeconds, long nodes, String network, String dataset, String eps, String norm,
        String perturbation, String target, String margin, String timeLimit, String objective, String mode, double marginLower,
        double marginUpper) {

    /** The columns before the worst objective's margin columns: summaries written before them have this header. */
    public static final List<String> LEGACY_HEADER = List.of("sample", "label", "predicted", "status", "distortion_lower",
            "distortion_upper", "time_s", "nodes", "network", "dataset", "eps", "norm", "perturbation", "target", "margin", "time_limit",
            "objective", "mode");

    /** The columns of {@code summary.csv}. */
    public static final List<String> HEADER = concat(LEGACY_HEADER, List.of("margin_lower", "margin_upper"));

    /** Records end with a bare newline, whatever the platform. */
    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build();

    /**
     * The row of a sample's result, with the question's columns.
     *
     * @param sample   the sample's index
     * @param r        its result
     * @param question the question asked
     * @param network  the network's name
     * @param dataset  the dataset's name
     * @return the row
     */
    public static RobustnessRow of(int sample, RobustnessResult r, RobustnessQuestion question, String network, String dataset) {
        return new RobustnessRow(sample, r.label(), r.predicted(), r.status(), r.distortionLower(), r.distortionUpper(), r.seconds(),
                r.nodes(), network, dataset, question.epsText(), question.normText(), question.perturbationText(), question.targetText(),
                number(question.margin()), number(question.timeLimitSeconds()), question.objective().word(), question.mode(),
                r.marginLower(), r.marginUpper());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * The fields in {@link #HEADER} order, as written to the file.
     *
     * @return the fields
     */
    public List<String> fields() {
        return concat(legacyFields(), List.of(number(marginLower), number(marginUpper)));
    }

    /**
     * The fields in {@link #LEGACY_HEADER} order (appending to a summary of that format).
     *
     * @return the fields without the margin columns
     */
    public List<String> legacyFields() {
        return List.of(Integer.toString(sample), Integer.toString(label), Integer.toString(predicted), status.label(),
                number(distortionLower), number(distortionUpper), String.format(Locale.ROOT, "%.3f", timeSeconds),
                Long.toString(nodes), network, dataset, eps, norm, perturbation, target, margin, timeLimit, objective, mode);
    }

    /**
     * The columns that define the question asked; rows of one summary must agree on them.
     *
     * @return network, dataset, eps, norm, perturbation, target, margin, objective, mode
     */
    public List<String> question() {
        return List.of(network, dataset, eps, norm, perturbation, target, margin, objective, mode);
    }

    /**
     * The row as one CSV line, with its newline.
     *
     * @return the line
     */
    public String csvLine() {
        return csvLine(fields());
    }

    /**
     * Fields as one CSV line, with its newline.
     *
     * @param fields the fields
     * @return the line
     */
    public static String csvLine(List<String> fields) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * A number as {@code summary.csv} writes it: empty for NaN, {@code inf}/{@code -inf}, else the shortest decimal that
     * reads back as the same double (distances must round-trip).
     *
     * @param v the number
     * @return its text
     */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    /**
     * A number as {@link #number(double)} writes it.
     *
     * @param s the text
     * @return the number (NaN for empty)
     * @throws NumberFormatException when it is none
     */
    public static double parseNumber(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return Double.NaN;
        }
        if (t.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (t.equals("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        double v = Double.parseDouble(t);
        if (Double.isNaN(v)) {
            throw new NumberFormatException("NaN is not a value: '" + s + "'");
        }
        return v;
    }

    /**
     * Parses a summary's text: its header ({@link #HEADER}, or {@link #LEGACY_HEADER} of older summaries), then rows, one
     * record per physical line (no field the library writes contains a line break).
     *
     * @param text the file's text
     * @return the rows, in file order
     * @throws IllegalArgumentException saying what is wrong, with its line number (the caller adds which file)
     */
    public static List<RobustnessRow> parse(String text) {
        List<RobustnessRow> rows = new ArrayList<>();
        int columns = HEADER.size();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            for (CSVRecord r : parser) {
                long line = r.getRecordNumber();
                if (line == 1) {
                    // Summaries written before the worst objective's margin columns are read as they are.
                    if (r.toList().equals(LEGACY_HEADER)) {
                        columns = LEGACY_HEADER.size();
                    } else if (!r.toList().equals(HEADER)) {
                        throw new IllegalArgumentException("line 1: the header is not " + String.join(",", HEADER)
                                + " (nor the older one without margin_lower,margin_upper)");
                    }
                    continue;
                }
                try {
                    rows.add(of(r, columns));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // commons-csv reports syntax errors (e.g. an unclosed quote) this way
            Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            throw new IllegalArgumentException("not valid CSV: " + Messages.oneLine(cause.getMessage()), e);
        }
        return rows;
    }

    private static RobustnessRow of(CSVRecord r, int columns) {
        if (r.size() != columns) {
            throw new IllegalArgumentException("expected " + columns + " fields, found " + r.size());
        }
        try {
            int sample = Integer.parseInt(r.get(0));
            if (sample < 0) {
                throw new IllegalArgumentException("negative sample index " + sample);
            }
            return new RobustnessRow(sample, Integer.parseInt(r.get(1)), Integer.parseInt(r.get(2)), RobustnessStatus.parse(r.get(3)),
                    parseNumber(r.get(4)), parseNumber(r.get(5)), Double.parseDouble(r.get(6)), Long.parseLong(r.get(7)), r.get(8), r.get(9),
                    r.get(10), r.get(11), r.get(12), r.get(13), r.get(14), r.get(15), r.get(16), r.get(17),
                    columns > 18 ? parseNumber(r.get(18)) : Double.NaN, columns > 19 ? parseNumber(r.get(19)) : Double.NaN);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number (" + e.getMessage() + ")");
        }
    }
}
