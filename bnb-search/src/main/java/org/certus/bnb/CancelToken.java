package org.certus.bnb;

/**
 * Lets another thread stop a running search promptly; the search returns what it knows. A token made by
 * {@link #child()} is cancelled with its parent, so a caller can stop its own part of a job (a watchdog, one
 * stage) without cancelling the whole of it.
 */
public final class CancelToken {
    private final CancelToken parent;
    private volatile boolean cancelled;

    /** A token not cancelled yet. */
    public CancelToken() {
        this(null);
    }

    private CancelToken(CancelToken parent) {
        this.parent = parent;
    }

    /**
     * A token cancelled when this one is, or when its own {@link #cancel()} is called (which leaves this one alone).
     *
     * @return a new child token
     */
    public CancelToken child() {
        return new CancelToken(this);
    }

    /** Asks every search holding this token (or a child of it) to stop; it returns what it knows (timeout or unknown). */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Whether {@link #cancel()} was called on this token or on one of its parents.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled || (parent != null && parent.isCancelled());
    }
}
