package org.certus.bounds;

import java.util.Arrays;

/**
 * Lower bounds of several linear functions of a network's outputs. For each row: the input vertex
 * at which the symbolic relaxation attains its bound (a candidate counterexample worth an exact
 * check) and the relaxation's coefficients over the inputs (how sensitive the bound is to each
 * input, used to choose input splits).
 */
public record LinearBounds(double[] lower, double[][] argmin, double[][] inputCoefficients) {
    @Override
    public String toString() {
        return "LinearBounds[lower=" + Arrays.toString(lower) + ", argmin=" + Arrays.deepToString(argmin) + ", inputCoefficients="
                + Arrays.deepToString(inputCoefficients) + "]";
    }
}
