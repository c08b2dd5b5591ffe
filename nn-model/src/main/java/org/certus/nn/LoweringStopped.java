package org.certus.nn;

/**
 * Lowering a network was abandoned because its caller's stop condition held (a time limit, a cancel): the
 * network is not at fault, and nothing is cached, so a later lowering starts afresh. Lowering a large graph
 * (TinyYOLO: tens of seconds) must not run past a search's time limit.
 */
public final class LoweringStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoweringStopped(String networkName) {
        super("lowering of network '" + networkName + "' stopped before it finished (time limit or cancel)", null, false, false);
    }
}
