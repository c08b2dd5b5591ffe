package org.certus.cli;

/**
 * A {@code summary.csv} that cannot be continued (bad header, malformed row, mixed questions).
 * An IllegalArgumentException so that the CLI treats it as bad input: exit code 2, one line.
 */
final class RobustnessSummaryException extends IllegalArgumentException {
    RobustnessSummaryException(String message) {
        super(message);
    }
}
