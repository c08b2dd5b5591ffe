package org.certus.encode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import org.certus.bounds.LinearBounds;
import org.certus.milp.MilpResult;
import org.certus.milp.MilpStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Records holding arrays print their contents, not {@code [D@37d31475}. */
class RecordToStringTest {
    static LongStream seeds() {
        return LongStream.range(0, 20);
    }

    static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    static int[] indices(Random rnd, int n) {
        return rnd.ints(n, 0, 1000).toArray();
    }

    static void assertShows(String text, String array, long seed) {
        assertTrue(text.contains(array), "seed=" + seed + ": " + text + " does not show " + array);
        assertTrue(!text.contains("[D@") && !text.contains("[I@"), "seed=" + seed + ": " + text);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arraysAreShown(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(6);
        int[] idx = indices(rnd, n);
        double[] coef = random(rnd, n);
        LinearExpression e = new LinearExpression(idx, coef, rnd.nextGaussian());
        assertShows(e.toString(), Arrays.toString(idx), seed);
        assertShows(e.toString(), Arrays.toString(coef), seed);

        IdealReluCuts.Cut cut = new IdealReluCuts.Cut(idx, coef, rnd.nextGaussian());
        assertShows(cut.toString(), Arrays.toString(coef), seed);

        double[] lower = random(rnd, n);
        double[][] argmin = {random(rnd, 3), random(rnd, 3)};
        LinearBounds b = new LinearBounds(lower, argmin, new double[][] {random(rnd, 2)});
        assertShows(b.toString(), Arrays.toString(lower), seed);
        assertShows(b.toString(), Arrays.deepToString(argmin), seed);

        double[] incumbent = random(rnd, n);
        MilpResult r = new MilpResult(MilpStatus.OPTIMAL, rnd.nextGaussian(), incumbent, rnd.nextGaussian(), 3, 0);
        assertShows(r.toString(), Arrays.toString(incumbent), seed);
    }
}
