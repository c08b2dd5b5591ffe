package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RowPatterns} against the compressed rows it stands for: on lowered convolutions (alone, and two side by side
 * at different strides, as a residual Add composes them) and on random maps with repeated, shifted and signed-zero
 * rows, every row comes back entry for entry, and the scatter and the dot products give the compressed rows' numbers
 * bit for bit. Each case is a seed; it is in the test name and every message.
 */
class RowPatternsTest {

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void convolutionRowsShareTheirKernelsAndGiveTheSameNumbers(long seed) {
        Random rnd = new Random(seed);
        int inC = 1 + rnd.nextInt(4), outC = 1 + rnd.nextInt(4), h = 16 + rnd.nextInt(15), w = 16 + rnd.nextInt(15);
        Window2d win = new Window2d(3 + rnd.nextInt(2), 3 + rnd.nextInt(2), 1, 1, rnd.nextInt(2), rnd.nextInt(2),
                rnd.nextInt(2), rnd.nextInt(2));
        AffineMap conv = RandomNetworks.convLayer(rnd, inC, outC, win).toAffineMap(Shape.chw(inC, h, w));
        AffineMap map = conv;
        if (rnd.nextBoolean()) {
            // A second branch at stride 2 over an input about twice the size: the same outputs, shifting twice as fast.
            Shape out = Shape.chw(outC, win.outHeight(h), win.outWidth(w));
            Window2d strided = Window2d.valid(1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 2, 2);
            Shape twice = Shape.chw(inC, 2 * (out.height() - 1) + strided.kernelH(), 2 * (out.width() - 1) + strided.kernelW());
            AffineMap other = RandomNetworks.convLayer(rnd, inC, outC, strided).toAffineMap(twice);
            assertEquals(conv.rows(), other.rows(), "seed=" + seed);
            map = sideBySide(conv, other);
        }
        RowPatterns p = RowPatterns.of(map);
        assertNotNull(p, "seed=" + seed + ": a convolution's rows repeat: " + map.rows() + " rows, " + map.nonZeros() + " entries, " + win + ", " + inC + " channels");
        assertTrue(p.patterns() < map.rows(), "seed=" + seed + ": " + p.patterns() + " patterns for " + map.rows() + " rows");
        assertSameNumbers(map, p, rnd, "seed=" + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void repeatedRandomRowsGiveTheSameNumbers(long seed) {
        Random rnd = new Random(seed);
        int cols = 50 + rnd.nextInt(3000);
        AffineMap map = repeatedRows(rnd, cols, 200 + rnd.nextInt(400));
        RowPatterns p = RowPatterns.of(map);
        if (p == null) {
            return; // too few repeats to pay: the compressed rows serve
        }
        assertSameNumbers(map, p, rnd, "seed=" + seed);
    }

    @Test
    void rowsThatDoNotRepeatGetNoPatterns() {
        Random rnd = new Random(7);
        double[] w = RandomNetworks.uniform(rnd, 40 * 30, -1, 1);
        assertNull(RowPatterns.of(AffineMap.fromDense(40, 30, w, new double[40])));
    }

    /** Only maps past the size where their passes leave the cache carry patterns. */
    @Test
    void theMapKeepsPatternsFromItsSizeOn() {
        Random rnd = new Random(11);
        Window2d win = new Window2d(3, 3, 1, 1, 0, 0, 0, 0);
        AffineMap small = RandomNetworks.convLayer(rnd, 2, 4, win).toAffineMap(Shape.chw(2, 20, 20));
        assertNull(small.rowPatternsOrNull(), "a small convolution");
        AffineMap large = RandomNetworks.convLayer(rnd, 8, 16, win).toAffineMap(Shape.chw(8, 34, 34));
        assertTrue(large.nonZeros() >= AffineMap.ROW_PATTERNS_MIN_NONZEROS, "large enough: " + large.nonZeros());
        RowPatterns p = large.rowPatternsOrNull();
        assertNotNull(p, "a large convolution");
        assertEquals(16, p.patterns(), "one kernel per output channel (no padding)");
        assertTrue(large.rowPatternsOrNull() == p, "built once");
    }

    private static void assertSameNumbers(AffineMap a, RowPatterns p, Random rnd, String msg) {
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] av = a.values();
        for (int n = 0; n < a.rows(); n++) {
            Object[] row = p.row(n);
            assertArrayEquals(Arrays.copyOfRange(ci, rs[n], rs[n + 1]), (int[]) row[0], msg + " row " + n + " columns");
            double[] w = (double[]) row[1];
            for (int k = 0; k < w.length; k++) {
                assertEquals(Double.doubleToRawLongBits(av[rs[n] + k]), Double.doubleToRawLongBits(w[k]),
                        msg + " row " + n + " entry " + k);
            }
        }
        for (int trial = 0; trial < 3; trial++) {
            double[] lam = new double[a.rows()];
            for (int n = 0; n < lam.length; n++) {
                lam[n] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
            }
            double[] expected = new double[a.cols()];
            for (int n = 0; n < a.rows(); n++) {
                if (lam[n] != 0.0) {
                    for (int q = rs[n]; q < rs[n + 1]; q++) {
                        expected[ci[q]] += lam[n] * av[q];
                    }
                }
            }
            double[] actual = new double[a.cols()];
            p.scatter(lam, actual);
            assertBits(expected, actual, msg + " scatter");

            int m = 1 + rnd.nextInt(3);
            double[][] h = new double[m][a.cols()];
            double[] hI = new double[a.cols() * m];
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < a.cols(); c++) {
                    h[i][c] = rnd.nextInt(4) == 0 ? 0.0 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
                    hI[c * m + i] = h[i][c];
                }
            }
            double[] acc = new double[m];
            for (int n = 0; n < a.rows(); n++) {
                double bias = a.bias()[n];
                Arrays.fill(acc, bias);
                p.dotInterleaved(n, hI, m, acc);
                for (int i = 0; i < m; i++) {
                    double e = bias;
                    for (int q = rs[n]; q < rs[n + 1]; q++) {
                        e += av[q] * h[i][ci[q]];
                    }
                    assertEquals(Double.doubleToRawLongBits(e), Double.doubleToRawLongBits(p.dot(n, h[i], bias)),
                            msg + " dot row " + n + " lane " + i);
                    assertEquals(Double.doubleToRawLongBits(e), Double.doubleToRawLongBits(acc[i]),
                            msg + " interleaved dot row " + n + " lane " + i);
                }
            }
        }
    }

    private static void assertBits(double[] expected, double[] actual, String msg) {
        for (int c = 0; c < expected.length; c++) {
            assertEquals(Double.doubleToRawLongBits(expected[c]), Double.doubleToRawLongBits(actual[c]), msg + " column " + c);
        }
    }

    /** {@code [a | b]}: each row a's entries, then b's with their columns after a's. */
    private static AffineMap sideBySide(AffineMap a, AffineMap b) {
        int rows = a.rows();
        int[] start = new int[rows + 1];
        int[] idx = new int[a.nonZeros() + b.nonZeros()];
        double[] val = new double[idx.length];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                idx[k] = a.colIndex()[q];
                val[k++] = a.values()[q];
            }
            for (int q = b.rowStart()[r]; q < b.rowStart()[r + 1]; q++) {
                idx[k] = a.cols() + b.colIndex()[q];
                val[k++] = b.values()[q];
            }
        }
        start[rows] = k;
        double[] bias = new double[rows];
        for (int r = 0; r < rows; r++) {
            bias[r] = a.bias()[r] + b.bias()[r];
        }
        return new AffineMap(rows, a.cols() + b.cols(), start, idx, val, bias);
    }

    /**
     * Rows drawn from a few templates at random shifts, some with one weight changed, some with +0.0 against −0.0
     * (the same value, other bits), some with columns out of order, and some fresh.
     */
    private static AffineMap repeatedRows(Random rnd, int cols, int rows) {
        int templates = 1 + rnd.nextInt(6);
        int[][] tCols = new int[templates][];
        double[][] tVals = new double[templates][];
        for (int t = 0; t < templates; t++) {
            int len = 1 + rnd.nextInt(Math.min(40, cols));
            int span = Math.min(cols, len + rnd.nextInt(cols));
            int[] c = rnd.ints(0, span).distinct().limit(len).sorted().toArray();
            tCols[t] = c;
            tVals[t] = new double[c.length];
            for (int k = 0; k < c.length; k++) {
                tVals[t][k] = rnd.nextInt(10) == 0 ? 0.0 : rnd.nextGaussian();
            }
        }
        int[] start = new int[rows + 1];
        int[] idx = new int[rows * 40];
        double[] val = new double[idx.length];
        double[] bias = new double[rows];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            bias[r] = rnd.nextGaussian();
            int t = rnd.nextInt(templates);
            int[] c = tCols[t];
            double[] v = tVals[t].clone();
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                v[rnd.nextInt(v.length)] += 1e-12;
            } else if (kind == 1) {
                for (int q = 0; q < v.length; q++) {
                    if (v[q] == 0.0) {
                        v[q] = -0.0;
                    }
                }
            } else if (kind == 2) {
                for (int q = 0; q < v.length; q++) {
                    v[q] = rnd.nextGaussian();
                }
            }
            int shift = rnd.nextInt(cols - c[c.length - 1]);
            int[] order = new int[c.length];
            for (int q = 0; q < c.length; q++) {
                order[q] = q;
            }
            if (kind == 3 && c.length > 1) {
                order[0] = 1;
                order[1] = 0;
            }
            for (int q : order) {
                idx[k] = c[q] + shift;
                val[k++] = v[q];
            }
        }
        start[rows] = k;
        return new AffineMap(rows, cols, start, Arrays.copyOf(idx, k), Arrays.copyOf(val, k), bias);
    }
}
