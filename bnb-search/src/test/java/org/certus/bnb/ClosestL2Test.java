package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.ArithmeticModel;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code closest} search in the L2 norm: its bounds are proven but may leave a gap (leaf LPs
 * only relax the L2 ball), so they are checked against what is known for sure: the exact distance
 * to a halfspace for a one-ReLU network, the exact L∞ and L1 minima of the phase-pattern oracle
 * ({@code ‖d‖∞ <= ‖d‖₂ <= ‖d‖₁}, so {@code min∞ <= min₂ <= min₁}), and every violating point of
 * a dense sample (none may lie closer than the lower bound).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosestL2Test {
    static final double TOLERANCE = 1e-3;

    static LongStream seeds() {
        return LongStream.range(0, 20);
    }

    private static SearchOptions options(int seconds) {
        return SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(seconds)).withThreads(2).withArithmetic(ArithmeticModel.REAL);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsBracketTheMinimumOnRandomNetworks(long seed) {
        Random rnd = new Random(2000 + seed);
        ClosestBruteForceTest.Instance c = ClosestBruteForceTest.Instance.random(rnd, 2, 2);
        Network net = c.net();
        ReluChain chain = c.chain();
        double[] lo = c.lo(), hi = c.hi(), x0 = c.x0();
        int inputs = x0.length;
        List<AffineMap> ds = c.disjuncts();
        ClosestSearch search = new ClosestSearch(net, x0, lo, hi, ds, Norm.L2);
        DistortionBounds b = search.run(TOLERANCE, options(20));
        double minInf = PhasePatternOracle.minDistortion(chain, lo, hi, ds, x0, Norm.LINF);
        double min1 = PhasePatternOracle.minDistortion(chain, lo, hi, ds, x0, Norm.L1);
        String ctx = "seed " + seed + ": bounds [" + b.lower() + ", " + b.upper() + "] complete " + b.complete()
                + ", L∞ min " + minInf + ", L1 min " + min1;
        assertTrue(b.lower() >= 0 && b.lower() <= b.upper(), ctx);
        assertTrue(b.lower() <= search.maxRadius(), ctx);
        if (minInf == Double.POSITIVE_INFINITY) {
            assertEquals(Double.POSITIVE_INFINITY, b.upper(), ctx + ": no violating point exists");
            return;
        }
        // The oracle minima are LP optima (solver tolerance ~1e-7).
        assertTrue(b.lower() <= min1 + 1e-6, ctx + ": lower bound above the L1 minimum");
        assertTrue(b.upper() >= minInf - 1e-6, ctx + ": upper bound below the L∞ minimum");
        VerificationQuery whole = new VerificationQuery(net, lo, hi, ds);
        if (b.example() != null) {
            double[] x = b.example().input();
            assertTrue(whole.inBox(x) && whole.margin(net.evaluate(x)) <= 0, ctx + ": the example does not violate");
            assertEquals(b.upper(), Norm.L2.distance(x, x0), 0.0, ctx);
        }
        // Dense sample: uniform over the box and along rays from x0 at many scales.
        double sampled = Double.POSITIVE_INFINITY;
        double[] p = new double[inputs];
        for (int s = 0; s < 40_000; s++) {
            double scale = s % 2 == 0 ? Double.NaN : 2.0 * Math.pow(10, -3 * rnd.nextDouble());
            for (int i = 0; i < inputs; i++) {
                double v = Double.isNaN(scale) ? lo[i] + (hi[i] - lo[i]) * rnd.nextDouble() : x0[i] + scale * rnd.nextGaussian();
                p[i] = Math.min(hi[i], Math.max(lo[i], v));
            }
            if (whole.margin(net.evaluate(p)) <= 0) {
                double d = Norm.L2.distance(p, x0);
                assertTrue(d >= b.lower(), ctx + ": violating point at distance " + d + " below the lower bound");
                sampled = Math.min(sampled, d);
            }
        }
        if (b.complete()) {
            assertTrue(b.upper() - b.lower() <= TOLERANCE + 1e-12, ctx);
        }
        assertTrue(sampled >= b.lower(), ctx);
    }

    /** One ReLU: the unsafe set is the halfspace w·x + b <= 0, at L2 distance (w·x0 + b)/‖w‖ when its projection is in the box. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void halfspaceDistanceIsBracketedTightly(long seed) {
        Random rnd = new Random(3000 + seed);
        int n = 2 + rnd.nextInt(6);
        double[] w = BruteForceAgreementTest.gaussian(rnd, n, 1.0);
        double[] x0 = new double[n], lo = new double[n], hi = new double[n];
        double dot = 0, norm2 = 0;
        for (int i = 0; i < n; i++) {
            lo[i] = -5;
            hi[i] = 5;
            x0[i] = 0.6 * rnd.nextDouble() - 0.3;
            dot += w[i] * x0[i];
            norm2 += w[i] * w[i];
        }
        double margin = 0.1 + 0.9 * rnd.nextDouble();
        double bias = margin - dot;
        double expected = margin / Math.sqrt(norm2);
        for (int i = 0; i < n; i++) {
            double proj = x0[i] - margin * w[i] / norm2;
            assertTrue(proj > lo[i] && proj < hi[i], "seed " + seed + ": the projection lies in the box");
        }
        Network net = new Network("halfspace", Shape.flat(n), InputDomain.uniform(n, -5, 5),
                List.of(new Dense(n, 1, w, new double[] {bias}), new Relu(), new Dense(1, 1, new double[] {1.0}, new double[] {0.0})));
        List<AffineMap> unsafe = List.of(AffineMap.fromDense(1, 1, new double[] {1.0}, new double[] {0.0}));
        ClosestSearch search = new ClosestSearch(net, x0, lo, hi, unsafe, Norm.L2);
        DistortionBounds b = search.run(1e-6, options(30));
        String ctx = "seed " + seed + ": bounds [" + b.lower() + ", " + b.upper() + "], exact " + expected;
        assertTrue(b.complete(), ctx);
        assertTrue(b.lower() <= expected + 1e-12 && expected <= b.upper() + 1e-12, ctx);
        assertTrue(b.upper() - b.lower() <= 1e-6, ctx);

        // The same halfspace pushed beyond the box: no violation anywhere, proved over the whole domain.
        double far = 0;
        for (int i = 0; i < n; i++) {
            far += Math.abs(w[i]) * 5;
        }
        Network safe = new Network("halfspace-out", Shape.flat(n), InputDomain.uniform(n, -5, 5),
                List.of(new Dense(n, 1, w, new double[] {far + 0.5}), new Relu(), new Dense(1, 1, new double[] {1.0}, new double[] {0.0})));
        ClosestSearch none = new ClosestSearch(safe, x0, lo, hi, unsafe, Norm.L2);
        DistortionBounds nb = none.run(1e-6, options(30));
        assertEquals(Double.POSITIVE_INFINITY, nb.upper(), "seed " + seed);
        assertEquals(none.maxRadius(), nb.lower(), 0.0, "seed " + seed);
        double corner = 0;
        for (int i = 0; i < n; i++) {
            double v = Math.max(hi[i] - x0[i], x0[i] - lo[i]);
            corner += v * v;
        }
        assertTrue(none.maxRadius() >= Math.sqrt(corner), "the maximal ball covers the box");
    }
}
