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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code closest} search's bounds on the minimum L∞ and L1 distortion bracket the brute-force
 * minimum (every phase pattern, one LP each) within 1e-6, and its example is a valid violation at
 * the distance it reports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosestBruteForceTest {
    static final double TOLERANCE = 1e-7;

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void minimumDistortionMatchesBruteForce(long seed) {
        Instance c = Instance.random(new Random(1000 + seed), 2, 3);
        Network net = c.net();
        ReluChain chain = c.chain();
        double[] lo = c.lo(), hi = c.hi(), x0 = c.x0();
        List<AffineMap> ds = c.disjuncts();
        for (Norm norm : List.of(Norm.LINF, Norm.L1)) { // L2: ClosestL2Test (the oracle is linear)
            double oracle = PhasePatternOracle.minDistortion(chain, lo, hi, ds, x0, norm);
            ClosestSearch search = new ClosestSearch(net, x0, lo, hi, ds, norm);
            // The oracle is real arithmetic: compare in REAL mode (LPs still certified); float32 is tested apart.
            DistortionBounds b = search.run(TOLERANCE, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60)).withThreads(2)
                    .withArithmetic(org.certus.bounds.ArithmeticModel.REAL));
            String ctx = "seed " + seed + " " + norm + ": oracle " + oracle + ", bounds [" + b.lower() + ", " + b.upper() + "]";
            assertTrue(b.complete(), ctx);
            if (oracle == Double.POSITIVE_INFINITY) {
                assertEquals(Double.POSITIVE_INFINITY, b.upper(), ctx);
                assertEquals(search.maxRadius(), b.lower(), 0.0, ctx);
                continue;
            }
            // The oracle is an LP optimum, exact only to the solver's tolerance (~1e-7 seen): bracket within 1e-6.
            assertTrue(b.lower() <= oracle + 1e-6 && oracle <= b.upper() + 1e-6, ctx);
            assertTrue(b.upper() - b.lower() <= TOLERANCE + 1e-12, ctx);
            assertEquals(oracle, b.upper(), 1e-6, ctx);
            Counterexample ce = b.example();
            double[] y = net.evaluate(ce.input());
            assertTrue(new VerificationQuery(net, lo, hi, ds).margin(y) <= 0, ctx + ": example does not violate");
            assertEquals(b.upper(), norm.distance(ce.input(), x0), 0.0, ctx);
        }
    }

    /** A closest-search instance: a random network, the box [−1, 1]^n, a centre in [−0.5, 0.5]^n and random disjuncts. */
    record Instance(Network net, ReluChain chain, double[] lo, double[] hi, double[] x0, List<AffineMap> disjuncts) {
        /** With {@code minInputs} to {@code minInputs + spread − 1} inputs. */
        static Instance random(Random rnd, int minInputs, int spread) {
            int inputs = minInputs + rnd.nextInt(spread);
            Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
            double[] lo = new double[inputs], hi = new double[inputs], x0 = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                lo[i] = -1;
                hi[i] = 1;
                x0[i] = rnd.nextDouble() - 0.5;
            }
            return new Instance(net, ReluChain.of(net), lo, hi, x0, BruteForceAgreementTest.randomDisjuncts(rnd, net.outputSize()));
        }
    }
}
