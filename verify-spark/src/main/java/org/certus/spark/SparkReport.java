package org.certus.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The report table of a run, with the same rows and counts as {@code certus robustness}'s
 * (org.certus.cli.RobustnessReport, package-private): MIPVerify's adversarial error bounds, lower =
 * misclassified + vulnerable, upper = lower + timeout + unknown + error; times over solved samples
 * (every sample except misclassified ones).
 */
public record SparkReport(int samples, int misclassified, int robust, int vulnerable, int timeout, int unknown, int errors, double meanSolvedSeconds,
        double medianSolvedSeconds, double totalSeconds, int solved) {

    public static SparkReport of(Collection<SampleRow> rows) {
        int[] c = new int[SampleRow.STATUSES.size()];
        List<Double> solved = new ArrayList<>();
        double total = 0;
        for (SampleRow r : rows) {
            c[SampleRow.STATUSES.indexOf(r.status())]++;
            total += r.timeSeconds();
            if (!r.status().equals(SampleRow.MISCLASSIFIED)) {
                solved.add(r.timeSeconds());
            }
        }
        double[] t = solved.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = t.length == 0 ? Double.NaN : Arrays.stream(t).sum() / t.length;
        double median = t.length == 0 ? Double.NaN : t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
        return new SparkReport(rows.size(), c[0], c[1], c[2], c[3], c[4], c[5], mean, median, total, t.length);
    }

    public int lowerErrors() {
        return misclassified + vulnerable;
    }

    public int upperErrors() {
        return lowerErrors() + timeout + unknown + errors;
    }

    /** Markdown lines; {@code options} and {@code wallSeconds} describe this invocation. */
    public List<String> table(String options, double wallSeconds) {
        List<String> l = new ArrayList<>();
        l.add("| | |");
        l.add("|---|---|");
        l.add("| samples | " + samples + " |");
        l.add("| clean errors (misclassified) | " + withPercent(misclassified) + " |");
        l.add("| proven robust | " + withPercent(robust) + " |");
        l.add("| vulnerable | " + withPercent(vulnerable) + " |");
        l.add("| timeouts | " + timeout + " |");
        l.add("| unknown | " + unknown + " |");
        l.add("| errors | " + errors + " |");
        l.add("| adversarial error, lower bound | " + percent(lowerErrors()) + " (" + lowerErrors() + "/" + samples + ") |");
        l.add("| adversarial error, upper bound | " + percent(upperErrors()) + " (" + upperErrors() + "/" + samples + ") |");
        // "Attempted": handed to the verifier, whatever the outcome; a timeout is attempted, not solved.
        l.add("| mean time per attempted sample | " + seconds(meanSolvedSeconds) + " (" + solved + " attempted, " + (robust + vulnerable)
                + " decided) |");
        l.add("| median time per attempted sample | " + seconds(medianSolvedSeconds) + " |");
        l.add("| total time (sum over samples) | " + seconds(totalSeconds) + " |");
        l.add("| wall time of this run | " + seconds(wallSeconds) + " |");
        l.add("| options | " + options.replace("|", "\\|") + " |");
        return l;
    }

    private String withPercent(int n) {
        return n + " (" + percent(n) + ")";
    }

    private String percent(int n) {
        return samples == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100.0 * n / samples);
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.3f s", s);
    }
}
