package org.certus.milp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.collections.impl.list.mutable.primitive.DoubleArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Mutable builder of a {@link Model}. Variables and constraints are appended in O(1) amortised time
 * into primitive arrays (constraint rows are stored compressed, row after row), so a model with
 * millions of nonzeros is built without boxing. Every input is validated when it is added, and the
 * {@link MilpException} names the offending variable or constraint.
 *
 * <p>Not thread-safe. {@link #build()} may be called more than once; each call takes a snapshot.
 */
public final class ModelBuilder {

    private final DoubleArrayList varLo = new DoubleArrayList();
    private final DoubleArrayList varHi = new DoubleArrayList();
    private final List<VariableType> varTypes = new ArrayList<>();
    private final List<String> varNames = new ArrayList<>();
    private boolean anyVarName;

    private final IntArrayList rowStart = new IntArrayList();
    private final IntArrayList entryCol = new IntArrayList();
    private final DoubleArrayList entryVal = new DoubleArrayList();
    private final DoubleArrayList rowLo = new DoubleArrayList();
    private final DoubleArrayList rowHi = new DoubleArrayList();
    private final List<String> rowNames = new ArrayList<>();
    private boolean anyRowName;

    private Sense sense = Sense.MINIMIZE;
    private int[] objIdx = new int[0];
    private double[] objCoef = new double[0];
    private double objConstant;

    // Scratch marker for duplicate-index detection; grown with the variable count.
    private int[] seenInRow = new int[0];
    private int rowStamp;

    public ModelBuilder() {
        rowStart.add(0);
    }

    /**
     * A builder holding a copy of {@code model} (variables with their types, bounds and names, constraints,
     * objective), to which rows can be added: how cutting planes extend a model, since a built
     * {@link Model} is immutable.
     */
    public static ModelBuilder copyOf(Model model) {
        ModelBuilder b = new ModelBuilder();
        for (int j = 0; j < model.numVariables(); j++) {
            b.addVariable(model.variableType(j), model.variableLower(j), model.variableUpper(j), model.variableName(j));
        }
        for (int i = 0; i < model.numConstraints(); i++) {
            b.addConstraint(model.constraintLower(i), model.rowIndices(i), model.rowCoefficients(i), model.constraintUpper(i),
                    model.constraintName(i));
        }
        int[] idx = new int[model.numVariables()];
        double[] coef = new double[model.numVariables()];
        int m = 0;
        for (int j = 0; j < model.numVariables(); j++) {
            if (model.objectiveCoefficient(j) != 0.0) {
                idx[m] = j;
                coef[m++] = model.objectiveCoefficient(j);
            }
        }
        b.setObjective(model.sense(), Arrays.copyOf(idx, m), Arrays.copyOf(coef, m), model.objectiveConstant());
        return b;
    }

    /** Adds a continuous variable with bounds {@code [lo, hi]} (either may be infinite) and returns its index. */
    public int addContinuous(double lo, double hi) {
        return addVariable(VariableType.CONTINUOUS, lo, hi, null);
    }

    /** Adds a named continuous variable; {@code name} may be {@code null}. */
    public int addContinuous(double lo, double hi, String name) {
        return addVariable(VariableType.CONTINUOUS, lo, hi, name);
    }

    /** Adds a binary variable (bounds [0, 1]) and returns its index. */
    public int addBinary() {
        return addVariable(VariableType.BINARY, 0.0, 1.0, null);
    }

    /** Adds a named binary variable; {@code name} may be {@code null}. */
    public int addBinary(String name) {
        return addVariable(VariableType.BINARY, 0.0, 1.0, name);
    }

    private int addVariable(VariableType type, double lo, double hi, String name) {
        int j = varLo.size();
        checkBounds("variable " + j + nameSuffix(name), lo, hi);
        varLo.add(lo);
        varHi.add(hi);
        varTypes.add(type);
        varNames.add(name);
        anyVarName |= name != null;
        return j;
    }

    /** Number of variables added so far. */
    public int numVariables() {
        return varLo.size();
    }

    /** Number of constraints added so far. */
    public int numConstraints() {
        return rowLo.size();
    }

    /**
     * Adds the constraint {@code lo <= sum_k coef[k] * x[idx[k]] <= hi} and returns its index.
     * Use {@code lo == hi} for an equality and infinities for one-sided rows. The arrays are copied;
     * indices must be distinct and refer to existing variables; coefficients must be finite.
     */
    public int addConstraint(double lo, int[] idx, double[] coef, double hi) {
        return addConstraint(lo, idx, coef, hi, null);
    }

    /** As {@link #addConstraint(double, int[], double[], double)} with an optional name. */
    public int addConstraint(double lo, int[] idx, double[] coef, double hi, String name) {
        int i = rowLo.size();
        String where = "constraint " + i + nameSuffix(name);
        checkBounds(where, lo, hi);
        if (idx == null || coef == null || idx.length != coef.length) {
            throw new MilpException(where + ": index and coefficient arrays must be non-null and of equal length");
        }
        int n = varLo.size();
        if (seenInRow.length < n) {
            seenInRow = Arrays.copyOf(seenInRow, Math.max(n, 2 * seenInRow.length));
        }
        rowStamp++;
        for (int k = 0; k < idx.length; k++) {
            int j = idx[k];
            double a = coef[k];
            if (j < 0 || j >= n) {
                throw new MilpException(where + ": variable index " + j + " out of range [0, " + n + ")");
            }
            if (!Double.isFinite(a)) {
                throw new MilpException(where + ": coefficient of variable " + j + " is " + a);
            }
            if (seenInRow[j] == rowStamp) {
                throw new MilpException(where + ": variable index " + j + " appears twice");
            }
            seenInRow[j] = rowStamp;
        }
        // Validated first so a rejected row leaves the builder unchanged.
        for (int k = 0; k < idx.length; k++) {
            if (coef[k] != 0.0) {
                entryCol.add(idx[k]);
                entryVal.add(coef[k]);
            }
        }
        rowStart.add(entryCol.size());
        rowLo.add(lo);
        rowHi.add(hi);
        rowNames.add(name);
        anyRowName |= name != null;
        return i;
    }

    /**
     * Sets the objective {@code sense: constant + sum_k coef[k] * x[idx[k]]}, replacing any previous one.
     * Indices must be distinct and refer to existing variables.
     */
    public ModelBuilder setObjective(Sense sense, int[] idx, double[] coef, double constant) {
        if (sense == null) {
            throw new MilpException("objective: sense must not be null");
        }
        if (idx == null || coef == null || idx.length != coef.length) {
            throw new MilpException("objective: index and coefficient arrays must be non-null and of equal length");
        }
        if (!Double.isFinite(constant)) {
            throw new MilpException("objective: constant is " + constant);
        }
        int n = varLo.size();
        boolean[] seen = new boolean[n];
        for (int k = 0; k < idx.length; k++) {
            int j = idx[k];
            if (j < 0 || j >= n) {
                throw new MilpException("objective: variable index " + j + " out of range [0, " + n + ")");
            }
            if (!Double.isFinite(coef[k])) {
                throw new MilpException("objective: coefficient of variable " + j + " is " + coef[k]);
            }
            if (seen[j]) {
                throw new MilpException("objective: variable index " + j + " appears twice");
            }
            seen[j] = true;
        }
        this.sense = sense;
        this.objIdx = idx.clone();
        this.objCoef = coef.clone();
        this.objConstant = constant;
        return this;
    }

    /** Snapshot of the current state as an immutable {@link Model}. */
    public Model build() {
        int n = varLo.size();
        double[] c = new double[n];
        for (int k = 0; k < objIdx.length; k++) {
            c[objIdx[k]] = objCoef[k];
        }
        boolean[] binary = new boolean[n];
        for (int j = 0; j < n; j++) {
            binary[j] = varTypes.get(j) == VariableType.BINARY;
        }
        return new Model(varLo.toArray(), varHi.toArray(), binary,
                anyVarName ? varNames.toArray(new String[0]) : null,
                rowStart.toArray(), entryCol.toArray(), entryVal.toArray(), rowLo.toArray(), rowHi.toArray(),
                anyRowName ? rowNames.toArray(new String[0]) : null,
                sense, c, objConstant);
    }

    static void checkBounds(String where, double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            throw new MilpException(where + ": bound is NaN (lo=" + lo + ", hi=" + hi + ")");
        }
        if (lo > hi) {
            throw new MilpException(where + ": lo > hi (lo=" + lo + ", hi=" + hi + ")");
        }
        if (lo == Double.POSITIVE_INFINITY || hi == Double.NEGATIVE_INFINITY) {
            throw new MilpException(where + ": empty bound interval (lo=" + lo + ", hi=" + hi + ")");
        }
    }

    private static String nameSuffix(String name) {
        return name == null ? "" : " '" + name + "'";
    }
}
