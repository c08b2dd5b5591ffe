package org.certus.bounds;

/**
 * Lower bounds of several linear functions of a network's outputs, each with the input vertex at
 * which the symbolic relaxation attains it (a candidate counterexample worth an exact check).
 */
public record LinearBounds(double[] lower, double[][] argmin) {
}
