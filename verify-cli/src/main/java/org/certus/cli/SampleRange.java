package org.certus.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Samples {@code first..last} of a dataset, 0-based and inclusive, written {@code A:B} on the command line. */
record SampleRange(int first, int last) {

    SampleRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad sample range " + first + ":" + last);
        }
    }

    int count() {
        return last - first + 1;
    }

    /** The whole of a dataset of {@code size} samples. */
    static SampleRange all(int size) {
        return new SampleRange(0, size - 1);
    }

    /** Checked against the dataset only once it is loaded; the message says what the valid range is. */
    boolean fitsIn(int size) {
        return last < size;
    }

    @Override
    public String toString() {
        return first + ":" + last;
    }

    static SampleRange parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        if (colon < 0 || colon != s.lastIndexOf(':')) {
            throw new TypeConversionException("'" + text + "' is not a sample range A:B (0-based, inclusive, e.g. 0:99)");
        }
        int a = index(s.substring(0, colon), text);
        int b = index(s.substring(colon + 1), text);
        if (b < a) {
            throw new TypeConversionException("'" + text + "': the range is empty (" + b + " < " + a + "); write A:B with A <= B");
        }
        return new SampleRange(a, b);
    }

    private static int index(String part, String text) {
        try {
            int v = Integer.parseInt(part.strip());
            if (v < 0) {
                throw new TypeConversionException("'" + text + "': sample indices are 0-based and cannot be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a sample range A:B (0-based, inclusive, e.g. 0:99)");
        }
    }

    static final class Converter implements ITypeConverter<SampleRange> {
        @Override
        public SampleRange convert(String value) {
            return parse(value);
        }
    }
}
