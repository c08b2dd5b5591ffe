package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DenseBackStep} against exact arithmetic on random matrices (widths on both sides of a chunk, a
 * third of the multipliers zero): every coefficient and constant within the rounding of its sum, the
 * term count and magnitude as the one-row loop keeps them, the multipliers cleared; and each lane the
 * same bits alone as in a block with others.
 */
class DenseBackStepTest {
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void matchesExactSumsAndLanesDoNotInteract(long seed) {
        Random rnd = new Random(seed * 7919 + 3);
        int width = 1 + rnd.nextInt(3 * DenseBackStep.CHUNK);
        int len = 1 + rnd.nextInt(40);
        int lanes = 1 + rnd.nextInt(5);
        double[][] rows = new double[width][len];
        double[] bias = new double[width];
        int[] rowStart = new int[width + 1];
        for (int n = 0; n < width; n++) {
            int nnz = 0;
            for (int c = 0; c < len; c++) {
                rows[n][c] = rnd.nextInt(4) == 0 ? 0.0 : rnd.nextGaussian();
                nnz += rows[n][c] != 0.0 ? 1 : 0;
            }
            bias[n] = rnd.nextGaussian();
            rowStart[n + 1] = rowStart[n] + nnz;
        }
        double[][] lambda = new double[lanes][width];
        for (double[] l : lambda) {
            for (int n = 0; n < width; n++) {
                l[n] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2);
            }
        }
        double[][] original = new double[lanes][];
        for (int b = 0; b < lanes; b++) {
            original[b] = lambda[b].clone();
        }
        double[][] next = new double[lanes][len];
        double[] cst = new double[lanes], mag = new double[lanes];
        long[] terms = new long[lanes];
        DenseBackStep.apply(rows, bias, rowStart, lambda, next, lanes, cst, mag, terms, new int[DenseBackStep.CHUNK]);

        for (int b = 0; b < lanes; b++) {
            double[] l = original[b];
            for (int n = 0; n < width; n++) {
                assertEquals(0.0, lambda[b][n], "seed " + seed + ": multipliers must be cleared");
            }
            long expectTerms = 0;
            double expectMag = 0;
            BigDecimal exactCst = BigDecimal.ZERO;
            for (int n = 0; n < width; n++) {
                if (l[n] != 0.0) {
                    expectTerms += rowStart[n + 1] - rowStart[n];
                    expectMag += Math.abs(l[n] * bias[n]);
                    exactCst = exactCst.add(new BigDecimal(l[n]).multiply(new BigDecimal(bias[n])));
                }
            }
            assertEquals(expectTerms, terms[b], "seed " + seed + ": term count of lane " + b);
            assertEquals(expectMag, mag[b], 1e-12 * (1 + expectMag), "seed " + seed + ": magnitude of lane " + b);
            assertTrue(Math.abs(cst[b] - exactCst.doubleValue()) <= 1e-13 * width * (1 + expectMag),
                    "seed " + seed + ": constant of lane " + b);
            for (int c = 0; c < len; c++) {
                BigDecimal exact = BigDecimal.ZERO;
                double abs = 0;
                for (int n = 0; n < width; n++) {
                    exact = exact.add(new BigDecimal(l[n]).multiply(new BigDecimal(rows[n][c])), MathContext.UNLIMITED);
                    abs += Math.abs(l[n] * rows[n][c]);
                }
                // Any order of summing width terms errs by at most about width·ulp·Σ|terms|.
                double bound = 2 * width * Math.ulp(1.0) * abs;
                assertTrue(Math.abs(next[b][c] - exact.doubleValue()) <= bound + Double.MIN_NORMAL,
                        "seed " + seed + ": coefficient " + c + " of lane " + b + " is " + next[b][c] + ", exactly " + exact);
            }
            // The same lane alone: the same bits.
            double[][] alone = {original[b].clone()};
            double[][] nextAlone = {new double[len]};
            double[] c1 = new double[1], m1 = new double[1];
            DenseBackStep.apply(rows, bias, rowStart, alone, nextAlone, 1, c1, m1, new long[1], new int[DenseBackStep.CHUNK]);
            assertEquals(Double.doubleToLongBits(cst[b]), Double.doubleToLongBits(c1[0]), "seed " + seed + ": constant alone");
            for (int c = 0; c < len; c++) {
                assertEquals(Double.doubleToLongBits(next[b][c]), Double.doubleToLongBits(nextAlone[0][c]),
                        "seed " + seed + ": lane " + b + " alone, coefficient " + c);
            }
        }
    }
}
