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
        double[] coef = rnd.doubles(n, -1, 1).toArray();
        LinearExpression e = new LinearExpression(idx, coef, rnd.nextGaussian());
        assertShows(e.toString(), Arrays.toString(idx), seed);
        assertShows(e.toString(), Arrays.toString(coef), seed);

        IdealReluCuts.Cut cut = new IdealReluCuts.Cut(idx, coef, rnd.nextGaussian());
        assertShows(cut.toString(), Arrays.toString(coef), seed);

        double[] lower = rnd.doubles(n, -1, 1).toArray();
        double[][] argmin = {rnd.doubles(3, -1, 1).toArray(), rnd.doubles(3, -1, 1).toArray()};
        LinearBounds b = new LinearBounds(lower, argmin, new double[][] {rnd.doubles(2, -1, 1).toArray()});
        assertShows(b.toString(), Arrays.toString(lower), seed);
        assertShows(b.toString(), Arrays.deepToString(argmin), seed);

        double[] incumbent = rnd.doubles(n, -1, 1).toArray();
        MilpResult r = new MilpResult(MilpStatus.OPTIMAL, rnd.nextGaussian(), incumbent, rnd.nextGaussian(), 3, 0);
        assertShows(r.toString(), Arrays.toString(incumbent), seed);
    }
}
