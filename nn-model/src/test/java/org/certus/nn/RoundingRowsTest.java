package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RoundingRows}: every entry of {@code plus} is at least {@code W + E} and every entry of {@code minus} at
 * most {@code W − E}, in exact arithmetic ({@link BigDecimal}), with {@code E} the map's float32 error map; the two
 * keep the map's stored entries, so their dense copies exist exactly when the map's do.
 */
class RoundingRowsTest {
    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void entriesAreRoundedOutward(long seed) {
        Random rnd = new Random(seed);
        int rows = 1 + rnd.nextInt(12), cols = 1 + rnd.nextInt(12);
        double[] w = new double[rows * cols];
        double[] b = new double[rows];
        for (int i = 0; i < w.length; i++) {
            // Some exact zeros (not stored: some maps come out sparse), the rest of wildly different magnitudes and signs.
            w[i] = rnd.nextInt(5) == 0 ? 0.0 : (float) (Math.pow(10, -6 + 12 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1));
        }
        for (int r = 0; r < rows; r++) {
            b[r] = (float) (rnd.nextGaussian() * 10);
        }
        AffineMap a = AffineMap.fromDense(rows, cols, w, b);
        AffineMap e = Float32Rounding.errorMap(a);
        RoundingRows rr = RoundingRows.of(a, e);
        AffineMap p = rr.plus(), m = rr.minus();
        assertArrayEquals(a.rowStart(), p.rowStart(), "seed " + seed);
        assertArrayEquals(a.colIndex(), m.colIndex(), "seed " + seed);
        for (int q = 0; q < a.values().length; q++) {
            BigDecimal wq = new BigDecimal(a.values()[q]);
            BigDecimal eq = new BigDecimal(e.values()[q]);
            assertTrue(new BigDecimal(p.values()[q]).compareTo(wq.add(eq)) >= 0, "seed " + seed + " entry " + q);
            assertTrue(new BigDecimal(m.values()[q]).compareTo(wq.subtract(eq)) <= 0, "seed " + seed + " entry " + q);
        }
        for (int r = 0; r < rows; r++) {
            BigDecimal br = new BigDecimal(a.bias()[r]);
            BigDecimal cr = new BigDecimal(e.bias()[r]);
            assertTrue(new BigDecimal(p.bias()[r]).compareTo(br.add(cr)) >= 0, "seed " + seed + " bias " + r);
            assertTrue(new BigDecimal(m.bias()[r]).compareTo(br.subtract(cr)) <= 0, "seed " + seed + " bias " + r);
        }
        assertEquals(a.denseRowsOrNull() == null, p.denseRowsOrNull() == null, "seed " + seed);
    }

    @Test
    void refusesAnErrorMapWithOtherEntries() {
        AffineMap a = AffineMap.fromDense(2, 2, new double[] {1, 0, 0, 1}, new double[2]);
        AffineMap other = AffineMap.fromDense(2, 2, new double[] {1, 1, 1, 1}, new double[2]);
        assertThrows(IllegalArgumentException.class, () -> RoundingRows.of(a, Float32Rounding.errorMap(other)));
    }

    @Test
    void onlyDenseMapsWithEnoughInputsGetThem() {
        int n = RoundingRows.MIN_INPUTS;
        assertNotNull(firstLayerRows(n, false), "a dense map of MIN_INPUTS inputs");
        assertNull(firstLayerRows(n - 1, false), "fewer inputs keep the constant error");
        assertNull(firstLayerRows(n, true), "a sparse map (an identity) keeps the constant error");
    }

    /** {@code float32RoundingRows(0)} of a network whose first map has {@code inputs} inputs (dense, or an identity). */
    private static RoundingRows firstLayerRows(int inputs, boolean identity) {
        int rows = identity ? inputs : 4;
        double[] w = new double[rows * inputs];
        for (int i = 0; i < w.length; i++) {
            w[i] = identity ? (i / inputs == i % inputs ? 1 : 0) : 1 + i % 7;
        }
        AffineMap first = AffineMap.fromDense(rows, inputs, w, new double[rows]);
        double[] o = new double[rows];
        java.util.Arrays.fill(o, 1);
        AffineMap out = AffineMap.fromDense(1, rows, o, new double[1]);
        ReluChain chain = ReluChain.of(new Network("n", Shape.flat(inputs), InputDomain.uniform(inputs, -1, 1),
                List.of(new AffineTransform(first), new Relu(), new AffineTransform(out))));
        return chain.float32RoundingRows(0);
    }
}
