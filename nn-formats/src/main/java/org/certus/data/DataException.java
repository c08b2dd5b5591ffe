package org.certus.data;

/**
 * The one bad-input exception of {@code org.certus.data}: a data file that is missing, unreadable
 * or not in the format it claims. It names the file (or classpath resource) and the problem, so
 * that a caller such as the CLI can print {@link #getMessage()} as a single line.
 *
 * <p>Unchecked because callers cannot recover from a broken data file other than by reporting
 * it, and dataset access sits inside code (attacks, evaluation loops) that should not be forced
 * to declare it.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    public DataException(String source, String problem) {
        this(source, problem, null);
    }

    public DataException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** The file path or classpath resource that is at fault. */
    public String source() {
        return source;
    }

    /** What is wrong with it, without the source. */
    public String problem() {
        return problem;
    }
}
