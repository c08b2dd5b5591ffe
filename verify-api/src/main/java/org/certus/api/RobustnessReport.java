package org.certus.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary table of a batch evaluation, computed from the last row of each sample in the requested range (a
 * sample solved twice counts once). Immutable.
 *
 * <p>Adversarial error bounds follow MIPVerify: the lower bound counts samples known to be wrong on some input of
 * the region (misclassified or vulnerable); the upper bound adds every sample not proved robust (timeouts, unknowns
 * and errors might all be vulnerable).
 *
 * @param samples             rows counted
 * @param counts              rows per status
 * @param meanSolvedSeconds   mean time of the samples handed to the verifier (all but misclassified)
 * @param medianSolvedSeconds their median time
 * @param totalSeconds        sum of all rows' times
 * @param solved              samples handed to the verifier
 * @param closest             whether the rows answer the closest objective
 * @param withExample         closest: rows with an example (finite distortion bounds)
 * @param meanDistortionLower closest: mean lower bound on the minimum distortion over those rows
 * @param meanDistortionUpper closest: mean upper bound
 * @param worst               whether the rows answer the worst objective
 * @param withMargin          worst: rows with margin bounds
 * @param meanMarginLower     worst: mean lower bound on the largest margin
 * @param meanMarginUpper     worst: mean upper bound
 */
public record RobustnessReport(int samples, Map<RobustnessStatus, Integer> counts, double meanSolvedSeconds,
        double medianSolvedSeconds, double totalSeconds, int solved, boolean closest, int withExample, double meanDistortionLower,
        double meanDistortionUpper, boolean worst, int withMargin, double meanMarginLower, double meanMarginUpper) {

    /**
     * The report of these rows.
     *
     * @param rows the last row of each sample
     * @return the report
     */
    public static RobustnessReport of(Collection<RobustnessRow> rows) {
        Map<RobustnessStatus, Integer> counts = new EnumMap<>(RobustnessStatus.class);
        for (RobustnessStatus s : RobustnessStatus.values()) {
            counts.put(s, 0);
        }
        List<Double> solvedTimes = new ArrayList<>();
        double total = 0;
        boolean closest = false;
        int withExample = 0;
        double sumLower = 0, sumUpper = 0;
        boolean worst = false;
        int withMargin = 0;
        double sumMarginLower = 0, sumMarginUpper = 0;
        for (RobustnessRow r : rows) {
            if ("worst".equals(r.objective())) {
                worst = true;
                // Every solved sample has bounds on its largest margin; the means of the bounds bound the mean.
                if (!Double.isNaN(r.marginUpper()) && r.status() != RobustnessStatus.ERROR) {
                    withMargin++;
                    sumMarginLower += r.marginLower();
                    sumMarginUpper += r.marginUpper();
                }
            }
            if ("closest".equals(r.objective())) {
                closest = true;
                // Samples with an example (vulnerable, or a timeout that found one) have finite bounds
                // on their minimum distortion, so the means of the bounds bound the mean.
                if (Double.isFinite(r.distortionUpper()) && r.status() != RobustnessStatus.ERROR) {
                    withExample++;
                    sumLower += r.distortionLower();
                    sumUpper += r.distortionUpper();
                }
            }
            counts.merge(r.status(), 1, Integer::sum);
            total += r.timeSeconds();
            // "Solved" means handed to the verifier: misclassified samples cost only a forward pass
            // and would make the verifier look faster than it is.
            if (r.status() != RobustnessStatus.MISCLASSIFIED) {
                solvedTimes.add(r.timeSeconds());
            }
        }
        double[] t = solvedTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = t.length == 0 ? Double.NaN : Arrays.stream(t).sum() / t.length;
        double median = t.length == 0 ? Double.NaN
                : t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
        return new RobustnessReport(rows.size(), counts, mean, median, total, t.length, closest, withExample,
                withExample == 0 ? Double.NaN : sumLower / withExample, withExample == 0 ? Double.NaN : sumUpper / withExample, worst,
                withMargin, withMargin == 0 ? Double.NaN : sumMarginLower / withMargin, withMargin == 0 ? Double.NaN : sumMarginUpper / withMargin);
    }

    /**
     * Rows of a status.
     *
     * @param s the status
     * @return how many
     */
    public int count(RobustnessStatus s) {
        return counts.get(s);
    }

    /**
     * MIPVerify's lower bound on the adversarial error: misclassified plus vulnerable.
     *
     * @return samples known to be wrong somewhere in their region
     */
    public int lowerErrors() {
        return count(RobustnessStatus.MISCLASSIFIED) + count(RobustnessStatus.VULNERABLE);
    }

    /**
     * MIPVerify's upper bound on the adversarial error: every sample not proved robust.
     *
     * @return samples that might be wrong somewhere in their region
     */
    public int upperErrors() {
        return lowerErrors() + count(RobustnessStatus.TIMEOUT) + count(RobustnessStatus.UNKNOWN) + count(RobustnessStatus.ERROR);
    }

    /**
     * The table as Markdown lines.
     *
     * @param options     the run's options, in words
     * @param wallSeconds the run's wall time
     * @return the lines
     */
    public List<String> table(String options, double wallSeconds) {
        List<String> l = new ArrayList<>();
        l.add("| | |");
        l.add("|---|---|");
        l.add("| samples | " + samples + " |");
        l.add("| clean errors (misclassified) | " + withPercent(count(RobustnessStatus.MISCLASSIFIED)) + " |");
        l.add("| proven robust | " + withPercent(count(RobustnessStatus.ROBUST)) + " |");
        l.add("| vulnerable | " + withPercent(count(RobustnessStatus.VULNERABLE)) + " |");
        l.add("| timeouts | " + count(RobustnessStatus.TIMEOUT) + " |");
        l.add("| unknown | " + count(RobustnessStatus.UNKNOWN) + " |");
        l.add("| errors | " + count(RobustnessStatus.ERROR) + " |");
        l.add("| adversarial error, lower bound | " + percent(lowerErrors()) + " (" + lowerErrors() + "/" + samples + ") |");
        l.add("| adversarial error, upper bound | " + percent(upperErrors()) + " (" + upperErrors() + "/" + samples + ") |");
        if (closest) {
            l.add("| mean minimum distortion, lower bound | " + distortion(meanDistortionLower) + " (" + withExample
                    + " samples with an example) |");
            l.add("| mean minimum distortion, upper bound | " + distortion(meanDistortionUpper) + " |");
        }
        if (worst) {
            l.add("| mean worst margin, lower bound | " + distortion(meanMarginLower) + " (" + withMargin + " samples with bounds) |");
            l.add("| mean worst margin, upper bound | " + distortion(meanMarginUpper) + " |");
        }
        // "Attempted": handed to the verifier, whatever the outcome; a timeout is attempted, not solved.
        int decided = count(RobustnessStatus.ROBUST) + count(RobustnessStatus.VULNERABLE);
        l.add("| mean time per attempted sample | " + seconds(meanSolvedSeconds) + " (" + solved + " attempted, " + decided + " decided) |");
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

    private static String distortion(double d) {
        return Double.isNaN(d) ? "n/a" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.6f", d);
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.3f s", s);
    }
}
