package org.certus.bounds;

/**
 * A bound computation stopped before it finished because its caller's stop condition held (a time limit
 * passed, a cancel): nothing was proved. The search that asked treats the region as still open.
 */
public final class BoundingInterrupted extends RuntimeException {
    public BoundingInterrupted() {
        super("bounding interrupted by its stop condition", null, false, false);
    }
}
