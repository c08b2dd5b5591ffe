package org.certus.bounds;

import org.certus.nn.AffineMap;

/**
 * {@code A x + b} of one dense map for a sequence of points {@code x} that differ from one to the next
 * in few coordinates (the minimising box vertices of successive α,β steps): the product is updated by
 * the weight columns of the coordinates that moved, and recomputed only when more than
 * {@link #UPDATE_SHARE} of them did. Values match a fresh product up to rounding, which may drift by
 * a few ulps per update; callers use them where no exact sum is needed (a gradient point).
 */
final class IncrementalProduct {
    /**
     * Largest share of moved coordinates for which the product is updated rather than recomputed: an
     * update costs one weight column per moved coordinate, a recomputation one per non-zero coordinate.
     */
    static final double UPDATE_SHARE = 0.5;

    private final AffineMap map;
    private final double[][] columns;
    private final double[] values;
    private final double[] point;
    private boolean valid;

    /** @param map a dense map ({@link AffineMap#denseColumnArraysOrNull()} is not null) */
    IncrementalProduct(AffineMap map) {
        this.columns = map.denseColumnArraysOrNull();
        if (columns == null) {
            throw new IllegalArgumentException("incremental products need a dense map");
        }
        this.map = map;
        this.values = new double[map.rows()];
        this.point = new double[map.cols()];
    }

    /** {@code A x + b}; the returned array is reused by the next call. */
    double[] at(double[] x) {
        int rows = map.rows(), cols = map.cols();
        if (valid) {
            int moved = 0;
            for (int c = 0; c < cols; c++) {
                if (x[c] != point[c]) {
                    moved++;
                }
            }
            if (moved <= UPDATE_SHARE * cols) {
                for (int c = 0; c < cols; c++) {
                    if (x[c] == point[c]) {
                        continue;
                    }
                    double d = x[c] - point[c];
                    double[] col = columns[c];
                    for (int r = 0; r < rows; r++) {
                        values[r] += col[r] * d;
                    }
                    point[c] = x[c];
                }
                return values;
            }
        }
        System.arraycopy(map.bias(), 0, values, 0, rows);
        AffineMap.addColumns(columns, x, values);
        System.arraycopy(x, 0, point, 0, cols);
        valid = true;
        return values;
    }
}
