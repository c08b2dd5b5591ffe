package org.certus.nn;

import java.util.Arrays;

/**
 * An affine map {@code y = A x + b} with A stored in compressed sparse rows. Every affine layer
 * converts to one, so bound propagation (interval, symbolic back-substitution) and the MILP
 * encoding have one code path for Dense, Conv2d, Flatten, Normalize and AveragePool. A convolution
 * is sparse (a 4x4 kernel gives 16·C nonzeros per row), so CSR keeps it small.
 *
 * <p>Immutable; the arrays are owned and never exposed for writing (accessors return the internal
 * arrays for speed in hot loops: callers must not modify them).
 */
public final class AffineMap {
    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] colIndex;
    private final double[] values;
    private final double[] bias;

    /**
     * @param rowStart length rows+1, non-decreasing, {@code rowStart[rows] == colIndex.length}
     */
    public AffineMap(int rows, int cols, int[] rowStart, int[] colIndex, double[] values, double[] bias) {
        if (rowStart.length != rows + 1 || colIndex.length != values.length || bias.length != rows
                || rowStart[rows] != colIndex.length || rowStart[0] != 0) {
            throw new NetworkException("inconsistent sparse affine map (" + rows + "x" + cols + ")");
        }
        for (int r = 0; r < rows; r++) {
            if (rowStart[r] > rowStart[r + 1]) {
                throw new NetworkException("sparse affine map row starts are not sorted at row " + r);
            }
        }
        for (int k = 0; k < colIndex.length; k++) {
            if (colIndex[k] < 0 || colIndex[k] >= cols) {
                throw new NetworkException("sparse affine map column index " + colIndex[k] + " out of range " + cols);
            }
            if (!Double.isFinite(values[k])) {
                throw new NetworkException("sparse affine map has a non-finite coefficient");
            }
        }
        for (double v : bias) {
            if (!Double.isFinite(v)) {
                throw new NetworkException("sparse affine map has a non-finite bias");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.colIndex = colIndex;
        this.values = values;
        this.bias = bias;
    }

    /** From a dense row-major matrix {@code weights[r * cols + c]}; exact zeros are dropped. */
    public static AffineMap fromDense(int rows, int cols, double[] weights, double[] bias) {
        int nnz = 0;
        for (double w : weights) {
            if (w != 0.0) {
                nnz++;
            }
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                double w = weights[base + c];
                if (w != 0.0) {
                    idx[k] = c;
                    val[k] = w;
                    k++;
                }
            }
        }
        start[rows] = k;
        return new AffineMap(rows, cols, start, idx, val, bias.clone());
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nonZeros() {
        return colIndex.length;
    }

    /** Row start offsets into {@link #colIndex()} / {@link #values()}; do not modify. */
    public int[] rowStart() {
        return rowStart;
    }

    /** Column of each stored coefficient; do not modify. */
    public int[] colIndex() {
        return colIndex;
    }

    /** Stored coefficients; do not modify. */
    public double[] values() {
        return values;
    }

    /** Bias vector; do not modify. */
    public double[] bias() {
        return bias;
    }

    /** {@code out = A in + b}. */
    public void apply(double[] in, double[] out) {
        for (int r = 0; r < rows; r++) {
            double s = bias[r];
            for (int k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
                s += values[k] * in[colIndex[k]];
            }
            out[r] = s;
        }
    }

    /** The matrix as dense row-major {@code double[rows * cols]} (tests and small networks only). */
    public double[] toDense() {
        double[] d = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                d[r * cols + colIndex[k]] += values[k];
            }
        }
        return d;
    }

    @Override
    public String toString() {
        return "AffineMap[" + rows + "x" + cols + ", nnz=" + nonZeros() + ", bias=" + Arrays.toString(Arrays.copyOf(bias, Math.min(3, rows))) + "...]";
    }
}
