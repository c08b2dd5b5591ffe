package org.certus.bnb;

/** What the branch-and-bound splits on. */
public enum SplitMode {
    /** Input splitting for networks with few inputs ({@link SearchOptions#INPUT_SPLIT_MAX_INPUTS}), ReLU splitting otherwise. */
    AUTO,
    /** Fix the phase of one unstable ReLU per branching (complete: a leaf with every ReLU fixed is linear). */
    RELU,
    /**
     * Bisect the input box along one dimension. Very effective on low-dimensional inputs such as
     * ACAS Xu (5 inputs), where small boxes quickly make every ReLU stable.
     */
    INPUT
}
