package org.certus.milp;

/**
 * An immutable mixed-binary linear program:
 * <pre>
 *   sense  constant + c·x
 *   s.t.   rowLo[i] &lt;= a_i·x &lt;= rowHi[i]      for every constraint i
 *          varLo[j] &lt;= x[j]  &lt;= varHi[j]      for every variable j (binaries: [0, 1], integral)
 * </pre>
 * Bounds may be infinite. Constraint rows are stored compressed (CSR): the nonzeros of row {@code i}
 * are the entries {@code k} in {@code [rowStart(i), rowEnd(i))}, read with {@link #entryColumn(int)}
 * and {@link #entryValue(int)} without allocation. Built with {@link ModelBuilder}; knows nothing
 * about where the problem comes from.
 */
public final class Model {

    private final double[] varLo;
    private final double[] varHi;
    private final boolean[] binary;
    private final String[] varNames;
    private final int[] rowStart;
    private final int[] entryCol;
    private final double[] entryVal;
    private final double[] rowLo;
    private final double[] rowHi;
    private final String[] rowNames;
    private final Sense sense;
    private final double[] objective;
    private final double objectiveConstant;

    Model(double[] varLo, double[] varHi, boolean[] binary, String[] varNames, int[] rowStart, int[] entryCol,
            double[] entryVal, double[] rowLo, double[] rowHi, String[] rowNames, Sense sense, double[] objective,
            double objectiveConstant) {
        this.varLo = varLo;
        this.varHi = varHi;
        this.binary = binary;
        this.varNames = varNames;
        this.rowStart = rowStart;
        this.entryCol = entryCol;
        this.entryVal = entryVal;
        this.rowLo = rowLo;
        this.rowHi = rowHi;
        this.rowNames = rowNames;
        this.sense = sense;
        this.objective = objective;
        this.objectiveConstant = objectiveConstant;
    }

    public int numVariables() {
        return varLo.length;
    }

    public int numConstraints() {
        return rowLo.length;
    }

    /** Total number of stored nonzeros over all constraint rows. */
    public int numNonzeros() {
        return entryCol.length;
    }

    public double variableLower(int j) {
        return varLo[j];
    }

    public double variableUpper(int j) {
        return varHi[j];
    }

    public VariableType variableType(int j) {
        return binary[j] ? VariableType.BINARY : VariableType.CONTINUOUS;
    }

    public boolean isBinary(int j) {
        return binary[j];
    }

    /** Number of binary variables. */
    public int numBinaries() {
        int count = 0;
        for (boolean b : binary) {
            if (b) {
                count++;
            }
        }
        return count;
    }

    /** The name given at construction, or {@code null}. */
    public String variableName(int j) {
        checkVariable(j);
        return varNames == null ? null : varNames[j];
    }

    /** Copy of all variable lower bounds. */
    public double[] variableLowers() {
        return varLo.clone();
    }

    /** Copy of all variable upper bounds. */
    public double[] variableUppers() {
        return varHi.clone();
    }

    public double constraintLower(int i) {
        return rowLo[i];
    }

    public double constraintUpper(int i) {
        return rowHi[i];
    }

    /** The name given at construction, or {@code null}. */
    public String constraintName(int i) {
        checkConstraint(i);
        return rowNames == null ? null : rowNames[i];
    }

    /** First entry index of row {@code i}. */
    public int rowStart(int i) {
        return rowStart[i];
    }

    /** One past the last entry index of row {@code i}. */
    public int rowEnd(int i) {
        return rowStart[i + 1];
    }

    /** Variable index of entry {@code k}. */
    public int entryColumn(int k) {
        return entryCol[k];
    }

    /** Coefficient of entry {@code k} (never zero). */
    public double entryValue(int k) {
        return entryVal[k];
    }

    /** Copy of the variable indices of row {@code i}. */
    public int[] rowIndices(int i) {
        checkConstraint(i);
        return java.util.Arrays.copyOfRange(entryCol, rowStart[i], rowStart[i + 1]);
    }

    /** Copy of the coefficients of row {@code i}, aligned with {@link #rowIndices(int)}. */
    public double[] rowCoefficients(int i) {
        checkConstraint(i);
        return java.util.Arrays.copyOfRange(entryVal, rowStart[i], rowStart[i + 1]);
    }

    /** Row activity {@code a_i·x} in plain floating point (not rounded safely). */
    public double rowActivity(int i, double[] x) {
        double s = 0.0;
        for (int k = rowStart[i], end = rowStart[i + 1]; k < end; k++) {
            s += entryVal[k] * x[entryCol[k]];
        }
        return s;
    }

    public Sense sense() {
        return sense;
    }

    /** Objective coefficient of variable {@code j} (as given, in the model's own sense). */
    public double objectiveCoefficient(int j) {
        return objective[j];
    }

    /** Copy of the dense objective coefficients (as given, in the model's own sense). */
    public double[] objectiveCoefficients() {
        return objective.clone();
    }

    public double objectiveConstant() {
        return objectiveConstant;
    }

    /** {@code constant + c·x} in plain floating point. */
    public double objectiveValue(double[] x) {
        double s = objectiveConstant;
        for (int j = 0; j < objective.length; j++) {
            if (objective[j] != 0.0) {
                s += objective[j] * x[j];
            }
        }
        return s;
    }

    private void checkVariable(int j) {
        if (j < 0 || j >= varLo.length) {
            throw new MilpException("variable index " + j + " out of range [0, " + varLo.length + ")");
        }
    }

    private void checkConstraint(int i) {
        if (i < 0 || i >= rowLo.length) {
            throw new MilpException("constraint index " + i + " out of range [0, " + rowLo.length + ")");
        }
    }

    @Override
    public String toString() {
        return "Model[" + numVariables() + " variables (" + numBinaries() + " binary), " + numConstraints()
                + " constraints, " + numNonzeros() + " nonzeros, " + sense + "]";
    }
}
