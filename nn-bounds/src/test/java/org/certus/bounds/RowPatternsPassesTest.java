package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Conv2d;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bounding passes over a map large enough to carry {@link org.certus.nn.RowPatterns} (a lowered convolution of
 * 1.2 million weights) against loops over its compressed rows: the back-substitution's scatter, with and without a
 * lane support (the columns it collects, or the lane turning dense), the relaxed forward pass and
 * {@link AffineMap#apply} give the same bits. Each case is a seed, in the test name and every message.
 */
class RowPatternsPassesTest {
    /** 8 → 16 channels, 3×3, on 34×34: 16,384 rows of 72 weights. */
    private static final AffineMap CONV = convolution();

    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    private static AffineMap convolution() {
        Random rnd = new Random(5);
        int inC = 8, outC = 16;
        double[] w = new double[outC * inC * 9];
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextGaussian();
        }
        double[] b = new double[outC];
        for (int k = 0; k < outC; k++) {
            b[k] = rnd.nextGaussian();
        }
        return new Conv2d(inC, outC, Window2d.valid(3, 3, 1, 1), w, b).toAffineMap(Shape.chw(inC, 34, 34));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scatterWithASupportGivesTheSameBitsAndColumns(long seed) {
        AffineMap a = CONV;
        assertNotNull(a.rowPatternsOrNull(), "the map carries patterns");
        Random rnd = new Random(seed);
        int rows = a.rows(), cols = a.cols();
        // The lane's current support: a few outputs (a neuron's receptive field), or enough that the next turns dense.
        int picked = seed % 2 == 0 ? 1 + rnd.nextInt(20) : 200 + rnd.nextInt(400);
        TreeSet<Integer> outs = new TreeSet<>();
        while (outs.size() < picked) {
            outs.add(rnd.nextInt(rows));
        }
        int[] sel = outs.stream().mapToInt(Integer::intValue).toArray();
        AffineMap selector = new AffineMap(1, rows, new int[] {0, sel.length}, sel, ones(sel.length), new double[1]);
        LaneSupport support = new LaneSupport();
        support.reset(1);
        support.startRow(0, selector, 0, rows);
        double[][] lambda = new double[1][rows];
        for (int n : sel) {
            lambda[0][n] = rnd.nextInt(8) == 0 ? 0.0 : rnd.nextGaussian();
        }
        double[] lam = lambda[0].clone();
        double[][] next = new double[1][cols];
        SparseBackStep.apply(a, a.rowStart(), null, lambda, next, 1, new double[1], new double[1], new long[1], support);
        support.swap(1);

        double[] expected = new double[cols];
        TreeSet<Integer> touched = new TreeSet<>();
        int[] rs = a.rowStart(), ci = a.colIndex();
        double[] av = a.values();
        for (int n : sel) {
            if (lam[n] == 0.0) {
                continue;
            }
            for (int q = rs[n]; q < rs[n + 1]; q++) {
                expected[ci[q]] += lam[n] * av[q];
                touched.add(ci[q]);
            }
        }
        String msg = "seed=" + seed + " (" + picked + " outputs)";
        assertBits(expected, next[0], msg);
        boolean dense = touched.size() > cols / LaneSupport.DENSE_SHARE;
        assertEquals(dense, support.dense(0), msg + ": " + touched.size() + " columns of " + cols);
        if (!dense) {
            int[] got = Arrays.copyOf(support.indices(0), support.count(0));
            assertArrayEquals(touched.stream().mapToInt(Integer::intValue).toArray(), got, msg + " support");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scatterForwardPassAndApplyGiveTheSameBits(long seed) {
        AffineMap a = CONV;
        Random rnd = new Random(seed + 1000);
        int rows = a.rows(), cols = a.cols();
        int[] rs = a.rowStart(), ci = a.colIndex();
        double[] av = a.values();
        String msg = "seed=" + seed;

        double[][] lambda = new double[1][rows];
        for (int n = 0; n < rows; n++) {
            lambda[0][n] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian();
        }
        double[] lam = lambda[0].clone();
        double[][] next = new double[1][cols];
        SparseBackStep.apply(a, null, lambda, next, 1, new double[1], new double[1], null);
        double[] expected = new double[cols];
        for (int n = 0; n < rows; n++) {
            if (lam[n] != 0.0) {
                for (int q = rs[n]; q < rs[n + 1]; q++) {
                    expected[ci[q]] += lam[n] * av[q];
                }
            }
        }
        assertBits(expected, next[0], msg + " scatter");

        double[] h = new double[cols];
        for (int c = 0; c < cols; c++) {
            h[c] = rnd.nextInt(4) == 0 ? 0.0 : rnd.nextGaussian();
        }
        boolean[] need = new boolean[rows];
        double[] slope = new double[rows], intercept = new double[rows];
        for (int n = 0; n < rows; n++) {
            need[n] = rnd.nextInt(3) != 0;
            slope[n] = rnd.nextDouble();
            intercept[n] = rnd.nextDouble();
        }
        double[] z = new double[rows], hn = new double[rows], out = new double[rows];
        LanePasses.relaxedLayer(a, h, need, false, slope, intercept, z, hn);
        a.apply(h, out, need);
        for (int n = 0; n < rows; n++) {
            double e = a.bias()[n];
            for (int q = rs[n]; q < rs[n + 1]; q++) {
                e += av[q] * h[ci[q]];
            }
            double ez = need[n] ? e : 0.0;
            assertEquals(Double.doubleToRawLongBits(ez), Double.doubleToRawLongBits(z[n]), msg + " forward row " + n);
            if (need[n]) {
                assertEquals(Double.doubleToRawLongBits(e), Double.doubleToRawLongBits(out[n]), msg + " apply row " + n);
            }
        }
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }

    private static void assertBits(double[] expected, double[] actual, String msg) {
        for (int c = 0; c < expected.length; c++) {
            assertEquals(Double.doubleToRawLongBits(expected[c]), Double.doubleToRawLongBits(actual[c]), msg + " column " + c);
        }
    }
}
