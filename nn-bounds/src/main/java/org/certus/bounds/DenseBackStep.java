package org.certus.bounds;

/**
 * One step of back-substitution through a dense affine map, for a block of lanes: {@code next += λ A} and
 * {@code cst += λ·b} per lane, where λ is a lane's coefficients over the map's outputs. The hot loop of
 * {@link SymbolicPropagator}.
 *
 * <p>Speed: each lane's non-zero coefficients are taken four at a time, so a lane's result vector is loaded
 * and stored once per four weight rows rather than once per row (the loop is bound by those memory
 * operations), and the weights are separate row arrays indexed like the result, which the JIT vectorises
 * (an offset into one flat array it does not: it cannot rule out that the two overlap). Rows are visited in
 * chunks that all lanes share while the chunk is in cache.
 *
 * <p>Bits: a lane's operations depend only on its own coefficients (which rows are non-zero, in ascending
 * order, grouped by four within each chunk), never on the other lanes of its block, so block size does not
 * change a bound. The four products of a group are summed before the one addition to the result: a sum of
 * the same terms in another order, whose rounding the caller bounds by the term count it keeps.
 */
final class DenseBackStep {
    /** Weight rows visited together by every lane of a block (64 rows of 784 doubles: 400 kB, in L2). */
    static final int CHUNK = 64;

    private DenseBackStep() {
    }

    /**
     * @param rows     the map's rows as separate arrays ({@code AffineMap.denseRowsOrNull()})
     * @param rowStart the map's sparse row starts: a row's stored entries are added to a lane's term count
     *                 per non-zero coefficient, as the sparse loop does
     * @param lambda   per lane, coefficients over the map's outputs; cleared on return
     * @param next     per lane, the coefficients over the map's inputs, accumulated into
     * @param index    scratch of at least {@link #CHUNK} entries
     */
    static void apply(double[][] rows, double[] bias, int[] rowStart, double[][] lambda, double[][] next, int lanes,
                      double[] cst, double[] mag, long[] terms, int[] index) {
        int width = rows.length;
        int len = width == 0 ? 0 : rows[0].length;
        for (int n0 = 0; n0 < width; n0 += CHUNK) {
            int n1 = Math.min(width, n0 + CHUNK);
            for (int b = 0; b < lanes; b++) {
                double[] lam = lambda[b];
                double c = cst[b], m = mag[b];
                long t = terms[b];
                int k = 0;
                for (int n = n0; n < n1; n++) {
                    double l = lam[n];
                    if (l != 0.0) {
                        double tb = l * bias[n];
                        c += tb;
                        m += Math.abs(tb);
                        t += rowStart[n + 1] - rowStart[n];
                        index[k++] = n;
                    }
                }
                cst[b] = c;
                mag[b] = m;
                terms[b] = t;
                double[] nx = next[b];
                int g = 0;
                for (; g + 4 <= k; g += 4) {
                    int i0 = index[g], i1 = index[g + 1], i2 = index[g + 2], i3 = index[g + 3];
                    axpy4(nx, rows[i0], rows[i1], rows[i2], rows[i3], len, lam[i0], lam[i1], lam[i2], lam[i3]);
                }
                switch (k - g) {
                    case 3: axpy3(nx, rows[index[g]], rows[index[g + 1]], rows[index[g + 2]], len, lam[index[g]],
                            lam[index[g + 1]], lam[index[g + 2]]); break;
                    case 2: axpy2(nx, rows[index[g]], rows[index[g + 1]], len, lam[index[g]], lam[index[g + 1]]); break;
                    case 1: axpy1(nx, rows[index[g]], len, lam[index[g]]); break;
                    default: break;
                }
                for (int q = 0; q < k; q++) {
                    lam[index[q]] = 0.0;
                }
            }
        }
    }

    /**
     * The step through a map whose float32 rounding is folded into its weights ({@link org.certus.nn.RoundingRows}):
     * a lane takes row n of {@code plus} (and {@code plusBias}) where {@code λ_n > 0} for an upper bound or
     * {@code λ_n < 0} for a lower one, otherwise row n of {@code minus}. The same operations in the same order as
     * {@link #apply(double[][], double[], int[], double[][], double[][], int, double[], double[], long[], int[])},
     * only on other weights.
     *
     * @param upperOf per lane, whether it bounds from above; null: every lane bounds from below
     * @param pick    scratch of at least {@link #CHUNK} entries, like {@code index}
     */
    static void apply(double[][] plus, double[][] minus, double[] plusBias, double[] minusBias, boolean[] upperOf,
                      int[] rowStart, double[][] lambda, double[][] next, int lanes, double[] cst, double[] mag, long[] terms,
                      int[] index, double[][] pick) {
        int width = minus.length;
        int len = width == 0 ? 0 : minus[0].length;
        // Indexed by the choice, not branched on: the signs of λ follow no pattern a branch predictor could learn.
        double[][][] rowsOf = {minus, plus};
        double[][] biasOf = {minusBias, plusBias};
        for (int n0 = 0; n0 < width; n0 += CHUNK) {
            int n1 = Math.min(width, n0 + CHUNK);
            for (int b = 0; b < lanes; b++) {
                double[] lam = lambda[b];
                // plus where λ > 0 for an upper bound, where λ < 0 for a lower one: λ's sign bit XOR upper.
                int upper = upperOf != null && upperOf[b] ? 1 : 0;
                double c = cst[b], m = mag[b];
                long t = terms[b];
                int k = 0;
                for (int n = n0; n < n1; n++) {
                    double l = lam[n];
                    if (l != 0.0) {
                        int usePlus = (int) (Double.doubleToRawLongBits(l) >>> 63) ^ upper;
                        double tb = l * biasOf[usePlus][n];
                        c += tb;
                        m += Math.abs(tb);
                        t += rowStart[n + 1] - rowStart[n];
                        pick[k] = rowsOf[usePlus][n];
                        index[k++] = n;
                    }
                }
                cst[b] = c;
                mag[b] = m;
                terms[b] = t;
                double[] nx = next[b];
                int g = 0;
                for (; g + 4 <= k; g += 4) {
                    axpy4(nx, pick[g], pick[g + 1], pick[g + 2], pick[g + 3], len, lam[index[g]], lam[index[g + 1]],
                            lam[index[g + 2]], lam[index[g + 3]]);
                }
                switch (k - g) {
                    case 3: axpy3(nx, pick[g], pick[g + 1], pick[g + 2], len, lam[index[g]], lam[index[g + 1]], lam[index[g + 2]]); break;
                    case 2: axpy2(nx, pick[g], pick[g + 1], len, lam[index[g]], lam[index[g + 1]]); break;
                    case 1: axpy1(nx, pick[g], len, lam[index[g]]); break;
                    default: break;
                }
                for (int q = 0; q < k; q++) {
                    lam[index[q]] = 0.0;
                }
            }
        }
        // A thread's scratch must not keep a network's weights alive.
        java.util.Arrays.fill(pick, 0, Math.min(pick.length, CHUNK), null);
    }

    private static void axpy4(double[] nx, double[] w0, double[] w1, double[] w2, double[] w3, int len,
                              double l0, double l1, double l2, double l3) {
        for (int c = 0; c < len; c++) {
            nx[c] += (l0 * w0[c] + l1 * w1[c]) + (l2 * w2[c] + l3 * w3[c]);
        }
    }

    private static void axpy3(double[] nx, double[] w0, double[] w1, double[] w2, int len, double l0, double l1, double l2) {
        for (int c = 0; c < len; c++) {
            nx[c] += (l0 * w0[c] + l1 * w1[c]) + l2 * w2[c];
        }
    }

    private static void axpy2(double[] nx, double[] w0, double[] w1, int len, double l0, double l1) {
        for (int c = 0; c < len; c++) {
            nx[c] += l0 * w0[c] + l1 * w1[c];
        }
    }

    private static void axpy1(double[] nx, double[] w0, int len, double l0) {
        for (int c = 0; c < len; c++) {
            nx[c] += l0 * w0[c];
        }
    }
}
