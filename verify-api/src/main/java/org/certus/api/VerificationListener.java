package org.certus.api;

import org.certus.bnb.SearchListener;

/**
 * Observes the library's work: every search's stages, progress and result ({@link SearchListener}'s events),
 * the stages of the staged strategy, warnings, and the samples of a batch evaluation as they finish. The
 * {@code certus} command's progress bar, its {@code --verbose} output and its warnings on stderr are one such
 * listener; an embedding tool's progress display is another. Every method does nothing by default; calls
 * come from the thread that called the library (never from a search worker), and a listener must return
 * quickly.
 */
public interface VerificationListener extends SearchListener {
    /** A listener that ignores everything. */
    VerificationListener NONE = new VerificationListener() {
    };

    /**
     * A stage of a strategy starts, e.g. the staged strategy's symbolic-only search or its root tightening.
     *
     * @param description what the stage does and for how long, in a sentence
     */
    default void stage(String description) {
    }

    /**
     * Something the caller should know although the answer stands: a counterexample that holds in double but
     * not in float32, a search that ignored its time limit, an adversarial example valid in one precision only.
     *
     * @param message one line, without a prefix
     */
    default void warning(String message) {
    }

    /**
     * A sample of a batch evaluation ended.
     *
     * @param row  its row, as written to the summary
     * @param done samples finished in this run so far
     * @param todo samples this run solves in all
     */
    default void sampleFinished(RobustnessRow row, int done, int todo) {
    }

    /**
     * A sample of a batch evaluation ended in an error (its row says {@code error}).
     *
     * @param sample  the sample's index
     * @param message what went wrong, one line
     */
    default void sampleFailed(int sample, String message) {
    }
}
