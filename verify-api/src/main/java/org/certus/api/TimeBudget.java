package org.certus.api;

import java.time.Duration;

/**
 * The one place where the library cuts a time limit up: the staged strategy's stages, the share of the root
 * tightening, the cases of a property, and the watchdog's grace. The engine receives each search's share as its
 * {@link org.certus.bnb.SearchOptions#timeLimit()} (and the root tightening's as its budget) and honours it
 * itself; nothing else in the library or the front ends divides time.
 */
final class TimeBudget {
    /**
     * Extra wall-clock time beyond the limit before the watchdog cancels the search; the search honours its limit
     * itself, the watchdog is there in case some phase does not poll it.
     */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);
    /** After a cancel, how long to wait for the search to return before giving up on it. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    /**
     * Cheap bounds first: a search on the symbolic bounds alone gets this share of the time (at most
     * {@link #QUICK_STAGE_MAX}) before the root tightening starts. Most mnist_fc instances need no tightening
     * (256x2 prop_10_0.05: 557 nodes in 2.8 s), and with a 5 s limit per neuron the tightening alone could take
     * minutes on them.
     */
    static final double QUICK_STAGE_SHARE = 0.05;
    static final Duration QUICK_STAGE_MAX = Duration.ofSeconds(15);
    /**
     * Share of the time that the root tightening may take (at most {@link #ROOT_BUDGET_MAX}); the rest is for the
     * branch and bound. Large, because on the deep mnist_fc networks the MIP-tightened hidden layers cut the
     * search by orders of magnitude (256x4 prop_14_0.05: 8 nodes after MIP, 10,836 after LP alone).
     */
    static final double ROOT_SHARE = 0.6;
    /** Longest root tightening of one property. */
    static final Duration ROOT_BUDGET_MAX = Duration.ofSeconds(180);
    /**
     * Most of the second stage's time its attack may take: its descents are ten times the first stage's, and a step
     * costs 1–30 ms on the CIFAR-size networks (cgan's generator and discriminator the most), so without a cap they
     * could take minutes from the search on the unsat instances, which are most of them. 5% (14 s at 300 s) took
     * sri_resnet_a idx 3667's search 11 s closer to its limit, which it reached; the counterexample that the longer
     * attack is for (marabou-cifar10 cifar10_large index 6413) takes 2.1 s.
     */
    static final double LONG_ATTACK_SHARE = 0.02;

    private TimeBudget() {
    }

    /** How long the staged strategy's first, symbolic-only search may run. */
    static Duration quickStage(Duration limit) {
        return Duration.ofMillis(Math.min(QUICK_STAGE_MAX.toMillis(), Math.round(millis(limit) * QUICK_STAGE_SHARE)));
    }

    /** The root tightening's budget out of {@code left}, the time of the search it precedes. */
    static Duration rootTightening(Duration left) {
        return Duration.ofMillis(Math.min(ROOT_BUDGET_MAX.toMillis(), Math.round(millis(left) * ROOT_SHARE)));
    }

    /** Milliseconds, saturated: a limit too long for a long (beyond about 292 million years) is {@link Long#MAX_VALUE}. */
    static long millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The time left of {@code limit} since {@code startNanos} (negative once it is over). */
    static Duration left(Duration limit, long startNanos) {
        return limit.minusNanos(System.nanoTime() - startNanos);
    }

    /** How long the watchdog waits before cancelling a search of {@code limit}. */
    static Duration watchdog(Duration limit) {
        return Duration.ofMillis(Math.max(0, millis(limit)) > Long.MAX_VALUE - WATCHDOG_GRACE.toMillis() ? Long.MAX_VALUE
                : Math.max(0, millis(limit)) + WATCHDOG_GRACE.toMillis());
    }
}
