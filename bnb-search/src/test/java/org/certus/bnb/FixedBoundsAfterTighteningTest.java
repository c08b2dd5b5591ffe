package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.tighten.Tightening;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-neuron searches that tighten the root, and the search after them, keep each split's parent's hidden-layer
 * bounds whatever {@link SearchOptions#fixedIntermediateBounds()} says: on random deep networks
 * ({@link #nearlyTightQuery}) the search with the option off is the search with it on, node for node, whenever the
 * tightening ran and the search then branched. Before that change the two differed on all six seeds that qualify.
 * (One worker, so that the tree does not depend on the workers' timing; verified queries only, where no time-shared
 * local descent can end the search early; and only where the option on gives the same tree twice.) Soundness in that mode is {@link BruteForceAgreementTest}'s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FixedBoundsAfterTighteningTest {
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    /**
     * A random network of 3–4 inputs and 3–4 hidden layers of 6–10 ReLUs over a wide box, and one margin row whose
     * offset puts the smallest of 4,000 sampled margins just above zero: mostly verified, and not at the root.
     */
    static VerificationQuery nearlyTightQuery(Random rnd) {
        int inputs = 3 + rnd.nextInt(2);
        Network net = NeuronSearchTighteningTest.randomDeepNetwork(rnd, inputs, 1.0, 3, 2, 6, 5);
        double[] lo = new double[inputs];
        double[] hi = new double[inputs];
        for (int d = 0; d < inputs; d++) {
            lo[d] = -0.5 - 0.5 * rnd.nextDouble();
            hi[d] = 0.5 + 0.5 * rnd.nextDouble();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] x = new double[inputs];
        for (int k = 0; k < 4000; k++) {
            for (int d = 0; d < inputs; d++) {
                x[d] = lo[d] + rnd.nextDouble() * (hi[d] - lo[d]);
            }
            double[] y = net.evaluate(x);
            min = Math.min(min, y[0] - y[1]);
            max = Math.max(max, y[0] - y[1]);
        }
        AffineMap row = AffineMap.fromDense(1, 2, new double[] {1, -1}, new double[] {-min + 0.02 * (max - min)});
        return new VerificationQuery(net, lo, hi, List.of(row));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void childrenKeepTheTightenedBoundsWhateverTheOptionSays(long seed) {
        VerificationQuery q = nearlyTightQuery(new Random(seed));
        AtomicInteger tightenings = new AtomicInteger();
        SearchListener counting = new SearchListener() {
            @Override
            public void rootTightened(Tightening kind, long unstableBefore, long unstableAfter, double bound, long millis) {
                tightenings.incrementAndGet();
            }
        };
        // Runs 0 and 2 keep the bounds because the option says so, run 1 only because the tightening ran.
        Verdict[] v = new Verdict[3];
        for (int run = 0; run < 3; run++) {
            SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(50)).withThreads(1).withSplitMode(SplitMode.RELU)
                    .withAttack(0, 20).withBoundIterations(40).withFixedIntermediateBounds(run != 1).withListener(counting)
                    .withRootTightening(new RootTightening(Tightening.MIP, Duration.ofSeconds(2), Duration.ofSeconds(20), true));
            v[run] = new BranchAndBound(q, o).run();
            if (run == 0) {
                Assumptions.assumeTrue(tightenings.get() > 0, "seed " + seed + ": the root closed without a tightening");
                Assumptions.assumeTrue(v[0].status() == VerdictStatus.VERIFIED, "seed " + seed + ": " + v[0].status());
                Assumptions.assumeTrue(v[0].statistics().nodes() > 3, "seed " + seed + ": no branching after the tightening");
            }
        }
        // Some small-input searches vary from run to run (time shares of their descents and LPs); compare only where
        // the same options give the same tree twice.
        Assumptions.assumeTrue(v[0].statistics().nodes() == v[2].statistics().nodes()
                && v[0].provenMarginLowerBound() == v[2].provenMarginLowerBound(), "seed " + seed + ": not reproducible");
        String where = "seed " + seed + ": option off " + v[1] + ", on " + v[0];
        assertEquals(v[0].status(), v[1].status(), where);
        assertEquals(v[0].statistics().nodes(), v[1].statistics().nodes(), where);
        assertEquals(v[0].provenMarginLowerBound(), v[1].provenMarginLowerBound(), 0.0, where);
    }
}
