package org.certus.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How option values become numbers and paths, stricter than Java's parsers: {@link Double#valueOf} also
 * takes {@code 0.1f}, {@code 1d}, hexadecimal floats ({@code 0x1p-3}), {@code NaN} and {@code Infinity},
 * none of which a user means as a radius or a time; and an empty path is the working directory, where
 * {@code --out ''} would quietly have written results.
 */
final class OptionConverters {
    /** Plain decimals with an optional exponent: {@code 0.1}, {@code -3}, {@code .5}, {@code 1e-3}. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private OptionConverters() {
    }

    /** Registers the converters on a command line and every subcommand already added to it. */
    static void register(CommandLine cl) {
        ITypeConverter<Double> decimal = OptionConverters::decimal;
        cl.registerConverter(Double.class, decimal);
        cl.registerConverter(Double.TYPE, decimal);
        cl.registerConverter(Path.class, OptionConverters::path);
    }

    static Double decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new TypeConversionException("'" + text + "' is not a decimal number (such as 0.1, 5 or 1e-3)");
        }
        double v = Double.parseDouble(text);
        if (Double.isInfinite(v)) {
            throw new TypeConversionException("'" + text + "' is out of range");
        }
        return v;
    }

    static Path path(String text) {
        if (text.isEmpty()) {
            throw new TypeConversionException("the path is empty");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new TypeConversionException("'" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
