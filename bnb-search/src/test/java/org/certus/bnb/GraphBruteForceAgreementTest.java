package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.certus.bounds.ArithmeticModel;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier against brute force on small random network graphs with MaxPool, padded AveragePool,
 * residual blocks and Concat ({@link RandomGraphNetworks}): the oracle enumerates the graph's own
 * phase patterns (ReLU phases, MaxPool winners) independently of the lowering
 * ({@link GraphPatternOracle}). The verdict agrees with 1, 2 and 4 threads and with input splitting;
 * a verified proven bound never exceeds the true minimum margin; the worst-margin search brackets the
 * true largest adversarial margin within its tolerance; the closest search brackets the true minimum
 * L∞ distortion. Cases whose margin is within {@link #AMBIGUOUS} of 0 are skipped.
 */
class GraphBruteForceAgreementTest {
    static final double AMBIGUOUS = 1e-6;
    static final double TOLERANCE = 1e-6;
    /** The oracle is an LP optimum, exact to the solver's tolerance. */
    static final double ORACLE_SLACK = 1e-6;

    static Stream<Arguments> cases() {
        return Stream.of(RandomGraphNetworks.Kind.values())
                .flatMap(k -> LongStream.range(0, 12).mapToObj(s -> Arguments.of(k, s)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    @Timeout(300)
    void verdictsBoundsAndDistortionMatchBruteForce(RandomGraphNetworks.Kind kind, long seed) {
        Random rnd = new Random(7919 * seed + kind.ordinal());
        Network net = RandomGraphNetworks.of(kind, rnd);
        int n = net.inputSize();
        double[] dLo = net.inputDomain().lower(), dHi = net.inputDomain().upper();
        double[] lo = new double[n], hi = new double[n], center = new double[n];
        double radius = 0.1 + 0.4 * rnd.nextDouble();
        for (int i = 0; i < n; i++) {
            center[i] = dLo[i] + (dHi[i] - dLo[i]) * rnd.nextDouble();
            lo[i] = Math.max(dLo[i], center[i] - radius);
            hi[i] = Math.min(dHi[i], center[i] + radius);
        }
        List<AffineMap> ds = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        String where = kind + " seed " + seed + "\n" + net.describe();
        double oracle = GraphPatternOracle.minMargin(net, lo, hi, ds);
        Assumptions.assumeTrue(Math.abs(oracle) > AMBIGUOUS, where + ": oracle margin too close to 0");
        VerificationQuery q = new VerificationQuery(net, lo, hi, ds);
        VerdictStatus expected = oracle <= 0 ? VerdictStatus.FALSIFIED : VerdictStatus.VERIFIED;

        for (int threads : new int[] {1, 2, 4}) {
            check(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(threads).withSplitMode(SplitMode.RELU)
                    .withAttack(threads == 1 ? 0 : 2, 20), expected, oracle, where + " relu splits, threads " + threads);
        }
        check(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2).withSplitMode(SplitMode.INPUT),
                expected, oracle, where + " input splits");
        // As `certus vnnlib` runs image-sized networks: per-neuron root tightening, 40 α,β steps, no attack.
        check(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2).withSplitMode(SplitMode.RELU)
                .withAttack(0, 20).withBoundIterations(40).withRootTightening(
                        new RootTightening(org.certus.tighten.Tightening.MIP, Duration.ofMillis(250), Duration.ofSeconds(10), true)),
                expected, oracle, where + " root tightening");
        // As `certus vnnlib` runs networks of millions of weights: the same, children keeping their parent's
        // hidden-layer bounds (the split reaching the later layers through β alone).
        check(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2).withSplitMode(SplitMode.RELU)
                .withAttack(0, 20).withBoundIterations(20).withFixedIntermediateBounds(true).withRootTightening(
                        new RootTightening(org.certus.tighten.Tightening.MIP, Duration.ofMillis(250), Duration.ofSeconds(10), true)),
                expected, oracle, where + " root tightening, fixed intermediate bounds");
        check(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(1).withSplitMode(SplitMode.RELU)
                .withAttack(0, 20).withFixedIntermediateBounds(true), expected, oracle, where + " fixed intermediate bounds");

        // Proven bounds: the worst-case margin, in real arithmetic (the oracle's).
        WorstCaseMargin w = BranchAndBound.worstMargin(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2)
                .withSplitMode(SplitMode.RELU).withArithmetic(ArithmeticModel.REAL), TOLERANCE);
        String ctx = where + ": worst margin, oracle " + (-oracle) + ", bounds [" + w.lower() + ", " + w.upper() + "]";
        assertFalse(w.limitReached(), ctx);
        assertTrue(w.lower() <= -oracle + ORACLE_SLACK && -oracle <= w.upper() + ORACLE_SLACK, ctx);
        assertTrue(w.complete() && w.upper() - w.lower() <= TOLERANCE, ctx);

        // The minimum L∞ distortion from the centre over the whole domain.
        double dOracle = GraphPatternOracle.minDistortionLinf(net, dLo, dHi, ds, center);
        ClosestSearch search = new ClosestSearch(net, center, dLo, dHi, ds, Norm.LINF);
        DistortionBounds b = search.run(1e-7, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2)
                .withArithmetic(ArithmeticModel.REAL));
        String dctx = where + ": closest, oracle " + dOracle + ", bounds [" + b.lower() + ", " + b.upper() + "]";
        assertTrue(b.complete(), dctx);
        if (dOracle == Double.POSITIVE_INFINITY) {
            assertEquals(Double.POSITIVE_INFINITY, b.upper(), dctx);
        } else {
            assertTrue(b.lower() <= dOracle + 1e-6 && dOracle <= b.upper() + 1e-6, dctx);
            assertEquals(dOracle, b.upper(), 1e-6, dctx);
            double[] x = b.example().input();
            assertTrue(new VerificationQuery(net, dLo, dHi, ds).margin(net.evaluate(x)) <= 0, dctx + ": example does not violate");
        }
    }

    private static void check(VerificationQuery q, SearchOptions o, VerdictStatus expected, double oracle, String where) {
        Verdict v = new BranchAndBound(q, o).run();
        assertEquals(expected, v.status(), where + ": oracle margin " + oracle + ", verdict " + v);
        if (v.status() == VerdictStatus.FALSIFIED) {
            Counterexample ce = v.counterexample().orElseThrow();
            assertTrue(q.inBox(ce.input()) && q.margin(q.network().evaluate(ce.input())) <= 0, where + ": invalid counterexample");
        } else {
            assertTrue(v.provenMarginLowerBound() > 0 && v.provenMarginLowerBound() <= oracle + ORACLE_SLACK,
                    where + ": proven bound " + v.provenMarginLowerBound() + " vs oracle " + oracle);
        }
    }
}
