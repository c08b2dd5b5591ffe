package org.certus.api;

/**
 * A batch evaluation that cannot go on with its output: a {@code summary.csv} or part file that is corrupt, holds
 * another question's results, or lacks the columns the question needs. The message names the file and says how to
 * start again. An {@link IllegalArgumentException}, so that front ends treat it as bad input (one line, exit code 2).
 */
public final class EvaluationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An evaluation refused.
     *
     * @param message what is wrong and where
     */
    public EvaluationException(String message) {
        super(message);
    }
}
