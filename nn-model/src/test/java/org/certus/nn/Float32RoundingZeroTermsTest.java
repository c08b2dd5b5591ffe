package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rounding bound counts only the terms that can be nonzero ({@link Float32Rounding#rowErrors} with magnitudes
 * of 0, {@link Float32Rounding#errorMap(AffineMap, int, boolean[])} with a mask), and stays sound at its tightest.
 * The row is Higham's worst case for recursive summation: 1 followed by k − 1 terms of {@code u = 2^-24}, each of
 * which rounds away (a tie to even), so the float32 sum is 1 and the error {@code (k − 1) u}, all but the whole
 * bound {@code γ_{k+1}·Σ|terms|}; the row's other inputs are 0. A bound that counted fewer terms than the nonzero
 * ones would miss this error; one that counted all of them would be {@code m / k} times looser.
 */
public class Float32RoundingZeroTermsTest {
    static IntStream cases() {
        return IntStream.range(0, 30);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void boundCountsNonzeroTermsAndCoversTheWorstCase(int seed) {
        Random rnd = new Random(seed);
        int k = 2 + rnd.nextInt(200);
        int m = k + 1 + rnd.nextInt(1000);
        double[] w = new double[m];
        double[] x = new double[m];
        boolean[] zero = new boolean[m];
        // The nonzero terms sit at random places among the zero ones.
        int[] order = shuffled(m, rnd);
        for (int t = 0; t < m; t++) {
            int c = order[t];
            if (t < k) {
                w[c] = t == 0 ? 1 : 0x1p-24;
                x[c] = 1;
            } else {
                w[c] = (float) (rnd.nextGaussian() * 100);
                zero[c] = true;
            }
        }
        AffineMap a = AffineMap.fromDense(1, m, w, new double[1]);
        // The worst order: 1 first, then the small terms in turn (a zero term anywhere changes nothing).
        float s = 0f;
        for (int t = 0; t < m; t++) {
            s += (float) w[order[t]] * (float) x[order[t]];
        }
        double exact = 1 + (k - 1) * 0x1p-24;
        double error = exact - s;
        String ctx = "case " + seed + ": k = " + k + " nonzero of m = " + m + ", error " + error;
        assertTrue(error >= (k - 1) * 0x1p-24 * 0.999, ctx + ": not the worst case");

        double[] maxAbs = new double[m];
        for (int c = 0; c < m; c++) {
            maxAbs[c] = zero[c] ? 0 : x[c];
        }
        double rows = Float32Rounding.rowErrors(a, maxAbs)[0];
        double mapped = applyUp(Float32Rounding.errorMap(a, 0, zero), maxAbs);
        double tight = Float32Rounding.gamma(k + 1) * exact * (1 + 1e-9) + 1e-40;
        for (double bound : new double[] {rows, mapped}) {
            assertTrue(bound >= error, ctx + ": bound " + bound + " misses the error");
            assertTrue(bound <= tight, ctx + ": bound " + bound + " counts more than the nonzero terms (" + tight + ")");
        }
        // Without the mask, every stored term counts: sound, and looser.
        assertTrue(applyUp(Float32Rounding.errorMap(a), maxAbs) >= Float32Rounding.gamma(m + 1) * exact, ctx);
    }

    private static double applyUp(AffineMap e, double[] v) {
        double[] out = new double[1];
        AffineOperation.applyUp(e, v, out);
        return out[0];
    }

    /**
     * A random order of 0 … m−1 (Fisher–Yates), shared with the bound test of the same worst case: the first entry
     * places the 1, the next k − 1 the small terms, the rest the zeros.
     */
    public static int[] shuffled(int m, Random rnd) {
        int[] p = IntStream.range(0, m).toArray();
        for (int i = m - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
