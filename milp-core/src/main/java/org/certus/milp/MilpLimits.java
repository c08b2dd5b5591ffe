package org.certus.milp;

import java.time.Duration;

/**
 * When a {@link BinaryBranchAndBound} search may stop.
 *
 * @param timeLimit     wall time of one search; each LP solve is limited to it as well (0 = none)
 * @param nodeLimit     LP solves (nodes) of one search
 * @param absoluteGap   a node whose proven bound is within this of the incumbent is closed, except
 *                      when the incumbent is on the good side of the threshold and the node's bound is
 *                      not: then only the search can tell which side the optimum is on
 * @param threshold     stop as soon as the proven bound is at least this good (at most it when
 *                      maximising, at least it when minimising); {@link #NO_THRESHOLD} (NaN) for never.
 *                      Bound tightening uses 0: a pre-activation proved {@code <= 0} needs no better bound
 */
public record MilpLimits(Duration timeLimit, long nodeLimit, double absoluteGap, double threshold) {

    /** Gap below which the search counts the optimum as found; far below any bound that matters for ReLU bounds. */
    public static final double DEFAULT_ABSOLUTE_GAP = 1e-6;

    public MilpLimits {
        if (timeLimit == null || timeLimit.isNegative()) {
            throw new MilpException("MILP time limit must be >= 0, got " + timeLimit);
        }
        if (nodeLimit < 1) {
            throw new MilpException("MILP node limit must be >= 1, got " + nodeLimit);
        }
        if (!(absoluteGap >= 0) || Double.isInfinite(absoluteGap)) {
            throw new MilpException("MILP gap must be finite and >= 0, got " + absoluteGap);
        }
    }

    /** A time limit only, default gap, no threshold. */
    public static MilpLimits of(Duration timeLimit) {
        return new MilpLimits(timeLimit, Long.MAX_VALUE, DEFAULT_ABSOLUTE_GAP, NO_THRESHOLD);
    }

    /** Threshold meaning "never stop early", whatever the sense. */
    public static final double NO_THRESHOLD = Double.NaN;

    public MilpLimits withNodeLimit(long n) {
        return new MilpLimits(timeLimit, n, absoluteGap, threshold);
    }

    public MilpLimits withThreshold(double t) {
        return new MilpLimits(timeLimit, nodeLimit, absoluteGap, t);
    }
}
