package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API's records print the contents of their arrays, not {@code [D@37d31475}. */
class RecordToStringTest {
    static LongStream seeds() {
        return LongStream.range(0, 20);
    }

    static void assertShows(String text, double[] values, String seed) {
        assertTrue(text.contains(Arrays.toString(values)), seed + ": " + text + " does not show " + Arrays.toString(values));
        assertTrue(!text.contains("[D@"), seed + ": " + text);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void counterexamplesAndTheAnswersHoldingThemShowTheirArrays(long seed) {
        Random rnd = new Random(seed);
        double[] x = rnd.doubles(1 + rnd.nextInt(6), -1, 1).toArray();
        double[] y = rnd.doubles(1 + rnd.nextInt(4), -1, 1).toArray();
        Counterexample ce = new Counterexample(x, y, -rnd.nextDouble(), rnd.nextGaussian());
        SearchStatistics stats = new SearchStatistics(1, 0, 0, -1, -1, 0, 0, 1, 0);
        String s = "seed=" + seed;
        assertShows(ce.toString(), x, s);
        assertShows(ce.toString(), y, s);
        assertShows(new DistortionBounds(Norm.LINF, 0.1, 0.2, ce, true, stats, false).toString(), x, s);
        assertShows(new WorstCaseMargin(0.1, 0.2, ce, true, false, stats).toString(), y, s);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void queriesShowTheirBox(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(5);
        double[] lo = rnd.doubles(n, -1, 1).toArray();
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            hi[i] = lo[i] + rnd.nextDouble();
        }
        Network net = new Network("net" + seed, Shape.flat(n), InputDomain.uniform(n, -10, 10),
                List.of(new Dense(n, 2, rnd.doubles(2 * n, -1, 1).toArray(), rnd.doubles(2, -1, 1).toArray()), new Relu(),
                        new Dense(2, 1, rnd.doubles(2, -1, 1).toArray(), rnd.doubles(1, -1, 1).toArray())));
        VerificationQuery q = new VerificationQuery(net, lo, hi, List.of(AffineMap.fromDense(1, 1, new double[] {1.0}, new double[] {0.0})));
        String text = q.toString();
        assertShows(text, lo, "seed=" + seed);
        assertShows(text, hi, "seed=" + seed);
        assertTrue(text.contains("net" + seed), text);
    }
}
