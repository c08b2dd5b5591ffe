package org.certus.cli;

/**
 * The outcome of one sample of {@code certus robustness}, as written in the {@code status} column.
 * TIMEOUT and UNKNOWN of the engine stay apart: a timeout may go away with more time, an unknown
 * (the search ended without a decision) is worth looking at.
 */
enum RobustnessStatus {
    /** The clean image is already classified wrongly; not solved (unless --solve-misclassified). */
    MISCLASSIFIED,
    /** Proved: no input in the region reaches a target class. */
    ROBUST,
    /** An adversarial example was found and re-checked by the command itself. */
    VULNERABLE,
    /** The time limit was reached first. */
    TIMEOUT,
    /** The search ended without a proof or an example. */
    UNKNOWN,
    /** An exception, or a counterexample that failed the command's own re-check (a bug); see errors.log. */
    ERROR;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static RobustnessStatus parse(String s) {
        for (RobustnessStatus v : values()) {
            if (v.label().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown status '" + s + "'");
    }

    /** Whether --rerun timeouts solves the sample again. */
    boolean undecided() {
        return this == TIMEOUT || this == UNKNOWN;
    }
}
