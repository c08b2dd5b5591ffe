package org.certus.encode;

/**
 * Bad input to the MILP encoder: sizes that do not match the network, bounds of the wrong shape,
 * an objective that needs a centre point without one. An {@link IllegalArgumentException} so the CLI
 * reports it as bad input (one line, exit code 2).
 */
public class EncodingException extends IllegalArgumentException {
    public EncodingException(String message) {
        super(message);
    }
}
