package org.certus.bnb;

/** Lets another thread stop a running search promptly; the search returns what it knows. */
public final class CancelToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
