package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.certus.nn.RoundingRows;

/**
 * One block of CROWN back-substitution lanes ({@link SymbolicPropagator}): (row, side) pairs pushed back to the
 * input together, each with the operations of a lone row in the same order (so the same bits), but each weight
 * row applied to every lane while it is in cache. Each lane keeps its {@link LaneSupport}: a convolutional
 * neuron's row touches its receptive field, not every neuron of the layers below.
 */
final class BlockBackSubstitution {
    private BlockBackSubstitution() {
    }

    /**
     * Back-substitution of several (row, side) lanes at once, each
     * with the operations of a lone row in the same order (so the same bits), but each weight row is
     * applied to every lane while it is in cache: one layer's weights (1.6 MB for MNIST's 784 × 256 first layer) no longer stream from
     * memory once per row and side.
     *
     * @param supports whether lanes loop over their supports ({@link LaneSupport}); false only for tests, which
     *                 compare the bits of both
     */
    static void run(Concretisation region, boolean supports, ReluChain chain, double[][] lo, double[][] hi, double[][] err, int m,
                    AffineMap rowsMap, OwnRowError ownError, int[] rowOf, boolean[] upperOf, int lanes, double[] inLo, double[] inHi,
                    Workspace ws, double[][] vertexOf, double[][] inputCoefficientsOf, double[][] reluScores, double[] result) {
        run(region, supports, chain, lo, hi, err, m, rowsMap, ownError, rowOf, upperOf, lanes, inLo, inHi, ws, vertexOf, inputCoefficientsOf,
                reluScores, null, result);
    }

    /**
     * As above; {@code scoredLane} (null: every lane) says which lanes add to {@code reluScores}: the rows a search
     * still has to prove, not those it closed.
     */
    static void run(Concretisation region, boolean supports, ReluChain chain, double[][] lo, double[][] hi, double[][] err, int m,
                    AffineMap rowsMap, OwnRowError ownError, int[] rowOf, boolean[] upperOf, int lanes, double[] inLo, double[] inHi,
                    Workspace ws, double[][] vertexOf, double[][] inputCoefficientsOf, double[][] reluScores, boolean[] scoredLane,
                    double[] result) {
        double[][] lambda = new double[lanes][];
        double[] cst = new double[lanes];
        double[] mag = new double[lanes];
        long[] terms = new long[lanes];
        int width0 = chain.width(m - 1);
        // Where each lane's λ may be non-zero: a convolutional neuron's row reaches only its receptive field.
        LaneSupport support = ws.support(lanes);
        for (int b = 0; b < lanes; b++) {
            int r = rowOf[b];
            if (ownError != null || !supports) {
                support.setDense(b);
            } else {
                support.startRow(b, rowsMap, r, width0);
            }
            double[] lam = ws.buffer(3 + 2 * b, width0);
            cst[b] = rowsMap.bias()[r];
            mag[b] = Math.abs(cst[b]);
            for (int q = rowsMap.rowStart()[r]; q < rowsMap.rowStart()[r + 1]; q++) {
                lam[rowsMap.colIndex()[q]] += rowsMap.values()[q];
            }
            terms[b] = rowsMap.rowStart()[r + 1] - rowsMap.rowStart()[r];
            if (ownError != null) {
                ownError.addTo(r, upperOf[b] ? 1.0 : -1.0, lam, cst, mag, terms, b);
            }
            lambda[b] = lam;
        }
        int buf = 0;
        double[][] next = new double[lanes][];
        for (int j = m - 1; j >= 0; j--) {
            double[] l = lo[j];
            double[] u = hi[j];
            int width = l.length;
            // A dense map over ReLU outputs carries its rounding in its weights (RoundingRows); otherwise a constant per row.
            RoundingRows rounding = err != null && j >= 1 ? chain.float32RoundingRows(j) : null;
            for (int b = 0; b < lanes; b++) {
                // Relax h_j -> z_j in place, over the lane's support.
                double[] lam = lambda[b];
                boolean upper = upperOf[b];
                double c = cst[b];
                double mg = mag[b];
                boolean all = support.dense(b);
                int[] idx = all ? null : support.indices(b);
                int end = all ? width : support.count(b);
                for (int q = 0; q < end; q++) {
                    int n = all ? q : idx[q];
                    double ln0 = lam[n];
                    if (ln0 == 0.0) {
                        continue;
                    }
                    double ln = l[n], un = u[n];
                    if (un <= 0) {
                        lam[n] = 0.0;
                    } else if (ln < 0) {
                        if (reluScores != null && (scoredLane == null || scoredLane[b])) {
                            // BaBSR's intercept score: the gap this relaxation opens in the bound.
                            reluScores[j][n] += Math.abs(ln0) * un * -ln / (un - ln);
                        }
                        if (upper == (ln0 > 0)) {
                            double sl = un / (un - ln);
                            lam[n] = ln0 * sl;
                            double t = -ln0 * sl * ln;
                            c += t;
                            mg += Math.abs(t);
                        } else {
                            lam[n] = ln0 * (un >= -ln ? 1.0 : 0.0);
                        }
                    }
                }
                if (err != null && rounding == null) {
                    double[] e = err[j];
                    double extra = 0;
                    for (int q = 0; q < end; q++) {
                        int n = all ? q : idx[q];
                        extra += Math.abs(lam[n]) * e[n];
                    }
                    c += upper ? extra : -extra;
                    mg += extra;
                }
                cst[b] = c;
                mag[b] = mg;
            }
            AffineMap a = chain.affine(j);
            int prevWidth = a.cols();
            buf ^= 1;
            for (int b = 0; b < lanes; b++) {
                next[b] = ws.buffer(3 + 2 * b + buf, prevWidth);
            }
            double[][] denseRows = a.denseRowsOrNull();
            if (denseRows != null && rounding != null) {
                AffineMap p = rounding.plus(), n = rounding.minus();
                DenseBackStep.apply(p.denseRowsOrNull(), n.denseRowsOrNull(), p.bias(), n.bias(), upperOf, a.rowStart(), lambda, next,
                        lanes, cst, mag, terms, ws.index(DenseBackStep.CHUNK), ws.rows(DenseBackStep.CHUNK));
                support.allDense(lanes);
            } else if (denseRows != null) {
                DenseBackStep.apply(denseRows, a.bias(), a.rowStart(), lambda, next, lanes, cst, mag, terms, ws.index(DenseBackStep.CHUNK));
                support.allDense(lanes);
            } else {
                // The next relaxation zeroes the inputs that are ReLUs with upper bound <= 0: not computed.
                // Over a convolution without its inputs known to be 0 on the region: the same numbers, half the work on a
                // CIFAR ResNet (terms still counts every weight of the map).
                SparseBackStep.apply(chain.affineOnRegion(j), a.rowStart(), j == 0 ? null : hi[j - 1], lambda, next, lanes, cst, mag,
                        terms, supports ? support : null);
                if (supports) {
                    support.swap(lanes);
                }
            }
            double[][] t = lambda;
            lambda = next;
            next = t;
        }
        for (int b = 0; b < lanes; b++) {
            result[b] = region.bound(lambda[b], cst[b], mag[b], terms[b], inLo, inHi, upperOf[b], ws,
                    vertexOf == null ? null : vertexOf[b], inputCoefficientsOf == null ? null : inputCoefficientsOf[b]);
        }
    }
}
