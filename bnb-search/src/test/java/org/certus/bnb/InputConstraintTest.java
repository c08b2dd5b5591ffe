package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries with linear input constraints (a half-space through the box, as a blurring kernel's sum
 * constraint is): the verdict equals brute force over phase patterns restricted to the constraint,
 * and every counterexample satisfies it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InputConstraintTest {

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void verdictMatchesBruteForceUnderInputConstraints(long seed) {
        Random rnd = new Random(5000 + seed);
        int inputs = 2 + rnd.nextInt(3);
        Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[] lo = new double[inputs], hi = new double[inputs], mid = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            lo[i] = -0.5 - rnd.nextDouble() * 0.5;
            hi[i] = 0.5 + rnd.nextDouble() * 0.5;
        }
        // g·x <= g·centre + offset keeps a nonempty part of the box.
        double[] g = BruteForceAgreementTest.gaussian(rnd, inputs, 1.0);
        double offset = rnd.nextDouble() * 0.3;
        AffineMap constraint = AffineMap.fromDense(1, inputs, g, new double[] {-offset});
        List<AffineMap> ds = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        double oracle = PhasePatternOracle.minMargin(chain, lo, hi, ds, constraint);
        Assumptions.assumeTrue(Math.abs(oracle) > BruteForceAgreementTest.AMBIGUOUS, "seed " + seed + ": ambiguous");
        VerificationQuery q = new VerificationQuery(net, lo, hi, ds, null, constraint);
        for (SplitMode mode : new SplitMode[] {SplitMode.RELU, SplitMode.INPUT}) {
            Verdict v = new BranchAndBound(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(2)
                    .withSplitMode(mode)).run();
            assertEquals(oracle <= 0 ? VerdictStatus.FALSIFIED : VerdictStatus.VERIFIED, v.status(),
                    "seed " + seed + " " + mode + ": oracle " + oracle + ", " + v);
            v.counterexample().ifPresent(ce -> assertTrue(q.inBox(ce.input()), "seed " + seed + ": counterexample violates the constraint"));
        }
    }
}
