package org.certus.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Counts and times over the rows of a results file: per answer, total and median time (over all rows
 * and over solved ones, the figure VNN-COMP reports), and, with known answers, correct and wrong.
 */
public record VnncompSummary(int instances, int sat, int unsat, int timeout, int unknown, int error,
                             double totalSeconds, double medianSeconds, double medianSolvedSeconds, double maxSolvedSeconds,
                             int withAnswer, int correct, List<VnncompResults.Row> wrong) {

    public static VnncompSummary of(Collection<VnncompResults.Row> rows, VnncompExpected expected) {
        int sat = 0, unsat = 0, timeout = 0, unknown = 0, error = 0, withAnswer = 0, correct = 0;
        double total = 0;
        double[] all = new double[rows.size()];
        List<Double> solved = new ArrayList<>();
        List<VnncompResults.Row> wrong = new ArrayList<>();
        int i = 0;
        for (VnncompResults.Row r : rows) {
            switch (r.result()) {
                case VnnlibResult.SAT -> sat++;
                case VnnlibResult.UNSAT -> unsat++;
                case VnnlibResult.TIMEOUT -> timeout++;
                case VnnlibResult.UNKNOWN -> unknown++;
                default -> error++;
            }
            total += r.seconds();
            all[i++] = r.seconds();
            boolean isSolved = r.result().equals(VnnlibResult.SAT) || r.result().equals(VnnlibResult.UNSAT);
            if (isSolved) {
                solved.add(r.seconds());
            }
            if (expected != null && expected.answer(r.onnx(), r.vnnlib()).isPresent()) {
                withAnswer++;
                if (expected.isWrong(r.onnx(), r.vnnlib(), r.result())) {
                    wrong.add(r);
                } else if (isSolved) {
                    correct++;
                }
            }
        }
        double[] s = solved.stream().mapToDouble(Double::doubleValue).toArray();
        return new VnncompSummary(rows.size(), sat, unsat, timeout, unknown, error, total, median(all), median(s),
                Arrays.stream(s).max().orElse(Double.NaN), withAnswer, correct, List.copyOf(wrong));
    }

    public int solved() {
        return sat + unsat;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }

    /** The summary table; {@code expectedKnown} adds the correct/wrong lines. */
    public void print(PrintWriter out, boolean expectedKnown, VnncompExpected expected) {
        out.println("summary:");
        out.printf(Locale.ROOT, "  %-9s %6s%n", "result", "count");
        out.printf(Locale.ROOT, "  %-9s %6d%n", "sat", sat);
        out.printf(Locale.ROOT, "  %-9s %6d%n", "unsat", unsat);
        out.printf(Locale.ROOT, "  %-9s %6d%n", "timeout", timeout);
        out.printf(Locale.ROOT, "  %-9s %6d%n", "unknown", unknown);
        out.printf(Locale.ROOT, "  %-9s %6d%n", "error", error);
        out.printf(Locale.ROOT, "  %-9s %6d%n", "total", instances);
        out.println(timesLine());
        if (expectedKnown) {
            out.printf(Locale.ROOT, "  vs expected answers: %d with a known answer, %d correct, %d WRONG%n",
                    withAnswer, correct, wrong.size());
            for (VnncompResults.Row r : wrong) {
                out.println(wrongLine(r, expected));
            }
        }
        out.flush();
    }

    /** The solved count and times; medians of no rows are left out rather than printed as NaN. */
    String timesLine() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  solved %d/%d; time: total %.1f s", solved(), instances, totalSeconds));
        if (instances > 0) {
            b.append(String.format(Locale.ROOT, ", median %.2f s", medianSeconds));
        }
        b.append(solved() > 0
                ? String.format(Locale.ROOT, "; solved instances: median %.2f s, max %.2f s", medianSolvedSeconds, maxSolvedSeconds)
                : "; no instance solved");
        return b.toString();
    }

    static String wrongLine(VnncompResults.Row r, VnncompExpected expected) {
        return "WRONG ANSWER: " + r.onnx() + " " + r.vnnlib() + ": got " + r.result() + ", expected "
                + expected.answer(r.onnx(), r.vnnlib()).orElse("?");
    }
}
