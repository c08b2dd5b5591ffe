package org.certus.bounds;

/** Bad input to a bound propagator (sizes that do not match the network, an empty box, NaN). */
public class BoundsException extends RuntimeException {
    public BoundsException(String message) {
        super(message);
    }
}
