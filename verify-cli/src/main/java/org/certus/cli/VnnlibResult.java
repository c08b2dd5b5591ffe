package org.certus.cli;

import java.util.Arrays;
import java.math.BigDecimal;

/**
 * The answer to one VNN-COMP instance, in the competition's words: {@code sat} (with a re-checked
 * counterexample), {@code unsat}, {@code timeout}, {@code unknown} or {@code error}. Immutable.
 */
public record VnnlibResult(String word, double[] input, double[] output, double seconds, long nodes) {
    public static final String SAT = "sat";
    public static final String UNSAT = "unsat";
    public static final String TIMEOUT = "timeout";
    public static final String UNKNOWN = "unknown";
    public static final String ERROR = "error";

    public VnnlibResult {
        input = input == null ? null : input.clone();
        output = output == null ? null : output.clone();
        if (SAT.equals(word) && (input == null || output == null)) {
            throw new IllegalStateException("a sat result needs its counterexample");
        }
    }

    public static VnnlibResult error(double seconds) {
        return new VnnlibResult(ERROR, null, null, seconds, 0);
    }

    /**
     * The competition's result file: the word, then for {@code sat} the witness
     * {@code ((X_0 v)\n (X_1 v)\n ... (Y_0 v)\n ...)}, one pair a line. Values are written as plain
     * decimals with the shortest digits that read back as the same double (no exponent, which some
     * VNN-COMP checkers do not accept).
     */
    public String resultFileText() {
        StringBuilder sb = new StringBuilder(word).append('\n');
        if (SAT.equals(word)) {
            sb.append('(');
            for (int i = 0; i < input.length; i++) {
                sb.append(i == 0 ? "(" : " (").append("X_").append(i).append(' ').append(plain(input[i])).append(")\n");
            }
            for (int j = 0; j < output.length; j++) {
                sb.append(" (Y_").append(j).append(' ').append(plain(output[j])).append(')');
                sb.append(j == output.length - 1 ? ")\n" : "\n");
            }
        }
        return sb.toString();
    }

    /** Exact round trip: {@code Double.parseDouble(plain(v)) == v} for every finite v. */
    static String plain(double v) {
        if (v == 0.0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        String s = new BigDecimal(Double.toString(v)).toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    @Override
    public String toString() {
        return "VnnlibResult[word=" + word + ", input=" + Arrays.toString(input) + ", output=" + Arrays.toString(output) + ", seconds="
                + seconds + ", nodes=" + nodes + "]";
    }
}
