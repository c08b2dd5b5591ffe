package org.certus.spec;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes a {@link VnnlibProperty} as VNN-LIB text in the layout of the VNN-COMP files, such that
 * {@link VnnlibParser} reads back an equal property (numbers are written with {@link Double#toString},
 * which round-trips exactly). Output constraints with the common shapes are written as in the competition
 * files ({@code (<= Y_1 Y_0)}, {@code (>= Y_0 3.99)}); others as {@code (<= (+ (* a Y_j) ...) rhs)}.
 *
 * <p>Cases with equal boxes would be merged on reading (see {@link VnnlibParser}); properties built by the
 * parser never have them.
 */
public final class VnnlibWriter {

    private VnnlibWriter() {
    }

    /** The property as VNN-LIB text. */
    public static String write(VnnlibProperty property) {
        StringWriter out = new StringWriter();
        try {
            write(property, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Writes the property as VNN-LIB text; the writer is flushed, not closed. */
    public static void write(VnnlibProperty property, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("; written by Certus\n\n");
        for (int i = 0; i < property.inputCount(); i++) {
            sb.append("(declare-const X_").append(i).append(" Real)\n");
        }
        sb.append('\n');
        for (int j = 0; j < property.outputCount(); j++) {
            sb.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        sb.append('\n');
        List<VnnlibProperty.Case> cases = property.cases();
        if (cases.size() == 1) {
            // The common single-box form: plain asserts, ANDed by the reader.
            VnnlibProperty.Case only = cases.get(0);
            InputBox box = only.box();
            for (int i = 0; i < box.dimension(); i++) {
                sb.append("(assert (<= X_").append(i).append(' ').append(number(box.upper(i))).append("))\n");
                sb.append("(assert (>= X_").append(i).append(' ').append(number(box.lower(i))).append("))\n");
            }
            sb.append('\n');
            List<Conjunction> disjuncts = only.condition().disjuncts();
            if (disjuncts.size() == 1) {
                for (LinearConstraint c : disjuncts.get(0).constraints()) {
                    sb.append("(assert ");
                    atom(sb, c);
                    sb.append(")\n");
                }
            } else {
                sb.append("(assert (or\n");
                for (Conjunction d : disjuncts) {
                    sb.append("    ");
                    conjunction(sb, d.constraints());
                    sb.append('\n');
                }
                sb.append("))\n");
            }
        } else {
            // One disjunct per case, each the case's box and its output condition.
            sb.append("(assert (or\n");
            for (VnnlibProperty.Case c : cases) {
                sb.append("    (and");
                InputBox box = c.box();
                for (int i = 0; i < box.dimension(); i++) {
                    sb.append(" (<= X_").append(i).append(' ').append(number(box.upper(i))).append(')');
                    sb.append(" (>= X_").append(i).append(' ').append(number(box.lower(i))).append(')');
                }
                List<Conjunction> disjuncts = c.condition().disjuncts();
                if (disjuncts.size() == 1) {
                    for (LinearConstraint lc : disjuncts.get(0).constraints()) {
                        sb.append(' ');
                        atom(sb, lc);
                    }
                } else {
                    sb.append(" (or");
                    for (Conjunction d : disjuncts) {
                        sb.append(' ');
                        conjunction(sb, d.constraints());
                    }
                    sb.append(')');
                }
                sb.append(")\n");
            }
            sb.append("))\n");
        }
        out.write(sb.toString());
        out.flush();
    }

    private static void conjunction(StringBuilder sb, List<LinearConstraint> constraints) {
        sb.append("(and");
        for (LinearConstraint c : constraints) {
            sb.append(' ');
            atom(sb, c);
        }
        sb.append(')');
    }

    /** One constraint {@code a·y <= rhs}, in the competition's shapes where it has one. */
    private static void atom(StringBuilder sb, LinearConstraint c) {
        int n = c.outputCount();
        int plusOne = -1;
        int minusOne = -1;
        int nonZero = 0;
        for (int j = 0; j < n; j++) {
            double a = c.coefficient(j);
            if (a != 0.0) {
                nonZero++;
                if (a == 1.0) {
                    plusOne = j;
                } else if (a == -1.0) {
                    minusOne = j;
                }
            }
        }
        double rhs = c.rhs();
        if (nonZero == 1 && plusOne >= 0) {
            sb.append("(<= Y_").append(plusOne).append(' ').append(number(rhs)).append(')');
        } else if (nonZero == 1 && minusOne >= 0) {
            sb.append("(>= Y_").append(minusOne).append(' ').append(number(-rhs)).append(')');
        } else if (nonZero == 2 && plusOne >= 0 && minusOne >= 0 && rhs == 0.0) {
            sb.append("(<= Y_").append(plusOne).append(" Y_").append(minusOne).append(')');
        } else {
            sb.append("(<= (+");
            for (int j = 0; j < n; j++) {
                double a = c.coefficient(j);
                if (a != 0.0) {
                    sb.append(" (* ").append(number(a)).append(" Y_").append(j).append(')');
                }
            }
            sb.append(") ").append(number(rhs)).append(')');
        }
    }

    /** Shortest decimal that reads back as the same double; negative values as {@code -0.5}, as VNN-COMP does. */
    private static String number(double v) {
        return Double.toString(v + 0.0);
    }
}
