package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.AffineMap;
import org.certus.nn.RowPatterns;
import org.certus.nn.SparseColumns;

/**
 * One step of back-substitution through a sparse affine map (a lowered convolution), for a block of lanes:
 * {@code next = λ A} and {@code cst += λ·b} per lane, where λ is a lane's coefficients over the map's outputs.
 *
 * <p>Speed: with the map's {@link SparseColumns} each input's coefficient is gathered as one sum, and the inputs
 * whose coefficient the next relaxation multiplies by zero (ReLUs whose upper bound is {@code <= 0}) are
 * skipped. On a convolution behind a ReLU layer that is most of them: mnist-wk17a's second convolution reads
 * 3,136 ReLUs of which 2,238 are inactive on a typical sample. The scatter, {@code next[col] += λ_n w} over
 * every output with a non-zero λ, skips inactive outputs but no inputs; it stays the cheaper way for a lane whose
 * λ is non-zero on few outputs (a neuron's own bound back-substituted through the convolution below it reaches
 * only its receptive field), so each lane takes whichever touches fewer stored entries.
 *
 * <p>Bits: a column's entries are in ascending output order, so each gathered sum adds the scatter's products in
 * the scatter's order (plus products with a zero λ, which change no sum); a skipped input is left at 0 where the
 * scatter would have put a value the relaxation then multiplies by 0. So a bound is the same number either way,
 * and a lane's result never depends on the other lanes of its block.
 */
final class SparseBackStep {
    private SparseBackStep() {
    }

    /**
     * @param needed  null: every input's coefficient; otherwise only those with {@code needed[c] > 0} (the upper
     *                bounds of the ReLU layer the inputs are), the others are left as they are (0)
     * @param lambda  per lane, coefficients over the map's outputs; cleared on return
     * @param next    per lane, coefficients over the map's inputs; must be 0 on entry
     * @param terms   null, or per lane the term count to which each output with a non-zero λ adds its row's entries
     */
    static void apply(AffineMap a, double[] needed, double[][] lambda, double[][] next, int lanes, double[] cst, double[] mag,
                      long[] terms) {
        apply(a, a.rowStart(), needed, lambda, next, lanes, cst, mag, terms, null);
    }

    /**
     * As {@link #apply(AffineMap, double[], double[][], double[][], int, double[], double[], long[])}, visiting only
     * the outputs in each lane's support (null: every output) and collecting the supports of {@code next} (a
     * gathered lane's is dense); the caller swaps {@code support} afterwards. The same numbers either way.
     *
     * @param countedRowStart the row starts whose row lengths {@code terms} counts: {@code a}'s, or those of the map
     *                        {@code a} stands for on a region ({@link org.certus.nn.ReluChain#affineOnRegion}), so that
     *                        the error bounds that read {@code terms} are the same numbers with either map
     */
    static void apply(AffineMap a, int[] countedRowStart, double[] needed, double[][] lambda, double[][] next, int lanes,
                      double[] cst, double[] mag, long[] terms, LaneSupport support) {
        int rows = a.rows();
        int cols = a.cols();
        int[] rs = a.rowStart();
        double[] bias = a.bias();
        // What a gather costs (entries of the needed columns, taken as the map's average per column) against what a
        // lane's scatter costs (entries of its rows with a non-zero λ): a back-substitution from one neuron of a
        // convolution has λ only on its receptive field, and there the scatter touches far fewer entries.
        int neededCount = cols;
        if (needed != null) {
            neededCount = 0;
            for (int c = 0; c < cols; c++) {
                if (needed[c] > 0) {
                    neededCount++;
                }
            }
        }
        long gatherCost = cols == 0 ? 0 : (long) ((double) a.nonZeros() * neededCount / cols) + cols;
        boolean[] gather = new boolean[lanes];
        boolean anyGather = false;
        for (int b = 0; b < lanes; b++) {
            double[] lam = lambda[b];
            double c = cst[b];
            double g = mag[b];
            long nTerms = 0;
            long cost = 0;
            boolean all = support == null || support.dense(b);
            int[] idx = all ? null : support.indices(b);
            for (int t = 0, end = all ? rows : support.count(b); t < end; t++) {
                int n = all ? t : idx[t];
                double l = lam[n];
                if (l != 0.0) {
                    double tb = l * bias[n];
                    c += tb;
                    g += Math.abs(tb);
                    nTerms += countedRowStart[n + 1] - countedRowStart[n];
                    cost += rs[n + 1] - rs[n];
                }
            }
            cst[b] = c;
            mag[b] = g;
            if (terms != null) {
                terms[b] += nTerms;
            }
            gather[b] = cost > gatherCost;
            anyGather |= gather[b];
        }
        SparseColumns t = anyGather ? a.sparseColumnsOrNull() : null;
        if (support != null) {
            support.beginStep(lanes, cols);
        }
        for (int b = 0; b < lanes; b++) {
            if (!gather[b] || t == null) {
                if (support == null) {
                    scatter(a, lambda[b], next[b]);
                } else {
                    scatter(a, lambda[b], next[b], support, b, cols);
                }
            } else if (support != null) {
                support.nextDense(b);
            }
        }
        if (t != null) {
            gather(t, cols, needed, lambda, next, lanes, gather);
        }
        for (int b = 0; b < lanes; b++) {
            if (support == null || support.dense(b)) {
                Arrays.fill(lambda[b], 0, rows, 0.0);
            } else {
                double[] lam = lambda[b];
                int[] idx = support.indices(b);
                for (int q = 0, end = support.count(b); q < end; q++) {
                    lam[idx[q]] = 0.0;
                }
            }
        }
    }

    /** {@link #scatter(AffineMap, double[], double[])} over lane {@code b}'s support, collecting its next support. */
    private static void scatter(AffineMap a, double[] lam, double[] nx, LaneSupport support, int b, int cols) {
        if (support.dense(b)) {
            support.nextDense(b);
            scatter(a, lam, nx);
            return;
        }
        int[] idx = support.indices(b);
        for (int t = 0, end = support.count(b); t < end; t++) {
            int n = idx[t];
            double l = lam[n];
            if (l == 0.0) {
                continue;
            }
            support.scatterRow(b, a, n, l, nx, cols);
        }
    }

    private static void gather(SparseColumns t, int cols, double[] needed, double[][] lambda, double[][] next, int lanes,
                               boolean[] lanesToGather) {
        int[] cs = t.columnStart();
        int[] ri = t.rowIndex();
        double[] v = t.values();
        for (int col = 0; col < cols; col++) {
            if (needed != null && !(needed[col] > 0)) {
                continue;
            }
            int q0 = cs[col], q1 = cs[col + 1];
            for (int b = 0; b < lanes; b++) {
                if (!lanesToGather[b]) {
                    continue;
                }
                double[] lam = lambda[b];
                double acc = 0.0;
                for (int q = q0; q < q1; q++) {
                    acc += lam[ri[q]] * v[q];
                }
                next[b][col] = acc;
            }
        }
    }

    /** {@code next += λ A} row by row: every output with a non-zero λ adds its row (all inputs, needed or not). */
    private static void scatter(AffineMap a, double[] lam, double[] nx) {
        RowPatterns patterns = a.rowPatternsOrNull();
        if (patterns != null) {
            patterns.scatter(lam, nx); // the same sums, from weights that stay in cache
            return;
        }
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] av = a.values();
        for (int n = 0; n < a.rows(); n++) {
            double l = lam[n];
            if (l == 0.0) {
                continue;
            }
            for (int q = rs[n]; q < rs[n + 1]; q++) {
                nx[ci[q]] += l * av[q];
            }
        }
    }
}
