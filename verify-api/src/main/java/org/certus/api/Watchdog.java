package org.certus.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.certus.bnb.CancelToken;
import org.certus.bnb.SearchStatistics;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;

/**
 * Runs a solve on its own daemon thread and cancels it when it overruns its limit by
 * {@link TimeBudget#WATCHDOG_GRACE}: the search honours its limit itself, the watchdog is there in case some
 * phase does not poll it. A solve that ignores the cancel too is abandoned (its thread is a daemon, so it cannot
 * keep the JVM alive) and reported as a timeout.
 */
final class Watchdog {
    private Watchdog() {
    }

    /**
     * The solve's verdict; a verdict that came only after the watchdog's cancel is a timeout, not an undecided
     * search. {@code solve} is given the cancel token it must honour (a child of {@code parent}).
     */
    static Verdict run(Duration limit, CancelToken parent, Function<CancelToken, Verdict> solve, VerificationListener listener) {
        CancelToken cancel = parent.child();
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "certus-verify");
            t.setDaemon(true); // an abandoned search must not keep the JVM alive
            return t;
        });
        try {
            Future<Verdict> f = exec.submit(() -> solve.apply(cancel));
            try {
                return f.get(TimeBudget.watchdog(limit).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                cancel.cancel();
                try {
                    Verdict late = f.get(TimeBudget.CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    // Cancelled by this watchdog because the time was up: a timeout, not an undecided search.
                    return late.status() == VerdictStatus.UNKNOWN && !parent.isCancelled()
                            ? Verdict.timeout(late.statistics().finalBound(), late.statistics()) : late;
                } catch (TimeoutException e2) {
                    listener.warning("the search did not stop within " + TimeBudget.WATCHDOG_GRACE.plus(TimeBudget.CANCEL_WAIT).toSeconds()
                            + " s of its time limit; reporting timeout");
                    long ms = TimeBudget.watchdog(limit).toMillis() + TimeBudget.CANCEL_WAIT.toMillis();
                    return Verdict.timeout(Double.NEGATIVE_INFINITY, new SearchStatistics(0, 0, 0, Double.NEGATIVE_INFINITY,
                            Double.NEGATIVE_INFINITY, 0, 0, ms, 0));
                }
            }
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        } finally {
            exec.shutdownNow();
        }
    }
}
