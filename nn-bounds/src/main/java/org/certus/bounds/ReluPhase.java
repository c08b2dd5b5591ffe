package org.certus.bounds;

/** The phase of one ReLU, fixed by a branch-and-bound split or free. */
public enum ReluPhase {
    /** Not fixed: the ReLU is relaxed (or stable by its bounds). */
    FREE,
    /** Fixed to {@code z >= 0, h = z}. */
    ACTIVE,
    /** Fixed to {@code z <= 0, h = 0}. */
    INACTIVE
}
