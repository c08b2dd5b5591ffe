package org.certus.milp;

/**
 * The one exception type of {@code milp-core}: thrown for bad input (NaN or infinite coefficients,
 * {@code lo > hi}, out-of-range or duplicate indices, mismatched array lengths). The message always
 * says what was wrong and where (variable or constraint index), so callers can report it in one line.
 */
public final class MilpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MilpException(String message) {
        super(message);
    }

    public MilpException(String message, Throwable cause) {
        super(message, cause);
    }
}
