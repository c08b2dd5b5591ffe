package org.certus.api;

/**
 * The outcome of one sample's robustness question, as written in the {@code status} column of {@code summary.csv}.
 * TIMEOUT and UNKNOWN of the engine stay apart: a timeout may go away with more time, an unknown
 * (the search ended without a decision) is worth looking at.
 */
public enum RobustnessStatus {
    /** The clean image is already classified wrongly; not solved (unless the question solves misclassified samples). */
    MISCLASSIFIED,
    /** Proved: no input in the region reaches a target class. */
    ROBUST,
    /** An adversarial example was found and re-checked by the library itself, independently of the search. */
    VULNERABLE,
    /** The time limit was reached first. */
    TIMEOUT,
    /** The search ended without a proof or an example. */
    UNKNOWN,
    /** An exception, or a counterexample that failed the library's own re-check (a bug); see errors.log. */
    ERROR;

    /**
     * The status as written in {@code summary.csv}.
     *
     * @return the name in lower case
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The status of a label.
     *
     * @param s a label, as {@link #label()} writes it
     * @return the status
     * @throws IllegalArgumentException for an unknown label
     */
    public static RobustnessStatus parse(String s) {
        for (RobustnessStatus v : values()) {
            if (v.label().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown status '" + s + "'");
    }

    /**
     * Whether more time might decide the sample ({@link Rerun#TIMEOUTS} solves it again).
     *
     * @return true for timeout and unknown
     */
    public boolean undecided() {
        return this == TIMEOUT || this == UNKNOWN;
    }
}
