package org.certus.bnb;

import java.util.Optional;

/**
 * The result of a verification query: a status, the counterexample for {@link VerdictStatus#FALSIFIED},
 * and the proven lower bound on the violation margin ({@code > 0} proves the property) for the
 * others. Immutable.
 */
public final class Verdict {
    private final VerdictStatus status;
    private final Counterexample counterexample;
    private final double provenMarginLowerBound;
    private final SearchStatistics statistics;

    private Verdict(VerdictStatus status, Counterexample counterexample, double bound, SearchStatistics statistics) {
        this.status = status;
        this.counterexample = counterexample;
        this.provenMarginLowerBound = bound;
        this.statistics = statistics;
    }

    public static Verdict verified(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.VERIFIED, null, bound, stats);
    }

    public static Verdict falsified(Counterexample ce, SearchStatistics stats) {
        return new Verdict(VerdictStatus.FALSIFIED, ce, Double.NEGATIVE_INFINITY, stats);
    }

    public static Verdict timeout(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.TIMEOUT, null, bound, stats);
    }

    public static Verdict unknown(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.UNKNOWN, null, bound, stats);
    }

    public VerdictStatus status() {
        return status;
    }

    public Optional<Counterexample> counterexample() {
        return Optional.ofNullable(counterexample);
    }

    /** A proven lower bound on the smallest violation margin over the region (−∞ if none). */
    public double provenMarginLowerBound() {
        return provenMarginLowerBound;
    }

    public SearchStatistics statistics() {
        return statistics;
    }

    /** The same verdict with other statistics (used when combining the cases of one property). */
    public Verdict withCombinedStatistics(SearchStatistics s) {
        return new Verdict(status, counterexample, provenMarginLowerBound, s);
    }

    @Override
    public String toString() {
        return status + (counterexample != null ? " (margin " + counterexample.margin() + ")" : " (bound " + provenMarginLowerBound + ")")
                + " " + statistics;
    }
}
