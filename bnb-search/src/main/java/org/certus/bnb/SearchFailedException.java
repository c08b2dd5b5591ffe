package org.certus.bnb;

/**
 * A search worker failed (an engine bug or an unexpected solver error). The search stops and
 * reports this instead of a verdict: a failed search proves nothing, so it must never end as
 * VERIFIED. The CLI records it as an {@code error}.
 */
public class SearchFailedException extends RuntimeException {
    public SearchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
