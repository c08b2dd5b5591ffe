package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Float32Rounding#rowErrors} with its summation-tree bound ({@link Float32Rounding#treeBound}): every float32
 * evaluation order of a dot product stays within it, and for terms of similar size it is about half of
 * {@code γ_{m+1}·Σ|terms|}. Sums of one repeated value are where it gains most: every addition rounds by up to half
 * an ulp of a growing partial sum, and for some values (just below 2) the error reaches 0.48 of the bound. Where one
 * term dominates, the bound stays at {@code γ_{m+1}·Σ}, which Higham's worst case in
 * {@link Float32RoundingZeroTermsTest} attains (with the tree bound halved, 22 of its 30 cases fail).
 */
public class Float32RoundingTreeBoundTest {
    static IntStream seeds() {
        return IntStream.range(0, 60);
    }

    /** One float32 value summed n times (weights v, inputs 1), recursively and pairwise, bias 0. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void repeatedValueStaysWithinAboutHalfTheGammaBound(int seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(400);
        float v = (float) Math.scalb(1 + rnd.nextInt(1 << 23) * 0x1p-23, rnd.nextInt(20) - 10);
        double[] w = new double[n];
        double[] x = new double[n];
        java.util.Arrays.fill(w, v);
        java.util.Arrays.fill(x, 1.0);
        float[] terms = new float[n];
        java.util.Arrays.fill(terms, v);
        double exact = (double) v * n;
        double bound = Float32Rounding.rowErrors(AffineMap.fromDense(1, n, w, new double[1]), x)[0];
        String ctx = "seed " + seed + ": " + n + " × " + v;
        for (float s : new float[] {recursive(terms), pairwise(terms, 0, n)}) {
            double error = Math.abs(s - exact);
            assertTrue(error <= bound, ctx + ": error " + error + " above the bound " + bound);
        }
        double gammaBound = Float32Rounding.gamma(n + 1) * exact;
        if (n >= Float32Rounding.TREE_MIN_TERMS) {
            assertTrue(bound <= 0.55 * gammaBound, ctx + ": bound " + bound + " not near half of γ·Σ " + gammaBound);
        }
        assertTrue(bound <= gammaBound * (1 + 1e-9) + n * Float32Rounding.UNDERFLOW * 2, ctx + ": looser than γ·Σ");
    }

    /** 300 × (2 − 2^-16), recursively: each addition rounds the same way, and the error is 0.48 of the bound. */
    @org.junit.jupiter.api.Test
    void repeatedValueJustBelowTwoReachesHalfTheBound() {
        int n = 300;
        float v = (float) (2 - 0x1p-16);
        float[] terms = new float[n];
        java.util.Arrays.fill(terms, v);
        double[] w = new double[n];
        double[] x = new double[n];
        java.util.Arrays.fill(w, v);
        java.util.Arrays.fill(x, 1.0);
        double bound = Float32Rounding.rowErrors(AffineMap.fromDense(1, n, w, new double[1]), x)[0];
        double error = Math.abs(recursive(terms) - (double) v * n);
        assertTrue(error <= bound && error >= 0.45 * bound, "error " + error + " against the bound " + bound);
    }

    /** Mixed signs and magnitudes (some skewed by powers of two), a bias, and six evaluation orders. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyOrderStaysWithinTheBound(int seed) {
        Random rnd = new Random(seed * 31L + 7);
        int n = 1 + rnd.nextInt(300);
        boolean skewed = rnd.nextBoolean();
        double[] w = new double[n];
        double[] x = new double[n];
        double[] maxAbs = new double[n];
        for (int q = 0; q < n; q++) {
            double scale = skewed ? Math.scalb(1.0, rnd.nextInt(16) - 8) : 1.0;
            w[q] = (float) (rnd.nextGaussian() * scale);
            x[q] = (float) (rnd.nextBoolean() ? rnd.nextDouble() : rnd.nextGaussian());
            // The bound is evaluated at magnitudes at least the input's (as the engine's box bounds are).
            maxAbs[q] = Math.abs(x[q]) * (rnd.nextBoolean() ? 1 : 1 + rnd.nextDouble());
        }
        double b = (float) rnd.nextGaussian();
        double bound = Float32Rounding.rowErrors(AffineMap.fromDense(1, n, w, new double[] {b}), maxAbs)[0];
        BigDecimal exact = new BigDecimal(b);
        float[] terms = new float[n + 1];
        for (int q = 0; q < n; q++) {
            // A product of two floats is exact in double.
            exact = exact.add(new BigDecimal(w[q] * x[q]));
            terms[q] = (float) w[q] * (float) x[q];
        }
        terms[n] = (float) b;
        float fma = (float) b;
        for (int q = 0; q < n; q++) {
            fma = Math.fma((float) w[q], (float) x[q], fma);
        }
        float[] byMagnitude = sortedByMagnitude(terms, true);
        float[] ascending = sortedByMagnitude(terms, false);
        float[] results = {recursive(terms), recursive(byMagnitude), recursive(ascending), pairwise(terms, 0, terms.length),
            randomTree(terms, 0, terms.length, rnd), fma};
        String[] names = {"recursive", "largest first", "smallest first", "pairwise", "random tree", "fma"};
        for (int o = 0; o < results.length; o++) {
            double error = Math.abs(new BigDecimal(results[o]).subtract(exact).doubleValue());
            assertTrue(error <= bound, "seed " + seed + " (" + names[o] + ", n = " + n + "): error " + error + " above " + bound);
        }
    }

    private static float recursive(float[] t) {
        float s = 0f;
        for (float v : t) {
            s += v;
        }
        return s;
    }

    private static float pairwise(float[] t, int from, int to) {
        if (to - from == 1) {
            return t[from];
        }
        int mid = (from + to) >>> 1;
        return pairwise(t, from, mid) + pairwise(t, mid, to);
    }

    private static float randomTree(float[] t, int from, int to, Random rnd) {
        if (to - from == 1) {
            return t[from];
        }
        int mid = from + 1 + rnd.nextInt(to - from - 1);
        return randomTree(t, from, mid, rnd) + randomTree(t, mid, to, rnd);
    }

    private static float[] sortedByMagnitude(float[] t, boolean largestFirst) {
        Float[] boxed = new Float[t.length];
        for (int i = 0; i < t.length; i++) {
            boxed[i] = t[i];
        }
        java.util.Arrays.sort(boxed, (p, q) -> largestFirst ? Float.compare(Math.abs(q), Math.abs(p)) : Float.compare(Math.abs(p), Math.abs(q)));
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }
}
