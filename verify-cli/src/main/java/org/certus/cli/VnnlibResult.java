package org.certus.cli;

import java.util.Arrays;
import java.math.BigDecimal;

/**
 * The answer to one VNN-COMP instance, in the competition's words: {@code sat} (with a re-checked
 * counterexample), {@code unsat}, {@code timeout}, {@code unknown} or {@code error}. Immutable.
 *
 * @param word        the answer
 * @param input       the counterexample's input ({@code sat} only, else null)
 * @param output      the network's outputs there ({@code sat} only, else null)
 * @param seconds     time taken
 * @param nodes       branch-and-bound nodes
 * @param provenBound the proven lower bound on the property's violation margin over its region ({@code > 0}
 *                    proves {@code unsat}; for {@code timeout} and {@code unknown} how close the search came);
 *                    NaN when there is none ({@code sat}, {@code error}, a search that did not return)
 */
public record VnnlibResult(String word, double[] input, double[] output, double seconds, long nodes, double provenBound) {
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

    /** An answer without a proven bound. */
    public VnnlibResult(String word, double[] input, double[] output, double seconds, long nodes) {
        this(word, input, output, seconds, nodes, Double.NaN);
    }

    public static VnnlibResult error(double seconds) {
        return new VnnlibResult(ERROR, null, null, seconds, 0);
    }

    /** Whether {@link #provenBound} holds a number worth reporting. */
    public boolean hasProvenBound() {
        return !Double.isNaN(provenBound);
    }

    /**
     * The competition's result file: the word, then for {@code sat} the witness
     * {@code ((X_0 v)\n (X_1 v)\n ... (Y_0 v)\n ...)}, one pair a line. Values are written as plain
     * decimals with the shortest digits that read back as the same double (no exponent, which some
     * VNN-COMP checkers do not accept).
     */
    public String resultFileText() {
        return word + "\n" + (SAT.equals(word) ? witnessText() : "");
    }

    /**
     * The counterexample alone, {@code ((X_0 v)\n (X_1 v)\n ... (Y_0 v)\n ...)}, as VNN-COMP's
     * {@code .counterexample} files hold it; {@code sat} only.
     */
    public String witnessText() {
        if (!SAT.equals(word)) {
            throw new IllegalStateException("only a sat result has a counterexample");
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < input.length; i++) {
            sb.append(i == 0 ? "(" : " (").append("X_").append(i).append(' ').append(plain(input[i])).append(")\n");
        }
        for (int j = 0; j < output.length; j++) {
            sb.append(" (Y_").append(j).append(' ').append(plain(output[j])).append(')');
            sb.append(j == output.length - 1 ? ")\n" : "\n");
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
                + seconds + ", nodes=" + nodes + ", provenBound=" + provenBound + "]";
    }
}
