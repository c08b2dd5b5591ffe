package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input-split search with its branching heuristic ({@link InputSplitScores}) and its mixed mode
 * (ReLU splits at nodes with few unstable ReLUs) agrees with brute force over every phase pattern,
 * with pure input splitting (mixed mode off) and with mixed mode from the root on, on 1, 2 and 3
 * threads; and a convex combination of rows ({@link RowCombination}) proves a conjunction that no
 * single row proves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InputSplitSearchTest {
    static LongStream seeds() {
        return LongStream.range(0, 80);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void inputSplitVerdictMatchesBruteForce(long seed) {
        Random rnd = new Random(seed ^ 0x5eedL);
        int inputs = 1 + rnd.nextInt(4);
        Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[] lo = new double[inputs], hi = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double ctr = rnd.nextDouble() - 0.5, r = 0.1 + rnd.nextDouble() * 0.6;
            lo[i] = ctr - r;
            hi[i] = ctr + r;
        }
        List<AffineMap> ds = BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize());
        double oracle = PhasePatternOracle.minMargin(chain, lo, hi, ds);
        Assumptions.assumeTrue(Math.abs(oracle) > BruteForceAgreementTest.AMBIGUOUS, "seed " + seed + ": oracle margin too close to 0");
        VerificationQuery q = new VerificationQuery(net, lo, hi, ds);
        VerdictStatus expected = oracle <= 0 ? VerdictStatus.FALSIFIED : VerdictStatus.VERIFIED;
        for (int mixed : new int[] {-1, 1000}) {
            for (int threads : new int[] {1, 3}) {
                SearchOptions o = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30)).withThreads(threads)
                        .withSplitMode(SplitMode.INPUT).withAttack(0, 0);
                Verdict v = new BranchAndBound(q, o).withMixedMaxUnstable(mixed).run();
                String what = "seed " + seed + " mixed " + mixed + " threads " + threads + ": oracle " + oracle + ", verdict " + v;
                assertEquals(expected, v.status(), what);
                if (v.status() == VerdictStatus.FALSIFIED) {
                    Counterexample ce = v.counterexample().orElseThrow();
                    assertTrue(q.inBox(ce.input()) && q.margin(net.evaluate(ce.input())) <= 0, what + ": invalid counterexample");
                } else {
                    assertTrue(v.provenMarginLowerBound() > 0 && v.provenMarginLowerBound() <= oracle + 1e-6, what);
                }
            }
        }
    }

    /**
     * y0 = h − 2, y1 = 2 − h with h = ReLU(x + 2) = x + 2 on x ∈ [−1, 1]; the disjunct
     * {y0 + 0.1 <= 0, y1 + 0.1 <= 0} asks for x <= −0.1 and x >= 0.1 at once: empty. Each row alone
     * has lower bound −0.9 over the box; their average is 0.1 everywhere.
     */
    @Test
    void combinationOfRowsProvesAnEmptyConjunction() {
        Network net = new Network("tie", Shape.flat(1), InputDomain.uniform(1, -1, 1), List.of(
                new Dense(1, 1, new double[] {1}, new double[] {2}), new Relu(),
                new Dense(1, 2, new double[] {1, -1}, new double[] {-2, 2})));
        ReluChain chain = ReluChain.of(net);
        double[] lo = {-1}, hi = {1};
        AffineMap rows = AffineMap.fromDense(2, 2, new double[] {1, 0, 0, 1}, new double[] {0.1, 0.1});
        for (ArithmeticModel model : ArithmeticModel.values()) {
            SymbolicPropagator p = new SymbolicPropagator(false, null, model);
            NetworkBounds b = p.propagate(chain, lo, hi, ReluSplits.none(BoundPropagator.widths(chain)));
            double single = Math.max(p.minimize(chain, b, lo, hi, rows).lower()[0], p.minimize(chain, b, lo, hi, rows).lower()[1]);
            assertTrue(single < -0.8, model + ": single rows " + single);
            double combined = RowCombination.bestBound(p, chain, b, lo, hi, rows, 0, 1);
            assertTrue(combined > 0.0999 && combined <= 0.1, model + ": combined " + combined);
        }
        VerificationQuery q = new VerificationQuery(net, lo, hi, List.of(rows));
        for (SplitMode mode : new SplitMode[] {SplitMode.INPUT, SplitMode.RELU}) {
            Verdict v = new BranchAndBound(q, SearchOptions.defaults().withSplitMode(mode).withThreads(1)).run();
            assertEquals(VerdictStatus.VERIFIED, v.status(), mode + ": " + v);
            assertTrue(v.provenMarginLowerBound() <= 0.1 + 1e-9, mode + ": " + v);
        }
    }
}
