package org.certus.api;

import java.io.Serializable;
import org.certus.spec.BlurPerturbation;
import org.certus.spec.SpecException;

/**
 * Which inputs around a sample a robustness question searches: the L∞ ball of radius eps ({@code linf}), the
 * whole input domain ({@code unrestricted}), or MIPVerify's blurring family ({@code blur:KxK}, every K×K kernel
 * with entries in [0, 1] summing to 1 applied to the image). Immutable.
 *
 * @param text the perturbation as written on the command line and in {@code summary.csv}
 */
public record Perturbation(String text) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The L∞ ball (the default). */
    public static final Perturbation LINF = new Perturbation("linf");
    /** The whole input domain. */
    public static final Perturbation UNRESTRICTED = new Perturbation("unrestricted");

    /**
     * Checks the text.
     *
     * @param text linf, unrestricted or blur:KxK (K odd)
     * @throws IllegalArgumentException saying what is wrong
     */
    public Perturbation {
        if (text.startsWith("blur:")) {
            try {
                BlurPerturbation.parse(text);
            } catch (SpecException e) {
                throw new IllegalArgumentException("--perturbation " + text + ": " + e.getMessage(), e);
            }
        } else if (!text.equals("linf") && !text.equals("unrestricted")) {
            throw new IllegalArgumentException("--perturbation " + text + " is unknown; use linf, unrestricted or blur:KxK (e.g. blur:3x3)");
        }
    }

    /**
     * Whether this is the whole input domain.
     *
     * @return true for unrestricted
     */
    public boolean unrestricted() {
        return text.equals("unrestricted");
    }

    /**
     * Whether this is a blurring family.
     *
     * @return true for blur:KxK
     */
    public boolean isBlur() {
        return text.startsWith("blur:");
    }

    /** The blurring family of a {@code blur:KxK} perturbation (the library's own: not part of the API). */
    BlurPerturbation blur() {
        if (!isBlur()) {
            throw new IllegalStateException(text + " is not a blurring family");
        }
        return BlurPerturbation.parse(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
