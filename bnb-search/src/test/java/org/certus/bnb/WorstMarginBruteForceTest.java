package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code worst} objective against brute force: on small random networks the largest
 * adversarial margin (minus the smallest violation margin over every phase pattern, one LP each)
 * lies within the search's bounds, which meet the tolerance; the example is a region point whose
 * exact margin is the lower bound. With ReLU and input splits, 1 and 2 threads, with and without a
 * linear input constraint, and in sound mode (bounds only bracket there: float32 allowances may keep
 * the gap open).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorstMarginBruteForceTest {
    static final double TOLERANCE = 1e-6;
    /** The oracle is an LP optimum, exact to the solver's tolerance (~1e-7 seen). */
    static final double ORACLE_SLACK = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void worstMarginMatchesBruteForce(long seed) {
        Random rnd = new Random(9000 + seed);
        Instance in = Instance.random(rnd);
        Network net = in.net();
        ReluChain chain = in.chain();
        double[] lo = in.lo(), hi = in.hi();
        int inputs = lo.length;
        List<AffineMap> ds = in.disjuncts();
        AffineMap constraint = null;
        if (seed % 3 == 0) {
            double[] g = BruteForceAgreementTest.gaussian(rnd, inputs, 1.0);
            constraint = AffineMap.fromDense(1, inputs, g, new double[] {-rnd.nextDouble() * 0.3});
        }
        double oracle = -(constraint == null ? PhasePatternOracle.minMargin(chain, lo, hi, ds)
                : PhasePatternOracle.minMargin(chain, lo, hi, ds, constraint));
        VerificationQuery q = new VerificationQuery(net, lo, hi, ds, null, constraint);
        SplitMode mode = seed % 2 == 0 ? SplitMode.RELU : SplitMode.INPUT;
        int threads = 1 + (int) (seed % 4 / 2);
        // Every registered branching rule in turn (a new one is covered without being named here).
        BrancherKind brancher = BrancherKind.values()[(int) (seed % BrancherKind.values().length)];
        SearchOptions real = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(threads).withSplitMode(mode)
                .withArithmetic(ArithmeticModel.REAL).withBrancher(brancher);
        WorstCaseMargin w = BranchAndBound.worstMargin(q, real, TOLERANCE);
        String ctx = "seed " + seed + " " + mode + " " + brancher + " threads " + threads + (constraint != null ? " constrained" : "")
                + ": oracle " + oracle
                + ", bounds [" + w.lower() + ", " + w.upper() + "], " + w.statistics();
        assertFalse(w.limitReached(), ctx);
        assertTrue(w.lower() <= oracle + ORACLE_SLACK && oracle <= w.upper() + ORACLE_SLACK, ctx);
        if (mode == SplitMode.RELU) {
            // ReLU splitting ends in exact leaf LPs: the gap closes. (Input splitting stops at tiny
            // boxes whose relaxation LP may leave a gap of their width.)
            assertTrue(w.complete() && w.upper() - w.lower() <= TOLERANCE, ctx);
        } else {
            assertTrue(w.upper() - w.lower() <= 1e-3, ctx);
        }
        checkExample(net, q, w, ctx);
        // The decision agrees with the feasibility search's.
        assertEquals(oracle >= 0, w.adversarial(), ctx);
        if (oracle < -ORACLE_SLACK) {
            assertTrue(w.provedRobust(), ctx);
        }

        // Sound mode's float32 allowance keeps a gap of about 1e-7 relative: a coarser tolerance.
        WorstCaseMargin sound = BranchAndBound.worstMargin(q, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(5))
                .withThreads(threads).withSplitMode(mode), 1e-4);
        String sctx = ctx + "; sound [" + sound.lower() + ", " + sound.upper() + "]";
        assertTrue(sound.lower() <= oracle + ORACLE_SLACK && oracle <= sound.upper() + ORACLE_SLACK, sctx);
        checkExample(net, q, sound, sctx);
    }

    /**
     * The root tightening's mode ({@code signSuffices}): while no violating point is known a disjunct closes at a
     * positive bound, so the search proves the sign rather than the margin; once a violation is known it
     * minimises to the tolerance as usual. Against the same brute force, with a tolerance coarse enough that the
     * two stopping rules differ.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void signSufficesDecidesThePhaseSoundly(long seed) {
        Instance in = Instance.random(new Random(9500 + seed));
        Network net = in.net();
        ReluChain chain = in.chain();
        double[] lo = in.lo(), hi = in.hi();
        List<AffineMap> ds = in.disjuncts();
        double oracle = -PhasePatternOracle.minMargin(chain, lo, hi, ds);
        VerificationQuery q = new VerificationQuery(net, lo, hi, ds);
        SearchOptions real = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(1 + (int) (seed % 2))
                .withSplitMode(SplitMode.RELU).withArithmetic(ArithmeticModel.REAL);
        NetworkBounds start = new SymbolicPropagator(false, null, ArithmeticModel.REAL).propagate(chain, lo, hi);
        double tolerance = 0.25;
        WorstCaseMargin w = new BranchAndBound(q, real).startingFrom(start).nested().minimizeMargin(tolerance, true);
        String ctx = "seed " + seed + ": oracle " + oracle + ", bounds [" + w.lower() + ", " + w.upper() + "], " + w.statistics();
        assertFalse(w.limitReached(), ctx);
        assertTrue(w.lower() <= oracle + ORACLE_SLACK && oracle <= w.upper() + ORACLE_SLACK, ctx);
        if (oracle < -ORACLE_SLACK) {
            assertTrue(w.provedRobust(), ctx + ": the sign was not proved");
        } else if (oracle > ORACLE_SLACK) {
            assertTrue(w.adversarial() && w.complete() && w.upper() - w.lower() <= tolerance, ctx);
            checkExample(net, q, w, ctx);
        }
    }

    /** A small random network, a box around the origin and random disjuncts, drawn from {@code rnd} in that order. */
    private record Instance(Network net, ReluChain chain, double[] lo, double[] hi, List<AffineMap> disjuncts) {
        static Instance random(Random rnd) {
            int inputs = 2 + rnd.nextInt(3);
            Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
            double[] lo = new double[inputs], hi = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                lo[i] = -0.5 - rnd.nextDouble() * 0.5;
                hi[i] = 0.5 + rnd.nextDouble() * 0.5;
            }
            return new Instance(net, ReluChain.of(net), lo, hi, BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize()));
        }
    }

    private static void checkExample(Network net, VerificationQuery q, WorstCaseMargin w, String ctx) {
        Counterexample ce = w.example();
        assertNotNull(ce, ctx);
        assertTrue(q.inBox(ce.input()), ctx + ": example outside the region");
        assertEquals(w.lower(), -q.margin(net.evaluate(ce.input())), 0.0, ctx + ": lower bound is not the example's exact margin");
    }
}
