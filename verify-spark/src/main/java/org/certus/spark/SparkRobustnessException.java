package org.certus.spark;

/** Bad options or a bad output folder of a Spark robustness run: the message says what and where. */
public final class SparkRobustnessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SparkRobustnessException(String message) {
        super(message);
    }

    public SparkRobustnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
