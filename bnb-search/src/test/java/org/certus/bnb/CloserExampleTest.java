package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.certus.bounds.ArithmeticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first counterexample of a {@code closest} search (one step over the whole domain, as when the
 * tolerance is the domain's radius) is pulled close to the true minimum distortion: the bisection's
 * later steps never have to search for an example between the true distance and a poor first one.
 * Measured: within 2% of the brute-force minimum on 22 of 23 of these random networks, against 1 of 23
 * without the closer-example rounds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloserExampleTest {
    @Test
    void firstExampleIsNearTheMinimum() {
        int tried = 0, near = 0;
        StringBuilder far = new StringBuilder();
        for (long seed = 0; seed < 80; seed++) {
            ClosestBruteForceTest.Instance c = ClosestBruteForceTest.Instance.random(new Random(1000 + seed), 2, 3);
            double oracle = PhasePatternOracle.minDistortion(c.chain(), c.lo(), c.hi(), c.disjuncts(), c.x0(), Norm.LINF);
            ClosestSearch search = new ClosestSearch(c.net(), c.x0(), c.lo(), c.hi(), c.disjuncts(), Norm.LINF);
            DistortionBounds b = search.run(search.maxRadius(), SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(30))
                    .withArithmetic(ArithmeticModel.REAL));
            if (oracle == Double.POSITIVE_INFINITY || oracle < 1e-6 || b.example() == null) {
                // No example, or the centre is (nearly) one: nothing to pull closer.
                continue;
            }
            tried++;
            // Never below the minimum (the example is real), and near it on most networks.
            assertTrue(b.upper() >= oracle - 1e-6, "seed " + seed + ": example at " + b.upper() + " below the minimum " + oracle);
            if (b.upper() <= oracle * 1.02) {
                near++;
            } else {
                far.append(" seed ").append(seed).append(": ").append(b.upper()).append(" vs ").append(oracle);
            }
        }
        System.out.println("closer examples: " + near + " of " + tried + " within 2%;" + far);
        assertTrue(tried >= 15, "too few networks with a counterexample: " + tried);
        assertTrue(near >= tried * 0.8, near + " of " + tried + " within 2% of the minimum;" + far);
    }
}
