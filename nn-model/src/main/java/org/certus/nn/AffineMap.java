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

    /**
     * Maps at least this dense (nonzeros / entries) also keep a dense row-major copy, so that hot
     * loops over their rows run over contiguous memory (which the JIT vectorises) instead of gathering
     * through column indices.
     */
    static final double DENSE_COPY_MIN_FILL = 0.5;
    /** Largest map (rows × cols) given a dense copy: caps the memory a copy can add. */
    static final long DENSE_COPY_MAX_ENTRIES = 1L << 20;

    /** Lazily built dense copy (or an empty array when the map does not qualify); a pure cache. */
    private volatile double[] dense;

    /**
     * The matrix as dense row-major {@code a[r * cols + c]} when it is dense enough to be worth it
     * ({@link #DENSE_COPY_MIN_FILL}, at most {@link #DENSE_COPY_MAX_ENTRIES} entries), else null.
     * Built once on first use; callers must not modify it.
     */
    public double[] denseOrNull() {
        double[] d = dense;
        if (d == null) {
            long entries = (long) rows * cols;
            if (entries == 0 || entries > DENSE_COPY_MAX_ENTRIES || values.length < DENSE_COPY_MIN_FILL * entries) {
                d = new double[0];
            } else {
                d = new double[(int) entries];
                boolean[] seen = new boolean[d.length];
                for (int r = 0; r < rows && d.length > 0; r++) {
                    for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                        int at = r * cols + colIndex[k];
                        if (seen[at]) {
                            // A repeated entry would be summed here, rounding differently from the rows.
                            d = new double[0];
                            break;
                        }
                        seen[at] = true;
                        d[at] = values[k];
                    }
                }
            }
            dense = d;
        }
        return d.length == 0 ? null : d;
    }

    /** Lazily built dense rows (empty when the map has no dense copy); a pure cache. */
    private volatile double[][] denseRows;

    /**
     * The matrix's rows as separate arrays, exactly when {@link #denseOrNull()} is non-null (else null).
     * A loop {@code out[c] += x · row[c]} indexes both arrays alike, so the JIT may vectorise it even
     * though {@code out} could be the same array; with a row at an offset into one flat array
     * ({@code flat[off + c]}) it cannot rule out an overlap and stays scalar (3–6× slower, measured).
     * Built once on first use; callers must not modify it.
     */
    public double[][] denseRowsOrNull() {
        double[][] t = denseRows;
        if (t == null) {
            double[] d = denseOrNull();
            if (d == null) {
                t = new double[0][];
            } else {
                t = new double[rows][];
                for (int r = 0; r < rows; r++) {
                    t[r] = Arrays.copyOfRange(d, r * cols, (r + 1) * cols);
                }
            }
            denseRows = t;
        }
        return t.length == 0 ? null : t;
    }

    /** Lazily built dense columns as separate arrays (empty when the map has no dense copy); a pure cache. */
    private volatile double[][] denseColumnArrays;

    /**
     * The matrix's columns as separate arrays, exactly when {@link #denseOrNull()} is non-null (else null):
     * for {@link #addColumns(double[][], double[], double[])}, whose loop the JIT vectorises only when the
     * column is indexed like the result (see {@link #denseRowsOrNull()}). Built once on first use; callers
     * must not modify it.
     */
    public double[][] denseColumnArraysOrNull() {
        double[][] t = denseColumnArrays;
        if (t == null) {
            double[] d = denseOrNull();
            if (d == null) {
                t = new double[0][];
            } else {
                t = new double[cols][rows];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        t[c][r] = d[r * cols + c];
                    }
                }
            }
            denseColumnArrays = t;
        }
        return t.length == 0 ? null : t;
    }

    /** Largest map (stored entries) given a {@link SparseColumns} copy: caps the memory the copy can add. */
    static final int SPARSE_COLUMNS_MAX_NONZEROS = 1 << 22;

    /** Lazily built transpose (an empty one when the map does not qualify); a pure cache. */
    private volatile SparseColumns sparseColumns;

    /**
     * The matrix in compressed sparse columns ({@link SparseColumns}), or null when it has more than
     * {@link #SPARSE_COLUMNS_MAX_NONZEROS} stored entries. Built once on first use.
     */
    public SparseColumns sparseColumnsOrNull() {
        SparseColumns t = sparseColumns;
        if (t == null) {
            t = colIndex.length > SPARSE_COLUMNS_MAX_NONZEROS ? NO_SPARSE_COLUMNS : SparseColumns.of(this);
            sparseColumns = t;
        }
        return t == NO_SPARSE_COLUMNS ? null : t;
    }

    private static final SparseColumns NO_SPARSE_COLUMNS = SparseColumns.of(new AffineMap(0, 0, new int[] {0}, new int[0], new double[0],
            new double[0]));

    /**
     * Smallest map (stored entries) given {@link RowPatterns}: a pass over a smaller one reads it mostly from cache,
     * where the patterns save less (a scatter over a lowered convolution's rows, one thread: 1.3× at 0.4–1.1 million
     * entries, 2× at 3.7 million, 2.9× at 17.7 million).
     */
    static final int ROW_PATTERNS_MIN_NONZEROS = 1 << 20;

    /** Lazily built {@link RowPatterns} (an empty one when the map does not qualify); a pure cache. */
    private volatile RowPatterns rowPatterns;

    /**
     * The rows as shared weight patterns ({@link RowPatterns}), or null when the map has fewer than
     * {@link #ROW_PATTERNS_MIN_NONZEROS} stored entries or its rows do not repeat. Built once on first use, by one
     * thread: the root's bounds run on every core, and a map of tens of millions of weights takes a second to scan.
     */
    public RowPatterns rowPatternsOrNull() {
        RowPatterns p = rowPatterns;
        if (p == null) {
            if (colIndex.length < ROW_PATTERNS_MIN_NONZEROS) {
                p = RowPatterns.NONE;
                rowPatterns = p;
            } else {
                synchronized (this) {
                    p = rowPatterns;
                    if (p == null) {
                        p = RowPatterns.of(this);
                        if (p == null) {
                            p = RowPatterns.NONE;
                        }
                        rowPatterns = p;
                    }
                }
            }
        }
        return p == RowPatterns.NONE ? null : p;
    }

    /**
     * {@code out += W in} for a dense matrix given as column arrays, one column at a time in ascending input
     * order, skipping zero inputs: each output gets the same sum, in the same order, as its own dot product
     * (adding a product ±0 changes no sum), while the inner loop runs across outputs and vectorises.
     */
    public static void addColumns(double[][] columns, double[] in, double[] out) {
        for (int c = 0; c < columns.length; c++) {
            double x = in[c];
            if (x == 0.0) {
                continue;
            }
            double[] col = columns[c];
            for (int r = 0; r < col.length; r++) {
                out[r] += col[r] * x;
            }
        }
    }

    /**
     * The rows of {@code maps}, one after the other, as one map over {@code cols} inputs (every map must have
     * that many columns): e.g. the rows of every disjunct of an output condition as one objective.
     */
    public static AffineMap stack(java.util.List<AffineMap> maps, int cols) {
        int rows = 0;
        int nnz = 0;
        for (AffineMap d : maps) {
            if (d.cols != cols) {
                throw new NetworkException("cannot stack " + d + " into a map over " + cols + " inputs");
            }
            rows += d.rows;
            nnz += d.nonZeros();
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        double[] bias = new double[rows];
        int r = 0, k = 0;
        for (AffineMap d : maps) {
            for (int i = 0; i < d.rows; i++, r++) {
                start[r] = k;
                bias[r] = d.bias[i];
                for (int q = d.rowStart[i]; q < d.rowStart[i + 1]; q++) {
                    idx[k] = d.colIndex[q];
                    val[k] = d.values[q];
                    k++;
                }
            }
        }
        start[rows] = k;
        return new AffineMap(rows, cols, start, idx, val, bias);
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
        apply(in, out, null);
    }

    /** {@link #apply(double[], double[])} for the rows marked in {@code only} (null: all); the others are left as they are. */
    public void apply(double[] in, double[] out, boolean[] only) {
        RowPatterns patterns = rowPatternsOrNull();
        for (int r = 0; r < rows; r++) {
            if (only != null && !only[r]) {
                continue;
            }
            if (patterns != null) {
                out[r] = patterns.dot(r, in, bias[r]); // the same sum, from weights that stay in cache
                continue;
            }
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

    /**
     * The composition {@code next ∘ this}: {@code x ↦ next(A x + b)}. Used to merge chains of affine
     * layers (Normalize, Conv, Flatten, Dense) into one map between two activations. Rows of the
     * result are accumulated in a dense scratch row, so the cost is nnz(next)·(avg row of this).
     */
    public AffineMap then(AffineMap next) {
        if (next.cols != rows) {
            throw new NetworkException("cannot compose " + this + " with " + next + ": sizes differ");
        }
        int outRows = next.rows;
        int[] start = new int[outRows + 1];
        org.eclipse.collections.impl.list.mutable.primitive.IntArrayList idx = new org.eclipse.collections.impl.list.mutable.primitive.IntArrayList();
        org.eclipse.collections.impl.list.mutable.primitive.DoubleArrayList val = new org.eclipse.collections.impl.list.mutable.primitive.DoubleArrayList();
        double[] acc = new double[cols];
        boolean[] used = new boolean[cols];
        int[] touched = new int[cols];
        double[] newBias = new double[outRows];
        for (int r = 0; r < outRows; r++) {
            start[r] = idx.size();
            int nt = 0;
            double bsum = next.bias[r];
            for (int k = next.rowStart[r]; k < next.rowStart[r + 1]; k++) {
                int mid = next.colIndex[k];
                double w = next.values[k];
                bsum += w * bias[mid];
                for (int q = rowStart[mid]; q < rowStart[mid + 1]; q++) {
                    int c = colIndex[q];
                    if (!used[c]) {
                        used[c] = true;
                        touched[nt++] = c;
                    }
                    acc[c] += w * values[q];
                }
            }
            java.util.Arrays.sort(touched, 0, nt);
            for (int t = 0; t < nt; t++) {
                int c = touched[t];
                if (acc[c] != 0.0) {
                    idx.add(c);
                    val.add(acc[c]);
                }
                acc[c] = 0.0;
                used[c] = false;
            }
            newBias[r] = bsum;
        }
        start[outRows] = idx.size();
        return new AffineMap(outRows, cols, start, idx.toArray(), val.toArray(), newBias);
    }

    /** The identity map on {@code n} values. */
    public static AffineMap identity(int n) {
        int[] start = new int[n + 1];
        int[] idx = new int[n];
        double[] val = new double[n];
        for (int i = 0; i < n; i++) {
            start[i + 1] = i + 1;
            idx[i] = i;
            val[i] = 1.0;
        }
        return new AffineMap(n, n, start, idx, val, new double[n]);
    }

    /** The map whose rows are the given subset of this map's rows, in that order. */
    public AffineMap selectRows(int[] selected) {
        int nnz = 0;
        for (int r : selected) {
            nnz += rowStart[r + 1] - rowStart[r];
        }
        int[] start = new int[selected.length + 1];
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        double[] b = new double[selected.length];
        int k = 0;
        for (int i = 0; i < selected.length; i++) {
            int r = selected[i];
            start[i] = k;
            int len = rowStart[r + 1] - rowStart[r];
            System.arraycopy(colIndex, rowStart[r], idx, k, len);
            System.arraycopy(values, rowStart[r], val, k, len);
            k += len;
            b[i] = bias[r];
        }
        start[selected.length] = k;
        return new AffineMap(selected.length, cols, start, idx, val, b);
    }

    /** The last {@link #withoutColumns} result and its mask (a pure cache; immutable, so a racy publication is harmless). */
    private volatile ColumnsDropped lastDropped;

    private record ColumnsDropped(boolean[] mask, AffineMap map) {
    }

    /**
     * The same map without the entries of the columns marked in {@code dropped} (the same shape and bias; each row's
     * other entries in their order), or this map itself when none of its entries is in a dropped column. On inputs
     * that are 0 in every dropped column it gives the same values, and a sum over a row's entries adds the same
     * terms in the same order. The last result is kept: the root tightening's searches of one layer, one per neuron
     * and direction, all ask with the same mask.
     */
    public AffineMap withoutColumns(boolean[] dropped) {
        if (dropped.length != cols) {
            throw new IllegalArgumentException("column mask of " + dropped.length + " entries for a map of " + cols + " columns");
        }
        ColumnsDropped last = lastDropped;
        if (last != null && Arrays.equals(last.mask(), dropped)) {
            return last.map();
        }
        AffineMap result = dropColumns(dropped);
        lastDropped = new ColumnsDropped(dropped.clone(), result);
        return result;
    }

    private AffineMap dropColumns(boolean[] dropped) {
        int kept = 0;
        for (int q = 0; q < colIndex.length; q++) {
            if (!dropped[colIndex[q]]) {
                kept++;
            }
        }
        if (kept == colIndex.length) {
            return this;
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[kept];
        double[] val = new double[kept];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            for (int q = rowStart[r]; q < rowStart[r + 1]; q++) {
                if (!dropped[colIndex[q]]) {
                    idx[k] = colIndex[q];
                    val[k++] = values[q];
                }
            }
        }
        start[rows] = k;
        return new AffineMap(rows, cols, start, idx, val, bias);
    }

    @Override
    public String toString() {
        return "AffineMap[" + rows + "x" + cols + ", nnz=" + nonZeros() + ", bias=" + Arrays.toString(Arrays.copyOf(bias, Math.min(3, rows))) + "...]";
    }
}
