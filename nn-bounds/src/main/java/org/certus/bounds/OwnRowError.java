package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.RoundingRows;

/**
 * The bounded rows' own float32 evaluation error as coefficients over their inputs (ReLU outputs, {@code >= 0};
 * see {@link RoundingRows}): row r's is row {@code rows[r]} of the layer's error map {@code e}, or, for rows
 * of an {@code objective} over the layer's outputs, {@code Σ_q |objective_rq| e_q}.
 */
record OwnRowError(AffineMap e, int[] rows, AffineMap objective) {
    /** Adds {@code sign} times row r's error to a lane's coefficients, constant, magnitude and term count. */
    void addTo(int r, double sign, double[] lam, double[] cst, double[] mag, long[] terms, int lane) {
        if (objective == null) {
            addRow(rows[r], sign, lam, cst, mag, terms, lane);
            return;
        }
        for (int q = objective.rowStart()[r]; q < objective.rowStart()[r + 1]; q++) {
            addRow(objective.colIndex()[q], sign * Math.abs(objective.values()[q]), lam, cst, mag, terms, lane);
        }
    }

    private void addRow(int row, double s, double[] lam, double[] cst, double[] mag, long[] terms, int lane) {
        double c = s * e.bias()[row];
        cst[lane] += c;
        mag[lane] += Math.abs(c);
        for (int q = e.rowStart()[row]; q < e.rowStart()[row + 1]; q++) {
            lam[e.colIndex()[q]] += s * e.values()[q];
        }
        terms[lane] += e.rowStart()[row + 1] - e.rowStart()[row];
    }
}
