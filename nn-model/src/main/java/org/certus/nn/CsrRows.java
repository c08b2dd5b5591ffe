package org.certus.nn;

import java.util.Arrays;

import org.eclipse.collections.impl.list.mutable.primitive.DoubleArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Growing CSR rows of a {@link Lowering.Value}'s affine map and of its float32 error map, as the lowering appends
 * them (a ReLU layer under construction, an error map being derived), and the sorting of each row's columns that
 * {@link AffineMap} expects.
 */
final class CsrRows {
    final IntArrayList start = IntArrayList.newListWith(0);
    final IntArrayList cols = new IntArrayList();
    final DoubleArrayList vals = new DoubleArrayList();
    final DoubleArrayList bias = new DoubleArrayList();
    final IntArrayList eStart = IntArrayList.newListWith(0);
    final IntArrayList eCols = new IntArrayList();
    final DoubleArrayList eVals = new DoubleArrayList();
    final DoubleArrayList eConst = new DoubleArrayList();

    void copyRow(Lowering.Value v, int r) {
        for (int q = v.start[r]; q < v.start[r + 1]; q++) {
            cols.add(v.cols[q]);
            vals.add(v.vals[q]);
        }
        start.add(cols.size());
        bias.add(v.bias[r]);
        for (int q = v.eStart[r]; q < v.eStart[r + 1]; q++) {
            eCols.add(v.eCols[q]);
            eVals.add(v.eVals[q]);
        }
        eStart.add(eCols.size());
        eConst.add(v.eConst[r]);
    }

    /** Appends {@code more}'s rows after these. */
    void append(CsrRows more) {
        int base = cols.size(), eBase = eCols.size();
        for (int r = 1; r < more.start.size(); r++) {
            start.add(base + more.start.get(r));
            eStart.add(eBase + more.eStart.get(r));
        }
        cols.addAll(more.cols);
        vals.addAll(more.vals);
        bias.addAll(more.bias);
        eCols.addAll(more.eCols);
        eVals.addAll(more.eVals);
        eConst.addAll(more.eConst);
    }

    Lowering.Value toValue(int level, byte[] kind) {
        return new Lowering.Value(level, start.toArray(), cols.toArray(), vals.toArray(), bias.toArray(), eStart.toArray(),
                eCols.toArray(), eVals.toArray(), eConst.toArray(), kind);
    }

    /** The value with each row's columns in increasing order (its map and its error map). */
    static Lowering.Value sortRows(Lowering.Value v) {
        int[] cols = v.cols.clone();
        double[] vals = v.vals.clone();
        int[] eCols = v.eCols.clone();
        double[] eVals = v.eVals.clone();
        sortSegments(v.start, cols, vals);
        sortSegments(v.eStart, eCols, eVals);
        return new Lowering.Value(v.level, v.start, cols, vals, v.bias, v.eStart, eCols, eVals, v.eConst, v.kind);
    }

    private static void sortSegments(int[] start, int[] cols, double[] vals) {
        for (int r = 0; r + 1 < start.length; r++) {
            int s = start[r], e = start[r + 1];
            boolean sorted = true;
            for (int q = s + 1; q < e && sorted; q++) {
                sorted = cols[q - 1] < cols[q];
            }
            if (sorted) {
                continue;
            }
            Integer[] order = new Integer[e - s];
            for (int q = 0; q < order.length; q++) {
                order[q] = s + q;
            }
            Arrays.sort(order, (x, y) -> Integer.compare(cols[x], cols[y]));
            int[] c2 = new int[order.length];
            double[] v2 = new double[order.length];
            for (int q = 0; q < order.length; q++) {
                c2[q] = cols[order[q]];
                v2[q] = vals[order[q]];
            }
            System.arraycopy(c2, 0, cols, s, c2.length);
            System.arraycopy(v2, 0, vals, s, v2.length);
        }
    }

    /**
     * The error row of a SINGLE row r of {@code v}: {@code γ_m·|w|} per entry, then the constant
     * {@code γ_m·|b| + m·2^-149} (m = entries + 1), each rounded up: the per-row bound of
     * {@link Float32Rounding#rowErrors} as an affine map.
     */
    static double[] singleErrorRow(Lowering.Value v, int r) {
        int s = v.start[r], e = v.start[r + 1];
        int m = e - s + 1;
        double g = Float32Rounding.gamma(m) * Lowering.ERROR_MAP_SAFETY;
        double[] out = new double[e - s + 1];
        for (int q = s; q < e; q++) {
            out[q - s] = Math.nextUp(g * Math.abs(v.vals[q]));
        }
        out[e - s] = Math.nextUp(g * Math.abs(v.bias[r]) + m * Float32Rounding.UNDERFLOW);
        return out;
    }

    static AffineMap valueMap(Lowering.Value v, int cols) {
        return new AffineMap(v.size(), cols, v.start, v.cols, v.vals, v.bias);
    }

    /** The layer's float32 error map, or null when every row is one rounding op on basis elements (the per-row bound applies). */
    static AffineMap errorMap(Lowering.Value v, int cols) {
        boolean allSingle = v.size() > 0;
        for (byte k : v.kind) {
            allSingle &= k == Lowering.SINGLE;
        }
        if (allSingle) {
            return null;
        }
        // SINGLE rows carry no explicit error row: derive it from the row itself.
        CsrRows rows = new CsrRows();
        for (int r = 0; r < v.size(); r++) {
            if (v.kind[r] == Lowering.SINGLE) {
                double[] single = singleErrorRow(v, r);
                for (int q = v.start[r]; q < v.start[r + 1]; q++) {
                    rows.eCols.add(v.cols[q]);
                    rows.eVals.add(single[q - v.start[r]]);
                }
                rows.eConst.add(single[single.length - 1]);
            } else {
                for (int q = v.eStart[r]; q < v.eStart[r + 1]; q++) {
                    rows.eCols.add(v.eCols[q]);
                    rows.eVals.add(v.eVals[q]);
                }
                rows.eConst.add(v.eConst[r]);
            }
            rows.eStart.add(rows.eCols.size());
        }
        return new AffineMap(v.size(), cols, rows.eStart.toArray(), rows.eCols.toArray(), rows.eVals.toArray(), rows.eConst.toArray());
    }
}
