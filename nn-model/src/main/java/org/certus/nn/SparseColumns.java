package org.certus.nn;

/**
 * An {@link AffineMap}'s matrix in compressed sparse columns: for each input, the outputs it feeds and their
 * weights, in ascending output order. Back-substitution through a sparse map ({@code next = λ A}) can then
 * gather each input's coefficient as one sum instead of scattering every output's row into {@code next}, and
 * skip the inputs whose coefficient nothing reads (inputs that are inactive ReLUs). Ascending outputs make the
 * gathered sum add the same products in the same order as the scatter would.
 *
 * <p>Immutable; the arrays are returned for speed in hot loops and must not be modified.
 */
public final class SparseColumns {
    private final int[] columnStart;
    private final int[] rowIndex;
    private final double[] values;

    private SparseColumns(int[] columnStart, int[] rowIndex, double[] values) {
        this.columnStart = columnStart;
        this.rowIndex = rowIndex;
        this.values = values;
    }

    /** The transpose of {@code a}'s matrix (its bias is not part of it). */
    static SparseColumns of(AffineMap a) {
        int cols = a.cols();
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] v = a.values();
        int[] start = new int[cols + 1];
        for (int c : ci) {
            start[c + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            start[c + 1] += start[c];
        }
        int[] fill = start.clone();
        int[] rowIdx = new int[ci.length];
        double[] vals = new double[ci.length];
        // Rows in ascending order, so each column's entries come out sorted by row.
        for (int r = 0; r < a.rows(); r++) {
            for (int q = rs[r]; q < rs[r + 1]; q++) {
                int p = fill[ci[q]]++;
                rowIdx[p] = r;
                vals[p] = v[q];
            }
        }
        return new SparseColumns(start, rowIdx, vals);
    }

    /** Length {@code cols + 1}: column {@code c}'s entries are {@code [columnStart[c], columnStart[c + 1])}. */
    public int[] columnStart() {
        return columnStart;
    }

    /** Each entry's output (row of the map), ascending within a column. */
    public int[] rowIndex() {
        return rowIndex;
    }

    /** Each entry's weight. */
    public double[] values() {
        return values;
    }
}
