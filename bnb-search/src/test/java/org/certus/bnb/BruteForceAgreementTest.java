package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The branch-and-bound's verdict equals brute force over every ReLU phase pattern on small random
 * networks (≤ 12 ReLUs): for each pattern the network is affine on the inputs where the pattern
 * holds, so one LP over the inputs alone gives the smallest violation margin there. The property
 * is violated iff the smallest margin over all patterns is {@code <= 0}. Cases whose oracle margin
 * is within {@link #AMBIGUOUS} of 0 are skipped: there the LP solver's own tolerance decides.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BruteForceAgreementTest {
    static final double AMBIGUOUS = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 120);
    }

    static Network randomNetwork(Random rnd, int inputs) {
        List<Operation> layers = new ArrayList<>();
        int width = inputs;
        int budget = 12;
        int hidden = 1 + rnd.nextInt(2);
        for (int i = 0; i < hidden; i++) {
            int next = 2 + rnd.nextInt(Math.min(5, budget - 2 * (hidden - i - 1)) - 1);
            budget -= next;
            layers.add(new Dense(width, next, gaussian(rnd, width * next, 1.2 / Math.sqrt(width)), gaussian(rnd, next, 0.3)));
            layers.add(new Relu());
            width = next;
        }
        int out = 2 + rnd.nextInt(2);
        layers.add(new Dense(width, out, gaussian(rnd, width * out, 1.0), gaussian(rnd, out, 0.3)));
        return new Network("random", Shape.flat(inputs), InputDomain.uniform(inputs, -1, 1), layers);
    }

    /** A random input box {lower, upper}: per input a centre in [−0.5, 0.5) and a radius in [0.1, 0.7). */
    static double[][] randomBox(Random rnd, int inputs) {
        double[] lo = new double[inputs];
        double[] hi = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double ctr = rnd.nextDouble() - 0.5;
            double r = 0.1 + rnd.nextDouble() * 0.6;
            lo[i] = ctr - r;
            hi[i] = ctr + r;
        }
        return new double[][] {lo, hi};
    }

    static double[] gaussian(Random rnd, int n, double s) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * s;
        }
        return v;
    }

    /** Random disjuncts: 1–2 conjunctions of 1–2 rows {@code w·y + b <= 0}. */
    static List<AffineMap> randomDisjuncts(Random rnd, int outputs) {
        List<AffineMap> ds = new ArrayList<>();
        int n = 1 + rnd.nextInt(2);
        for (int d = 0; d < n; d++) {
            int rows = 1 + rnd.nextInt(2);
            double[] w = gaussian(rnd, rows * outputs, 1.0);
            double[] b = gaussian(rnd, rows, 0.5);
            ds.add(AffineMap.fromDense(rows, outputs, w, b));
        }
        return ds;
    }

    /** A seeded random query with its brute-force margin; skipped (an assumption) when that is too close to 0 to call. */
    record Case(Network net, VerificationQuery query, double oracle) {
        static Case of(long seed) {
            Random rnd = new Random(seed);
            int inputs = 2 + rnd.nextInt(3);
            Network net = randomNetwork(rnd, inputs);
            double[][] box = randomBox(rnd, inputs);
            List<AffineMap> ds = randomDisjuncts(rnd, net.outputSize());
            double oracle = PhasePatternOracle.minMargin(ReluChain.of(net), box[0], box[1], ds);
            Assumptions.assumeTrue(Math.abs(oracle) > AMBIGUOUS, "seed " + seed + ": oracle margin too close to 0");
            return new Case(net, new VerificationQuery(net, box[0], box[1], ds), oracle);
        }

        VerdictStatus expected() {
            return oracle <= 0 ? VerdictStatus.FALSIFIED : VerdictStatus.VERIFIED;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void verdictMatchesBruteForce(long seed) {
        Case c = Case.of(seed);
        Network net = c.net();
        VerificationQuery q = c.query();
        double oracle = c.oracle();
        VerdictStatus expected = c.expected();
        for (SplitMode mode : new SplitMode[] {SplitMode.RELU, SplitMode.INPUT}) {
            for (int threads : new int[] {1, 2, 4}) {
              // Every branching rule must be complete and sound; the choice of split only changes the tree. Every
              // registered ReLU rule runs (a new one is covered without being named here): alone when splitting
              // ReLUs, and under input splitting as the mixed rule's choice on nodes with few unstable ReLUs.
              BrancherKind[] branchers = threads == 1 ? BrancherKind.values() : new BrancherKind[] {SearchOptions.defaults().brancher()};
              for (BrancherKind brancher : branchers) {
                SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(threads)
                        .withSplitMode(mode).withAttack(mode == SplitMode.RELU && threads == 1 ? 0 : 2, 20).withBrancher(brancher);
                Verdict v = new BranchAndBound(q, o).run();
                assertEquals(expected, v.status(), "seed " + seed + " mode " + mode + " threads " + threads + " brancher " + brancher
                        + ": oracle margin " + oracle + ", verdict " + v);
                if (v.status() == VerdictStatus.FALSIFIED) {
                    Counterexample ce = v.counterexample().orElseThrow();
                    assertTrue(q.inBox(ce.input()) && q.margin(net.evaluate(ce.input())) <= 0, "seed " + seed + ": invalid counterexample");
                } else {
                    assertTrue(v.provenMarginLowerBound() > 0 && v.provenMarginLowerBound() <= oracle + 1e-6,
                            "seed " + seed + ": proven bound " + v.provenMarginLowerBound() + " vs oracle " + oracle);
                }
              }
            }
        }
        // Children that keep their parent's hidden-layer bounds (as `certus vnnlib` on networks of millions of
        // weights): the split reaches the later layers only through β, so each child's bound rests on the split
        // layer's phase and the objective rows' own propagation.
        for (int threads : new int[] {1, 2}) {
            for (BrancherKind brancher : new BrancherKind[] {BrancherKind.FSB, BrancherKind.BABSR}) {
                SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(threads)
                        .withSplitMode(SplitMode.RELU).withAttack(0, 20).withBrancher(brancher).withFixedIntermediateBounds(true);
                Verdict v = new BranchAndBound(q, o).run();
                String how = "seed " + seed + " fixed intermediate bounds, threads " + threads + " brancher " + brancher;
                assertEquals(expected, v.status(), how + ": oracle margin " + oracle + ", verdict " + v);
                if (v.status() == VerdictStatus.VERIFIED) {
                    assertTrue(v.provenMarginLowerBound() > 0 && v.provenMarginLowerBound() <= oracle + 1e-6,
                            how + ": proven bound " + v.provenMarginLowerBound() + " vs oracle " + oracle);
                }
            }
        }
        // The search `certus vnnlib` runs on image-sized networks (LP then MIP-strength root tightening by
        // per-neuron searches, 40 α,β steps, two workers), with a smaller budget for these tiny networks, and
        // the same with per-neuron MILPs (`certus verify --tightening mip`); without the attack, so that a
        // violation must come out of the tightened search itself.
        for (int variant = 0; variant < 3; variant++) {
            boolean neuronSearch = variant != 1;
            boolean fixed = variant == 2;
            SearchOptions vnnlib = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(2).withSplitMode(SplitMode.RELU)
                    .withAttack(0, 20).withBoundIterations(40).withFixedIntermediateBounds(fixed).withRootTightening(
                            new RootTightening(org.certus.tighten.Tightening.MIP, Duration.ofMillis(250), Duration.ofSeconds(10), neuronSearch));
            String how = (neuronSearch ? "search" : "MILP") + (fixed ? " (fixed intermediate bounds)" : "");
            Verdict v = new BranchAndBound(q, vnnlib).run();
            assertEquals(expected, v.status(), "seed " + seed + " with " + how + " root tightening: oracle margin " + oracle + ", verdict " + v);
            if (v.status() == VerdictStatus.VERIFIED) {
                assertTrue(v.provenMarginLowerBound() > 0 && v.provenMarginLowerBound() <= oracle + 1e-6,
                        "seed " + seed + " with " + how + " root tightening: proven bound " + v.provenMarginLowerBound() + " vs oracle " + oracle);
            }
        }
    }
}
