package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.certus.tighten.Tightening;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A time limit too long to add to the clock means "no limit", never a deadline in the past: with
 * {@code now + limit} overflowing, {@code certus robustness --time-limit 1e10} recorded a timeout after
 * 0.15 s, and a limit beyond {@link Duration#toNanos()}'s range threw "long overflow". Every search —
 * plain, with LP, MILP and neuron-search root tightening, and the closest bisection — must decide these
 * small random networks as brute force does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HugeTimeLimitTest {
    /** ~317 years (beyond {@code Long.MAX_VALUE} ns from a positive clock), the largest nanos, the largest Duration. */
    static final List<Duration> HUGE = List.of(Duration.ofSeconds(10_000_000_000L), Duration.ofNanos(Long.MAX_VALUE),
            Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

    static LongStream seeds() {
        return LongStream.range(0, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hugeLimitsDecideLikeBruteForce(long seed) {
        BruteForceAgreementTest.Case c = BruteForceAgreementTest.Case.of(seed);
        VerificationQuery q = c.query();
        VerdictStatus expected = c.expected();
        for (Duration limit : HUGE) {
            for (RootTightening t : List.of(RootTightening.of(Tightening.SYMBOLIC), new RootTightening(Tightening.LP, limit, limit),
                    new RootTightening(Tightening.MIP, limit, limit), new RootTightening(Tightening.MIP, limit, limit, true))) {
                SearchOptions o = SearchOptions.defaults().withTimeLimit(limit).withThreads(2).withSplitMode(SplitMode.RELU)
                        .withRootTightening(t);
                Verdict v = new BranchAndBound(q, o).run();
                assertEquals(expected, v.status(), "seed " + seed + ", limit " + limit + ", tightening " + t + ": " + v);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void closestSearchCompletesUnderAHugeLimit(long seed) {
        Random rnd = new Random(seed);
        int inputs = 2 + rnd.nextInt(3);
        Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
        double[] centre = new double[inputs];
        double[] lo = net.inputDomain().lower();
        double[] hi = net.inputDomain().upper();
        List<AffineMap> ds = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        for (Duration limit : HUGE) {
            DistortionBounds b = new ClosestSearch(net, centre, lo, hi, ds, Norm.LINF)
                    .run(1e-3, SearchOptions.defaults().withTimeLimit(limit).withThreads(1));
            assertTrue(b.complete(), () -> "seed " + seed + ", limit " + limit + ": " + b);
        }
    }
}
