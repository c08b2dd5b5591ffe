package org.certus.bnb;

/** Lets another thread stop a running search promptly; the search returns what it knows. */
public final class CancelToken {
    private volatile boolean cancelled;

    /** A token not cancelled yet. */
    public CancelToken() {
    }

    /** Asks every search holding this token to stop; it returns what it knows (timeout or unknown). */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Whether {@link #cancel()} was called.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }
}
