package org.certus.cli;

import org.certus.api.InputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.certus.data.DataException;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.SpecException;
import org.certus.spec.VnnlibProperty;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The values a network's inputs may take, as given by {@code --input-range}: {@code LO:HI} for every
 * input, a comma-separated list {@code LO:HI,LO:HI,...} with one range per input, or {@code @FILE}
 * holding such ranges (one per line or comma-separated; {@code #} starts a comment). LO and HI are
 * numbers or {@code -inf}/{@code inf}. Immutable.
 */
final class InputRange {
    /** The syntax, for option descriptions. */
    static final String SYNTAX = "LO:HI for every input, LO:HI,LO:HI,... one per input, or @FILE with one LO:HI per line "
            + "(LO, HI may be -inf, inf).";
    /** Either one range (for every input) or one per input. */
    private final double[] lower;
    private final double[] upper;
    private final String text;

    private InputRange(double[] lower, double[] upper, String text) {
        this.lower = lower;
        this.upper = upper;
        this.text = text;
    }

    /** Parses the option's value; bad syntax or an empty range raises {@link IllegalArgumentException} naming it. */
    static InputRange parse(String spec) {
        String s = spec.strip();
        String ranges = s;
        String where = "--input-range " + spec;
        if (s.startsWith("@")) {
            Path file = Path.of(s.substring(1));
            where = file.toString();
            try {
                InputFiles.requireRegular(file);
            } catch (DataException e) {
                throw new IllegalArgumentException("--input-range " + spec + ": " + e.getMessage());
            }
            try {
                StringBuilder b = new StringBuilder();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int hash = line.indexOf('#');
                    String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
                    if (!content.isEmpty()) {
                        b.append(b.isEmpty() ? "" : ",").append(content);
                    }
                }
                ranges = b.toString();
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--input-range " + spec + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("--input-range " + spec + ": cannot read the file: " + e.getMessage());
            }
        }
        List<double[]> parsed = new ArrayList<>();
        for (String part : ranges.split(",", -1)) {
            parsed.add(range(part.strip(), where, parsed.size()));
        }
        double[] lo = new double[parsed.size()];
        double[] hi = new double[parsed.size()];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = parsed.get(i)[0];
            hi[i] = parsed.get(i)[1];
        }
        return new InputRange(lo, hi, spec.strip());
    }

    private static double[] range(String part, String where, int index) {
        String what = where + (index > 0 || part.isEmpty() ? ", range " + (index + 1) : "");
        int colon = part.indexOf(':');
        if (colon < 0 || part.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException(what + ": expected LO:HI (e.g. 0:1 or -inf:inf), got '" + part + "'");
        }
        double lo = bound(part.substring(0, colon).strip(), what);
        double hi = bound(part.substring(colon + 1).strip(), what);
        if (lo > hi) {
            throw new IllegalArgumentException(what + ": the range " + part + " is empty (LO > HI)");
        }
        return new double[] {lo, hi};
    }

    private static double bound(String t, String what) {
        String l = t.toLowerCase(Locale.ROOT);
        switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    double v = Double.parseDouble(t);
                    if (!Double.isNaN(v)) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException(what + ": '" + t + "' is not a number (nor -inf or inf)");
            }
        }
    }

    /** The domain for {@code inputs} inputs; a list of ranges must have exactly one per input. */
    InputDomain domain(int inputs) {
        if (lower.length == 1) {
            return InputDomain.uniform(inputs, lower[0], upper[0]);
        }
        if (lower.length != inputs) {
            throw new IllegalArgumentException("--input-range " + text + " gives " + lower.length + " ranges; the network has "
                    + inputs + " inputs (give one range for all, or one per input)");
        }
        return new InputDomain(lower, upper);
    }

    /** The network with this domain instead of its own. */
    Network applyTo(Network net) {
        return net.withNameAndDomain(net.name(), domain(net.inputSize()));
    }

    /**
     * The property restricted to this domain: each case's box intersected with it. An input whose box
     * misses the domain is bad input (the case would ask about no input at all).
     */
    VnnlibProperty restrict(VnnlibProperty property) {
        InputDomain d = domain(property.inputCount());
        List<VnnlibProperty.Case> cases = new ArrayList<>();
        for (int c = 0; c < property.cases().size(); c++) {
            VnnlibProperty.Case pc = property.cases().get(c);
            InputBox box = pc.box();
            double[] lo = new double[box.dimension()];
            double[] hi = new double[box.dimension()];
            for (int i = 0; i < lo.length; i++) {
                lo[i] = Math.max(box.lower(i), d.lower(i));
                hi[i] = Math.min(box.upper(i), d.upper(i));
                if (lo[i] > hi[i]) {
                    throw new SpecException("input X_" + i + " of case " + c + ": the property's range [" + box.lower(i) + ", "
                            + box.upper(i) + "] and --input-range [" + d.lower(i) + ", " + d.upper(i) + "] do not meet");
                }
            }
            cases.add(new VnnlibProperty.Case(new InputBox(lo, hi), pc.condition()));
        }
        return new VnnlibProperty(cases);
    }

    @Override
    public String toString() {
        return text;
    }

    /** picocli's converter: syntax errors become "invalid value for option" messages. */
    static final class Converter implements ITypeConverter<InputRange> {
        @Override
        public InputRange convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
