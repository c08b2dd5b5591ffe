package org.certus.cli;

import java.util.List;
import java.util.Locale;

/**
 * One line of {@code summary.csv}: the outcome for one sample. Distortions, margins and times are
 * kept as text-ready doubles; {@link Double#NaN} means "empty" (e.g. no upper bound for a robust
 * sample). {@code objective} is feasible, closest or worst, {@code mode} sound or fast (which
 * arithmetic the verdict covers); both are part of the question, so a summary never mixes them.
 * {@code marginLower}/{@code marginUpper} are the worst objective's bounds on the largest
 * adversarial margin (empty for the other objectives).
 */
record RobustnessRow(int sample, int label, int predicted, RobustnessStatus status, double distortionLower,
        double distortionUpper, double timeSeconds, long nodes, String network, String dataset, String eps, String norm,
        String perturbation, String target, String margin, String timeLimit, String objective, String mode, double marginLower,
        double marginUpper) {

    /** The columns before the worst objective's margin columns: summaries written before them have this header. */
    static final List<String> LEGACY_HEADER = List.of("sample", "label", "predicted", "status", "distortion_lower", "distortion_upper",
            "time_s", "nodes", "network", "dataset", "eps", "norm", "perturbation", "target", "margin", "time_limit",
            "objective", "mode");

    static final List<String> HEADER = concat(LEGACY_HEADER, List.of("margin_lower", "margin_upper"));

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** The fields in {@link #HEADER} order, as written to the file. */
    List<String> fields() {
        return concat(legacyFields(), List.of(number(marginLower), number(marginUpper)));
    }

    /** The fields in {@link #LEGACY_HEADER} order (appending to a summary of that format). */
    List<String> legacyFields() {
        return List.of(Integer.toString(sample), Integer.toString(label), Integer.toString(predicted), status.label(),
                number(distortionLower), number(distortionUpper), String.format(Locale.ROOT, "%.3f", timeSeconds),
                Long.toString(nodes), network, dataset, eps, norm, perturbation, target, margin, timeLimit, objective, mode);
    }

    /** The columns that define the question asked; rows of one summary must agree on them. */
    List<String> question() {
        return List.of(network, dataset, eps, norm, perturbation, target, margin, objective, mode);
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        // Shortest representation that reads back to the same double: distances must round-trip.
        return Double.toString(v);
    }

    static double parseNumber(String s) {
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
}
