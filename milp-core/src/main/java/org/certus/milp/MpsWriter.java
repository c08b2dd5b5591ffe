package org.certus.milp;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a {@link Model} in free MPS format (sections NAME, OBJSENSE, ROWS, COLUMNS with
 * {@code MARKER INTORG/INTEND} around binary columns, RHS, RANGES, BOUNDS, ENDATA).
 *
 * <p>Numbers are written with {@link Double#toString(double)}, which reads back to the identical double.
 * Names are the model's names when they are usable (non-empty, no whitespace, unique, not the objective
 * name) and otherwise {@code C<j>} / {@code R<i>}. The objective row is {@code OBJ}. Readers disagree on
 * the sign of an RHS on the objective row (GLPK and CPLEX read it oppositely), so a nonzero objective
 * constant is written instead as an extra column {@value #CONSTANT_COLUMN} fixed at 1 with the constant
 * as its cost: unambiguous for every reader.
 * A maximisation is written with an {@code OBJSENSE MAX} section (read by CPLEX, HiGHS, SCIP; GLPK 5.0's
 * {@code glpsol --freemps} rejects that section: negate the objective for GLPK).
 *
 * <p>Row encoding: {@code lo == hi} → E; only {@code hi} finite → L; only {@code lo} finite → G; both
 * sides infinite → N (a free row); both finite → L {@code hi} with RANGES {@code R}, where
 * {@code R = hi - lo} is rounded up until {@code hi - R <= lo}, so a reader's interval always contains
 * the model's (and equals it whenever {@code hi - lo} is exact).
 */
public final class MpsWriter {

    /** Name of the objective row. */
    public static final String OBJECTIVE_ROW = "OBJ";

    /** Name of the extra fixed column carrying a nonzero objective constant. */
    public static final String CONSTANT_COLUMN = "OBJ_CONSTANT";

    private MpsWriter() {
    }

    /** The model as a free-MPS string. */
    public static String toMps(Model m, String problemName) {
        StringWriter w = new StringWriter();
        write(m, problemName, w);
        return w.toString();
    }

    /** Writes the model to {@code out} (not closed). {@link UncheckedIOException} on I/O failure. */
    public static void write(Model m, String problemName, Writer out) {
        try {
            writeChecked(m, problemName, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeChecked(Model m, String problemName, Writer out) throws IOException {
        int n = m.numVariables();
        int rows = m.numConstraints();
        String[] colNames = names(n, m::variableName, "C");
        String[] rowNames = names(rows, m::constraintName, "R");

        // Column-wise view of the rows (MPS lists coefficients column by column).
        int[] colCount = new int[n + 1];
        for (int k = 0; k < m.numNonzeros(); k++) {
            colCount[m.entryColumn(k) + 1]++;
        }
        for (int j = 0; j < n; j++) {
            colCount[j + 1] += colCount[j];
        }
        int[] colRow = new int[m.numNonzeros()];
        double[] colVal = new double[m.numNonzeros()];
        int[] fill = colCount.clone();
        for (int i = 0; i < rows; i++) {
            for (int k = m.rowStart(i), end = m.rowEnd(i); k < end; k++) {
                int pos = fill[m.entryColumn(k)]++;
                colRow[pos] = i;
                colVal[pos] = m.entryValue(k);
            }
        }

        StringBuilder sb = new StringBuilder(64 + 40 * (m.numNonzeros() + n + rows));
        String name = problemName == null || problemName.isBlank() ? "CERTUS" : problemName.replaceAll("\\s+", "_");
        sb.append("NAME ").append(name).append('\n');
        if (m.sense() == Sense.MAXIMIZE) {
            sb.append("OBJSENSE\n    MAX\n");
        }
        sb.append("ROWS\n");
        sb.append(" N ").append(OBJECTIVE_ROW).append('\n');
        for (int i = 0; i < rows; i++) {
            sb.append(' ').append(rowType(m.constraintLower(i), m.constraintUpper(i))).append(' ')
                    .append(rowNames[i]).append('\n');
        }
        sb.append("COLUMNS\n");
        boolean inInt = false;
        int marker = 0;
        for (int j = 0; j < n; j++) {
            if (m.isBinary(j) != inInt) {
                inInt = m.isBinary(j);
                sb.append("    MARKER").append(marker++).append(" 'MARKER' ").append(inInt ? "'INTORG'" : "'INTEND'")
                        .append('\n');
            }
            double c = m.objectiveCoefficient(j);
            boolean wrote = false;
            if (c != 0.0 || colCount[j] == colCount[j + 1]) {
                // A column without entries must still be declared: write its (possibly zero) cost.
                entry(sb, colNames[j], OBJECTIVE_ROW, c);
                wrote = true;
            }
            for (int p = colCount[j]; p < colCount[j + 1]; p++) {
                entry(sb, colNames[j], rowNames[colRow[p]], colVal[p]);
                wrote = true;
            }
            assert wrote;
        }
        if (inInt) {
            sb.append("    MARKER").append(marker).append(" 'MARKER' 'INTEND'\n");
        }
        if (m.objectiveConstant() != 0.0) {
            entry(sb, CONSTANT_COLUMN, OBJECTIVE_ROW, m.objectiveConstant());
        }
        sb.append("RHS\n");
        for (int i = 0; i < rows; i++) {
            double lo = m.constraintLower(i);
            double hi = m.constraintUpper(i);
            char t = rowType(lo, hi);
            double rhs = t == 'G' ? lo : t == 'N' ? 0.0 : hi;
            if (rhs != 0.0) {
                entry(sb, "RHS", rowNames[i], rhs);
            }
        }
        boolean rangesHeader = false;
        for (int i = 0; i < rows; i++) {
            double lo = m.constraintLower(i);
            double hi = m.constraintUpper(i);
            if (lo != hi && Double.isFinite(lo) && Double.isFinite(hi)) {
                if (!rangesHeader) {
                    sb.append("RANGES\n");
                    rangesHeader = true;
                }
                entry(sb, "RNG", rowNames[i], safeRange(lo, hi));
            }
        }
        sb.append("BOUNDS\n");
        for (int j = 0; j < n; j++) {
            String c = colNames[j];
            if (m.isBinary(j)) {
                bound(sb, "BV", c, null);
                continue;
            }
            double lo = m.variableLower(j);
            double hi = m.variableUpper(j);
            if (lo == hi) {
                bound(sb, "FX", c, lo);
            } else if (lo == Double.NEGATIVE_INFINITY && hi == Double.POSITIVE_INFINITY) {
                bound(sb, "FR", c, null);
            } else {
                // Lower bound first: some readers turn "UP < 0" with a default lower bound into MI.
                if (lo == Double.NEGATIVE_INFINITY) {
                    bound(sb, "MI", c, null);
                } else if (lo != 0.0) {
                    bound(sb, "LO", c, lo);
                }
                if (hi == Double.POSITIVE_INFINITY) {
                    bound(sb, "PL", c, null);
                } else {
                    bound(sb, "UP", c, hi);
                }
            }
        }
        if (m.objectiveConstant() != 0.0) {
            bound(sb, "FX", CONSTANT_COLUMN, 1.0);
        }
        sb.append("ENDATA\n");
        out.write(sb.toString());
    }

    static double safeRange(double lo, double hi) {
        double r = hi - lo;
        while (hi - r > lo) {
            r = Math.nextUp(r);
        }
        return r;
    }

    private static char rowType(double lo, double hi) {
        if (lo == hi) {
            return 'E';
        }
        boolean fLo = lo != Double.NEGATIVE_INFINITY;
        boolean fHi = hi != Double.POSITIVE_INFINITY;
        if (fHi) {
            return 'L';
        }
        return fLo ? 'G' : 'N';
    }

    private static void entry(StringBuilder sb, String col, String row, double v) {
        sb.append("    ").append(col).append(' ').append(row).append(' ').append(v).append('\n');
    }

    private static void bound(StringBuilder sb, String type, String col, Double v) {
        sb.append(' ').append(type).append(" BND ").append(col);
        if (v != null) {
            sb.append(' ').append(v.doubleValue());
        }
        sb.append('\n');
    }

    private static String[] names(int count, java.util.function.IntFunction<String> given, String prefix) {
        String[] out = new String[count];
        Set<String> used = new HashSet<>();
        used.add(OBJECTIVE_ROW);
        used.add(CONSTANT_COLUMN);
        for (int k = 0; k < count; k++) {
            String s = given.apply(k);
            if (s != null && !s.isEmpty() && !s.matches(".*\\s.*") && !s.startsWith("$") && used.add(s)) {
                out[k] = s;
            }
        }
        for (int k = 0; k < count; k++) {
            if (out[k] == null) {
                String s = prefix + k;
                while (!used.add(s)) {
                    s = s + "_";
                }
                out[k] = s;
            }
        }
        return out;
    }
}
