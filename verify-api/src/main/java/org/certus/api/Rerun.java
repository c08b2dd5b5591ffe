package org.certus.api;

import java.util.Locale;

/** MIPVerify's {@code solve_rerun_option}: which samples already in the summary a batch evaluation solves again. */
public enum Rerun {
    /** None: finished samples are skipped (the default). */
    NEVER,
    /** All of them. */
    ALWAYS,
    /** Those that ended in a timeout or unknown. */
    TIMEOUTS,
    /**
     * What {@link #TIMEOUTS} solves, plus closest and worst samples whose bounds are missing or further apart than
     * the question's tolerance.
     */
    UNPROVEN;

    /**
     * The word on the command line.
     *
     * @return never, always, timeouts or unproven
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a finished sample is solved again.
     *
     * @param done     its last row
     * @param question the question being asked (its objective and tolerance)
     * @return true to solve it again
     */
    public boolean solvesAgain(RobustnessRow done, RobustnessQuestion question) {
        return switch (this) {
            case NEVER -> false;
            case ALWAYS -> true;
            case TIMEOUTS -> done.status().undecided();
            case UNPROVEN -> done.status().undecided()
                    || (question.objective() == Objective.CLOSEST && unprovenDistortion(done, question.tolerance()))
                    || (question.objective() == Objective.WORST && unprovenMargin(done, question.tolerance()));
        };
    }

    /** A worst-margin row whose bounds are missing or further apart than the tolerance. */
    static boolean unprovenMargin(RobustnessRow row, double tolerance) {
        if (row.status() == RobustnessStatus.MISCLASSIFIED || row.status() == RobustnessStatus.ERROR) {
            return false;
        }
        double lo = row.marginLower();
        double hi = row.marginUpper();
        return Double.isNaN(lo) || Double.isNaN(hi) || hi - lo > tolerance;
    }

    /** A closest row whose distortion is not pinned down to the tolerance (no upper bound, or a gap wider than it). */
    static boolean unprovenDistortion(RobustnessRow row, double tolerance) {
        if (row.status() == RobustnessStatus.MISCLASSIFIED || row.status() == RobustnessStatus.ERROR) {
            return false;
        }
        double lo = row.distortionLower();
        double hi = row.distortionUpper();
        if (Double.isNaN(lo)) {
            return true;
        }
        if (Double.isNaN(hi)) {
            // No example at all: unproven unless the lower bound already covers the whole search
            // (robust within --eps); a robust row means the radius was proved, so nothing to refine.
            return row.status() != RobustnessStatus.ROBUST;
        }
        return hi - lo > tolerance;
    }
}
