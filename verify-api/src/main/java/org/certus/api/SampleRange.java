package org.certus.api;

import java.io.Serializable;

/**
 * Samples {@code first..last} of a dataset, 0-based and inclusive, written {@code A:B} on the command line.
 *
 * @param first the first sample
 * @param last  the last sample, {@code >= first}
 */
public record SampleRange(int first, int last) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the range.
     *
     * @param first the first sample, {@code >= 0}
     * @param last  the last sample, {@code >= first}
     */
    public SampleRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad sample range " + first + ":" + last);
        }
    }

    /**
     * How many samples the range holds.
     *
     * @return {@code last − first + 1}
     */
    public int count() {
        return last - first + 1;
    }

    /**
     * The whole of a dataset.
     *
     * @param size the dataset's samples, {@code >= 1}
     * @return {@code 0:size−1}
     */
    public static SampleRange all(int size) {
        return new SampleRange(0, size - 1);
    }

    /**
     * Whether a dataset holds the range (checked only once it is loaded).
     *
     * @param size the dataset's samples
     * @return true when {@code last < size}
     */
    public boolean fitsIn(int size) {
        return last < size;
    }

    @Override
    public String toString() {
        return first + ":" + last;
    }

    /**
     * Parses {@code A:B}.
     *
     * @param text the range as written
     * @return the range
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static SampleRange parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        if (colon < 0 || colon != s.lastIndexOf(':')) {
            throw new IllegalArgumentException("'" + text + "' is not a sample range A:B (0-based, inclusive, e.g. 0:99)");
        }
        int a = index(s.substring(0, colon), text);
        int b = index(s.substring(colon + 1), text);
        if (b < a) {
            throw new IllegalArgumentException("'" + text + "': the range is empty (" + b + " < " + a + "); write A:B with A <= B");
        }
        return new SampleRange(a, b);
    }

    private static int index(String part, String text) {
        try {
            int v = Integer.parseInt(part.strip());
            if (v < 0) {
                throw new IllegalArgumentException("'" + text + "': sample indices are 0-based and cannot be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a sample range A:B (0-based, inclusive, e.g. 0:99)");
        }
    }
}
