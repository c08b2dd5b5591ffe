package org.certus.bnb;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.certus.milp.Deadline;

/**
 * When a search stops (Choco's {@code search.limits}): its deadline, node limit and cancel token, and why it
 * stopped. Every part of the search asks the same object, so a limit reached anywhere (a bounding pass
 * interrupted deep in a large network, a worker between nodes) stops them all.
 */
final class SearchLimits {
    private final long nodeLimit;
    private final CancelToken cancel;
    private long deadline;
    private volatile boolean stop;
    private volatile boolean limitHit;

    SearchLimits(SearchOptions options) {
        this.nodeLimit = options.nodeLimit();
        this.cancel = options.cancel();
    }

    /** Starts the clock: the time limit counts from {@code t0}. */
    void start(long t0, Duration timeLimit) {
        deadline = Deadline.after(t0, timeLimit);
    }

    long deadline() {
        return deadline;
    }

    CancelToken cancel() {
        return cancel;
    }

    boolean cancelled() {
        return cancel.isCancelled();
    }

    /** Whether the search should wind down: stopped, cancelled or past its deadline (see {@link #check} for recording why). */
    boolean outOfTime() {
        return stop || cancel.isCancelled() || System.nanoTime() > deadline;
    }

    /** The same question for code that polls a supplier (bounding passes, α,β). */
    BooleanSupplier outOfTimeCheck() {
        return this::outOfTime;
    }

    boolean stopped() {
        return stop;
    }

    /** Stops the search without recording a limit (a counterexample ends it, a worker failed). */
    void stop() {
        stop = true;
    }

    /** Whether a time or node limit (not a cancel) ended the search. */
    boolean limitHit() {
        return limitHit;
    }

    /** Records why the search stops: its limit, unless it was cancelled. */
    void limitHitOrCancelled() {
        if (!cancel.isCancelled()) {
            limitHit = true;
        }
        stop = true;
    }

    /** Stops the search when it is cancelled, interrupted, past its deadline or at its node limit ({@code nodes} bounded so far). */
    void check(long nodes) {
        if (cancel.isCancelled() || Thread.currentThread().isInterrupted()) {
            stop = true;
        } else if (System.nanoTime() > deadline || nodes >= nodeLimit) {
            limitHit = true;
            stop = true;
        }
    }
}
