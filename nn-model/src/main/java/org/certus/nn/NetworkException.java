package org.certus.nn;

/**
 * The one bad-input exception of the network model and its importers: a shape mismatch, a NaN
 * weight, an unsupported operation, a malformed file. The message names what is wrong and where
 * (file, node, layer); the CLI prints it as one line and exits with code 2.
 */
public class NetworkException extends RuntimeException {
    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
