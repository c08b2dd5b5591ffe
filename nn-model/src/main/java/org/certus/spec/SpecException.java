package org.certus.spec;

/**
 * The one bad-input exception of {@code org.certus.spec}: an invalid specification value or an unreadable
 * VNN-LIB text. The message always says what is wrong and, when the problem comes from a text, where
 * ({@code source:line:column: what}) so that the CLI can print it as a single line.
 *
 * <p>Unchecked because value types validate in their constructors.
 */
public final class SpecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Marks a position as unknown (a value built in code rather than read from a text). */
    public static final int NO_POSITION = -1;

    private final String source;
    private final int line;
    private final int column;

    /** A problem with a value that did not come from a text (no position). */
    public SpecException(String what) {
        super(what);
        this.source = null;
        this.line = NO_POSITION;
        this.column = NO_POSITION;
    }

    /** A problem at a 1-based line and column of the text called {@code source}. */
    public SpecException(String source, int line, int column, String what) {
        super(source + ":" + line + ":" + column + ": " + what);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** Name of the text the problem was found in, or {@code null} if it came from code. */
    public String source() {
        return source;
    }

    /** 1-based line of the problem, or {@link #NO_POSITION}. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, or {@link #NO_POSITION}. */
    public int column() {
        return column;
    }
}
