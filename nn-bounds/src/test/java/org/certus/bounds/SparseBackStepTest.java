package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.SparseColumns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SparseBackStep} against the row-by-row scatter it replaces, on random sparse maps: every needed input's
 * coefficient, the constant, magnitude and term count are the same numbers, whether a lane is gathered (λ
 * non-zero on most outputs) or scattered (λ on a few), and whatever the other lanes of its block are; the
 * multipliers are cleared; and the transpose lists every stored entry once, ascending by output.
 */
class SparseBackStepTest {
    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    /** About a fifth of the entries stored ({@link AffineMap#fromDense} keeps the non-zero ones). */
    static AffineMap randomSparseMap(Random rnd, int rows, int cols) {
        double[] w = new double[rows * cols];
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextInt(5) == 0 ? rnd.nextGaussian() : 0.0;
        }
        double[] bias = new double[rows];
        for (int r = 0; r < rows; r++) {
            bias[r] = rnd.nextGaussian();
        }
        return AffineMap.fromDense(rows, cols, w, bias);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sameNumbersAsTheScatter(long seed) {
        Random rnd = new Random(seed * 31 + 17);
        int rows = 1 + rnd.nextInt(120);
        int cols = 1 + rnd.nextInt(120);
        AffineMap a = randomSparseMap(rnd, rows, cols);
        int lanes = 1 + rnd.nextInt(6);
        double[][] lambda = new double[lanes][rows];
        boolean[] dense = new boolean[lanes];
        for (int b = 0; b < lanes; b++) {
            // Dense lanes (most outputs non-zero) take the gather, sparse ones (one or two outputs) the scatter.
            dense[b] = rnd.nextBoolean();
            for (int n = 0; n < rows; n++) {
                boolean on = dense[b] ? rnd.nextInt(4) != 0 : rnd.nextInt(rows) < 2;
                lambda[b][n] = on ? rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2) : 0.0;
            }
        }
        double[] needed = rnd.nextBoolean() ? null : new double[cols];
        for (int c = 0; needed != null && c < cols; c++) {
            needed[c] = rnd.nextInt(3) == 0 ? -rnd.nextDouble() : rnd.nextInt(5) == 0 ? 0.0 : rnd.nextDouble();
        }
        double[][] original = new double[lanes][];
        for (int b = 0; b < lanes; b++) {
            original[b] = lambda[b].clone();
        }
        double[][] next = new double[lanes][cols];
        double[] cst = new double[lanes], mag = new double[lanes];
        long[] terms = new long[lanes];
        for (int b = 0; b < lanes; b++) {
            cst[b] = rnd.nextGaussian();
            mag[b] = Math.abs(cst[b]);
        }
        double[] cst0 = cst.clone(), mag0 = mag.clone();
        SparseBackStep.apply(a, needed, lambda, next, lanes, cst, mag, terms);

        for (int b = 0; b < lanes; b++) {
            String where = "seed " + seed + " lane " + b + (dense[b] ? " (dense λ)" : " (sparse λ)");
            double[] ref = new double[cols];
            double c = cst0[b], g = mag0[b];
            long t = 0;
            for (int n = 0; n < rows; n++) {
                double l = original[b][n];
                if (l == 0.0) {
                    continue;
                }
                c += l * a.bias()[n];
                g += Math.abs(l * a.bias()[n]);
                t += a.rowStart()[n + 1] - a.rowStart()[n];
                for (int q = a.rowStart()[n]; q < a.rowStart()[n + 1]; q++) {
                    ref[a.colIndex()[q]] += l * a.values()[q];
                }
            }
            assertEquals(c, cst[b], 0.0, where);
            assertEquals(g, mag[b], 0.0, where);
            assertEquals(t, terms[b], where);
            for (int col = 0; col < cols; col++) {
                if (needed == null || needed[col] > 0) {
                    assertTrue(ref[col] == next[b][col], where + ": input " + col + " " + next[b][col] + " vs " + ref[col]);
                }
            }
            for (int n = 0; n < rows; n++) {
                assertEquals(0.0, lambda[b][n], where + ": multipliers must be cleared");
            }
            // The same lane alone: the same numbers.
            double[][] alone = {original[b].clone()};
            double[][] nextAlone = {new double[cols]};
            double[] cA = {cst0[b]}, gA = {mag0[b]};
            SparseBackStep.apply(a, needed, alone, nextAlone, 1, cA, gA, null);
            assertEquals(cst[b], cA[0], 0.0, where + " alone");
            for (int col = 0; col < cols; col++) {
                if (needed == null || needed[col] > 0) {
                    assertTrue(next[b][col] == nextAlone[0][col], where + " alone: input " + col);
                }
            }
        }
    }

    /** Not vacuous: a lane with λ on every output is gathered, and the gather leaves inputs nothing reads at 0. */
    @Test
    void aDenseLaneIsGatheredAndSkipsInputsNotNeeded() {
        Random rnd = new Random(5);
        AffineMap a = randomSparseMap(rnd, 60, 40);
        double[][] lambda = {new double[60]};
        java.util.Arrays.fill(lambda[0], 1.0);
        double[] needed = new double[40];
        needed[3] = 1.0;
        double[][] next = {new double[40]};
        SparseBackStep.apply(a, needed, lambda, next, 1, new double[1], new double[1], null);
        double sum3 = 0;
        for (int n = 0; n < 60; n++) {
            for (int q = a.rowStart()[n]; q < a.rowStart()[n + 1]; q++) {
                if (a.colIndex()[q] == 3) {
                    sum3 += a.values()[q];
                }
            }
        }
        assertTrue(sum3 != 0.0, "test map has no entry in column 3");
        assertEquals(sum3, next[0][3], 1e-12);
        for (int col = 0; col < 40; col++) {
            if (col != 3) {
                assertEquals(0.0, next[0][col], "input " + col + " is not needed and must not be computed");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void transposeListsEveryEntryOnceAscendingByOutput(long seed) {
        Random rnd = new Random(seed);
        AffineMap a = randomSparseMap(rnd, 1 + rnd.nextInt(50), 1 + rnd.nextInt(50));
        SparseColumns t = a.sparseColumnsOrNull();
        double[][] fromRows = new double[a.rows()][a.cols()];
        for (int r = 0; r < a.rows(); r++) {
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                fromRows[r][a.colIndex()[q]] = a.values()[q];
            }
        }
        double[][] fromColumns = new double[a.rows()][a.cols()];
        assertEquals(a.nonZeros(), t.columnStart()[a.cols()], "seed " + seed);
        for (int c = 0; c < a.cols(); c++) {
            for (int q = t.columnStart()[c]; q < t.columnStart()[c + 1]; q++) {
                if (q > t.columnStart()[c]) {
                    assertTrue(t.rowIndex()[q] > t.rowIndex()[q - 1], "seed " + seed + ": column " + c + " not ascending");
                }
                fromColumns[t.rowIndex()[q]][c] = t.values()[q];
            }
        }
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                assertEquals(fromRows[r][c], fromColumns[r][c], 0.0, "seed " + seed + " entry " + r + "," + c);
            }
        }
    }
}
