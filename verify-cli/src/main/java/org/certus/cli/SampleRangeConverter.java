package org.certus.cli;

import org.certus.api.SampleRange;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --samples A:B} ({@link SampleRange#parse}), its errors as picocli's. */
final class SampleRangeConverter implements ITypeConverter<SampleRange> {
    @Override
    public SampleRange convert(String value) {
        try {
            return SampleRange.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
