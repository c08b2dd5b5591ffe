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

    /**
     * The property is proved.
     *
     * @param bound the proven lower bound on the violation margin ({@code > 0})
     * @param stats what the search did
     * @return a {@link VerdictStatus#VERIFIED} verdict
     */
    public static Verdict verified(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.VERIFIED, null, bound, stats);
    }

    /**
     * A checked counterexample was found.
     *
     * @param ce    the counterexample
     * @param stats what the search did
     * @return a {@link VerdictStatus#FALSIFIED} verdict
     */
    public static Verdict falsified(Counterexample ce, SearchStatistics stats) {
        return new Verdict(VerdictStatus.FALSIFIED, ce, Double.NEGATIVE_INFINITY, stats);
    }

    /**
     * A time or node limit ended the search first.
     *
     * @param bound the proven lower bound on the violation margin when the search stopped
     * @param stats what the search did
     * @return a {@link VerdictStatus#TIMEOUT} verdict
     */
    public static Verdict timeout(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.TIMEOUT, null, bound, stats);
    }

    /**
     * The search ended undecided (cancelled, or a leaf it could not decide).
     *
     * @param bound the proven lower bound on the violation margin
     * @param stats what the search did
     * @return an {@link VerdictStatus#UNKNOWN} verdict
     */
    public static Verdict unknown(double bound, SearchStatistics stats) {
        return new Verdict(VerdictStatus.UNKNOWN, null, bound, stats);
    }

    /**
     * The answer.
     *
     * @return verified, falsified, timeout or unknown
     */
    public VerdictStatus status() {
        return status;
    }

    /**
     * The counterexample of a {@link VerdictStatus#FALSIFIED} verdict.
     *
     * @return the counterexample, or empty for every other status
     */
    public Optional<Counterexample> counterexample() {
        return Optional.ofNullable(counterexample);
    }

    /**
     * A proven lower bound on the smallest violation margin over the region: {@code > 0} proves the
     * property; for a timeout or an unknown verdict it tells how close the search came.
     *
     * @return the bound, or −∞ when nothing was proved (always for a falsified verdict)
     */
    public double provenMarginLowerBound() {
        return provenMarginLowerBound;
    }

    /**
     * What the search did.
     *
     * @return nodes, LPs, depth, bounds and times
     */
    public SearchStatistics statistics() {
        return statistics;
    }

    /**
     * The same verdict with other statistics (used when combining the cases of one property).
     *
     * @param s the statistics to carry
     * @return a copy of this verdict with {@code s}
     */
    public Verdict withCombinedStatistics(SearchStatistics s) {
        return new Verdict(status, counterexample, provenMarginLowerBound, s);
    }

    @Override
    public String toString() {
        return status + (counterexample != null ? " (margin " + counterexample.margin() + ")" : " (bound " + provenMarginLowerBound + ")")
                + " " + statistics;
    }
}
