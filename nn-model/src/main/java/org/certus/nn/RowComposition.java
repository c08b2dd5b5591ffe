package org.certus.nn;

import static org.certus.nn.Lowering.COMPOSE_ROUNDING;
import static org.certus.nn.Lowering.COMPOSITE;
import static org.certus.nn.Lowering.ERROR_MAP_SAFETY;
import static org.certus.nn.Lowering.EXACT;
import static org.certus.nn.Lowering.SELECTION;
import static org.certus.nn.Lowering.SINGLE;

import java.util.Arrays;

/**
 * The kernel of {@link Lowering}'s composition: an operation's affine map applied to its inputs' rows (each an affine
 * map of one ReLU layer's basis with its float32 error map), sparse times sparse. On TinyYOLO this is most of the
 * lowering's time (86% of samples before the single pass), so its loops are written out for each case.
 */
final class RowComposition {
    /** Rows composed between two polls of the stop condition. */
    static final int STOP_POLL_ROWS = 256;

    private RowComposition() {
    }

    /** Per row of {@code v}: whether its error row lists the same columns, in the same order, as its own row. */
    static boolean[] sameColumns(Lowering.Value v) {
        boolean[] same = new boolean[v.size()];
        for (int i = 0; i < same.length; i++) {
            same[i] = v.kind[i] != SINGLE && Arrays.equals(v.cols, v.start[i], v.start[i + 1], v.eCols, v.eStart[i], v.eStart[i + 1]);
        }
        return same;
    }

    /**
     * Rows {@code from … to−1} of {@code map} applied to {@code src} (its columns are the values' elements, {@code offset}
     * and {@code owner} say which value holds each), rounding as {@code own} says (null: exact): each row over the
     * basis of {@code width} elements, its float32 error map, and its kind into {@code kind}. {@code pollStop} runs
     * every {@link #STOP_POLL_ROWS} rows (it throws to abandon the lowering).
     */
    static CsrRows rows(int from, int to, AffineMap map, AffineMap own, boolean oneDotProduct, Lowering.Value[] src, int[] offset,
                        int[] owner, int width, byte[] kind, boolean[][] sameColumns, Runnable pollStop) {
        double[] acc = new double[width];
        double[] eacc = new double[width];
        boolean[] seen = new boolean[width];
        int[] seenCols = new int[width];
        CsrRows out = new CsrRows();
        int[] aStart = map.rowStart();
        int[] aCol = map.colIndex();
        double[] aVal = map.values();
        for (int r = from; r < to; r++) {
            if (r % STOP_POLL_ROWS == 0) {
                pollStop.run();
            }
            int ent = 0;
            int terms = aStart[r + 1] - aStart[r];
            boolean allSelection = true, allExact = true;
            for (int q = aStart[r]; q < aStart[r + 1]; q++) {
                int k = aCol[q];
                byte kd = src[owner[k]].kind[k - offset[owner[k]]];
                allSelection &= kd == SELECTION;
                allExact &= kd == SELECTION || kd == EXACT;
            }
            byte rowKind;
            if (terms == 0) {
                rowKind = map.bias()[r] == 0.0 ? SELECTION : EXACT;
            } else if (own == null) {
                int k = aCol[aStart[r]];
                rowKind = terms == 1 && aVal[aStart[r]] == 1.0 && map.bias()[r] == 0.0 ? src[owner[k]].kind[k - offset[owner[k]]]
                        : allExact ? EXACT : COMPOSITE;
            } else {
                rowKind = allSelection && oneDotProduct ? SINGLE : COMPOSITE;
            }
            // A SINGLE row's error is the per-row bound of its own map row: derived when needed (CsrRows.singleErrorRow).
            boolean trackErrors = rowKind != SINGLE;
            double bsum = map.bias()[r];
            double econst = own == null ? 0.0 : own.bias()[r];
            double composeRounding = COMPOSE_ROUNDING * (terms + 1);
            for (int q = aStart[r]; q < aStart[r + 1]; q++) {
                int k = aCol[q];
                int t = owner[k];
                Lowering.Value v = src[t];
                int i = k - offset[t];
                double a = aVal[q];
                bsum += a * v.bias[i];
                if (!trackErrors) {
                    for (int p = v.start[i]; p < v.start[i + 1]; p++) {
                        int c = v.cols[p];
                        if (!seen[c]) {
                            seen[c] = true;
                            seenCols[ent++] = c;
                        }
                        acc[c] += a * v.vals[p];
                    }
                    continue;
                }
                // Float32 error of this row over the basis magnitudes (see the class comment).
                double ownK = own == null ? 0.0 : own.values()[q];
                double onErrors = Math.abs(a) + ownK;
                double onMagnitudes = ownK + composeRounding * Math.abs(a);
                double rowGamma = 0.0;
                // One pass over v's row adds its terms and their share of the error; where v's error row has the same
                // columns (as a composed row's usually has), its entries join that pass too. Every accumulator adds in
                // the order the separate passes gave it (acc term by term; eacc the error row's entry, then the
                // magnitudes'), so the rows are the same bits. Columns are recorded once (seenCols) for both rows.
                int fusedError = -1;
                if (v.kind[i] == SINGLE) {
                    // Its error, γ_m·(|w|·|h| + |b|), enters through |A| like any other error.
                    int m = v.start[i + 1] - v.start[i] + 1;
                    rowGamma = Float32Rounding.gamma(m) * ERROR_MAP_SAFETY;
                    econst += onErrors * (rowGamma * Math.abs(v.bias[i]) + m * Float32Rounding.UNDERFLOW);
                } else if (sameColumns[t][i]) {
                    fusedError = v.eStart[i] - v.start[i];
                    econst += onErrors * v.eConst[i];
                } else {
                    for (int p = v.eStart[i]; p < v.eStart[i + 1]; p++) {
                        int c = v.eCols[p];
                        if (!seen[c]) {
                            seen[c] = true;
                            seenCols[ent++] = c;
                        }
                        eacc[c] += onErrors * v.eVals[p];
                    }
                    econst += onErrors * v.eConst[i];
                }
                double perMagnitude = onMagnitudes + onErrors * rowGamma;
                if (fusedError >= 0) {
                    for (int p = v.start[i]; p < v.start[i + 1]; p++) {
                        int c = v.cols[p];
                        double w = v.vals[p];
                        acc[c] += a * w;
                        if (!seen[c]) {
                            seen[c] = true;
                            seenCols[ent++] = c;
                        }
                        eacc[c] += onErrors * v.eVals[p + fusedError];
                        eacc[c] += perMagnitude * Math.abs(w);
                    }
                } else {
                    for (int p = v.start[i]; p < v.start[i + 1]; p++) {
                        int c = v.cols[p];
                        double w = v.vals[p];
                        acc[c] += a * w;
                        if (!seen[c]) {
                            seen[c] = true;
                            seenCols[ent++] = c;
                        }
                        eacc[c] += perMagnitude * Math.abs(w);
                    }
                }
                econst += onMagnitudes * Math.abs(v.bias[i]);
            }
            // Both rows from the one sorted record of columns (the terms' are all in it), zeros dropped. A row that
            // tracks no errors has no error entries: its eacc stays 0.
            Arrays.sort(seenCols, 0, ent);
            for (int x = 0; x < ent; x++) {
                int c = seenCols[x];
                if (acc[c] != 0.0) {
                    out.cols.add(c);
                    out.vals.add(acc[c]);
                }
                acc[c] = 0.0;
                if (eacc[c] != 0.0) {
                    out.eCols.add(c);
                    out.eVals.add(Math.nextUp(eacc[c] * ERROR_MAP_SAFETY));
                }
                eacc[c] = 0.0;
                seen[c] = false;
            }
            out.start.add(out.cols.size());
            out.bias.add(bsum);
            out.eStart.add(out.eCols.size());
            out.eConst.add(econst == 0.0 || !trackErrors ? 0.0 : Math.nextUp(econst * ERROR_MAP_SAFETY));
            kind[r] = rowKind;
        }
        return out;
    }
}
