package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.AffineMap;
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
            for (int n = 0; n < rows; n++) {
                double l = lam[n];
                if (l != 0.0) {
                    double tb = l * bias[n];
                    c += tb;
                    g += Math.abs(tb);
                    nTerms += rs[n + 1] - rs[n];
                }
            }
            cst[b] = c;
            mag[b] = g;
            if (terms != null) {
                terms[b] += nTerms;
            }
            gather[b] = nTerms > gatherCost;
            anyGather |= gather[b];
        }
        SparseColumns t = anyGather ? a.sparseColumnsOrNull() : null;
        for (int b = 0; b < lanes; b++) {
            if (!gather[b] || t == null) {
                scatter(a, lambda[b], next[b]);
            }
        }
        if (t != null) {
            gather(t, cols, needed, lambda, next, lanes, gather);
        }
        for (int b = 0; b < lanes; b++) {
            Arrays.fill(lambda[b], 0, rows, 0.0);
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
