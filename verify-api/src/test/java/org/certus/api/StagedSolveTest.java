package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Strategy#STAGED}'s two stages ({@code certus vnnlib}'s) on image-sized inputs (more than
 * {@link SearchOptions#INPUT_SPLIT_MAX_INPUTS}): a symbolic-only search, then, if it timed out, a search
 * after the root tightening. With no time for the first stage, the second decides every instance, and its
 * answers must agree with a plain search; every counterexample must satisfy the property.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StagedSolveTest {
    private static final int INPUTS = SearchOptions.INPUT_SPLIT_MAX_INPUTS + 4;
    private static final int SEEDS = 24;

    @Test
    void secondStageAgreesWithAPlainSearch() throws IOException {
        int verified = 0, falsified = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            Random rnd = new Random(seed);
            Network net = randomNetwork(rnd);
            double[] centre = new double[INPUTS];
            for (int i = 0; i < INPUTS; i++) {
                centre[i] = rnd.nextDouble();
            }
            double[] y = net.evaluate(centre);
            int label = y[0] >= y[1] ? (y[0] >= y[2] ? 0 : 2) : (y[1] >= y[2] ? 1 : 2);
            double radius = 0.02 + 0.2 * rnd.nextDouble();
            VnnlibProperty property = VnnlibParser.parse(new StringReader(vnnlib(centre, radius, label)), "seed" + seed, INPUTS, 3);
            SearchOptions base = SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(60));
            Verifier verifier = Verifier.create(net);
            Verdict staged = StagedSolve.verifyInStages(verifier, property, base, Duration.ofSeconds(60), Duration.ZERO, VerificationListener.NONE);
            Verdict plain = verifier.verify(property, base, Strategy.SINGLE_SEARCH);
            assertTrue(plain.status() == VerdictStatus.VERIFIED || plain.status() == VerdictStatus.FALSIFIED,
                    "seed " + seed + ": plain search " + plain.status());
            assertEquals(plain.status(), staged.status(), "seed " + seed);
            if (staged.status() == VerdictStatus.FALSIFIED) {
                double[] x = staged.counterexample().orElseThrow().input();
                assertTrue(property.isCounterexample(x, net.evaluate(x), 0.0, 0.0), "seed " + seed + ": counterexample fails the property");
                falsified++;
            } else {
                verified++;
            }
        }
        // Both answers occur, so the agreement above is not vacuous.
        assertTrue(verified > 0 && falsified > 0, "verified " + verified + ", falsified " + falsified);
    }

    @Test
    void quickStageIsAShortShareOfTheTime() {
        assertEquals(Duration.ofSeconds(15), TimeBudget.quickStage(Duration.ofSeconds(300)));
        assertEquals(Duration.ofSeconds(5), TimeBudget.quickStage(Duration.ofSeconds(100)));
        assertEquals(Duration.ofMillis(500), TimeBudget.quickStage(Duration.ofSeconds(10)));
    }

    private static Network randomNetwork(Random rnd) {
        int[] widths = {INPUTS, 10, 10, 3};
        List<org.certus.nn.Operation> layers = new java.util.ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[] w = new double[widths[l] * widths[l + 1]];
            double[] b = new double[widths[l + 1]];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextGaussian() / Math.sqrt(widths[l]);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = 0.1 * rnd.nextGaussian();
            }
            layers.add(new Dense(widths[l], widths[l + 1], w, b));
            if (l + 2 < widths.length) {
                layers.add(new Relu());
            }
        }
        return new Network("stages", Shape.flat(INPUTS), InputDomain.uniform(INPUTS, 0, 1), layers);
    }

    /** The unsafe set: some other output reaches the label's output, on the box around the centre. */
    private static String vnnlib(double[] centre, double radius, int label) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < centre.length; i++) {
            sb.append("(declare-const X_").append(i).append(" Real)\n");
        }
        for (int j = 0; j < 3; j++) {
            sb.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        for (int i = 0; i < centre.length; i++) {
            sb.append(String.format(Locale.ROOT, "(assert (>= X_%d %.17g))%n(assert (<= X_%d %.17g))%n",
                    i, Math.max(0, centre[i] - radius), i, Math.min(1, centre[i] + radius)));
        }
        sb.append("(assert (or");
        for (int j = 0; j < 3; j++) {
            if (j != label) {
                sb.append(" (and (>= Y_").append(j).append(" Y_").append(label).append("))");
            }
        }
        return sb.append("))\n").toString();
    }
}
