package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.WorstCaseMargin;
import org.certus.bounds.ArithmeticModel;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Verifier#worst}: a known value on a two-ReLU network, and on mnist-wk17a a robust sample
 * (upper bound below 0, at least the clean margin) and a vulnerable one (an example with a margin
 * of at least 0, attaining the lower bound on an exact forward pass).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VerifierWorstTest {

    /** MIPVerify's margin for targets {@code targets}: best target logit minus best other logit. */
    static double margin(double[] y, int[] targets) {
        double t = Double.NEGATIVE_INFINITY, o = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < y.length; j++) {
            boolean target = false;
            for (int k : targets) {
                target |= k == j;
            }
            if (target) {
                t = Math.max(t, y[j]);
            } else {
                o = Math.max(o, y[j]);
            }
        }
        return t - o;
    }

    @Test
    void knownMaximumOnATinyNetwork() {
        // y0 = relu(x), y1 = relu(−x): the margin of target 1 over label 0 is −x, largest (0.5) at x = −0.5.
        Network net = new Network("tiny", Shape.flat(1), InputDomain.uniform(1, -1, 1),
                List.of(new Dense(1, 2, new double[] {1, -1}, new double[2]), new Relu(),
                        new Dense(2, 2, new double[] {1, 0, 0, 1}, new double[2])));
        Verifier v = Verifier.create(net);
        OutputCondition unsafe = RobustnessProperty.targetCondition(new int[] {1}, 2, 0.0);
        WorstCaseMargin w = v.worst(new InputBox(new double[] {-0.5}, new double[] {0.3}), unsafe, 1e-9,
                SearchOptions.timeLimit(Duration.ofSeconds(30)).withArithmetic(ArithmeticModel.REAL));
        assertEquals(0.5, w.lower(), 1e-9, w.toString());
        assertEquals(0.5, w.upper(), 1e-9, w.toString());
        assertTrue(w.complete() && !w.limitReached() && w.adversarial(), w.toString());
        assertEquals(-0.5, w.example().input()[0], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> v.worst(new InputBox(new double[] {-0.5}, new double[] {0.3}), unsafe, 0,
                SearchOptions.defaults()));
    }

    /** About 20 s; the worst objective on mnist-wk17a stays in the default run through RobustnessWorstTest. */
    @Test
    @Tag("slow")
    void mnistRobustAndVulnerableSamples() throws Exception {
        Network net = VerifierApiExampleTest.wk17a();
        Dataset mnist = Datasets.load("mnist");
        Verifier verifier = Verifier.create(net);
        SearchOptions options = SearchOptions.timeLimit(Duration.ofSeconds(10));
        for (int sample : new int[] {0, 8}) {
            double[] x = mnist.image(sample);
            int[] targets = RobustnessProperty.untargeted(mnist.label(sample), 10);
            InputBox ball = RobustnessProperty.linfBall(x, 0.1, net.inputDomain().lower(), net.inputDomain().upper());
            WorstCaseMargin w = verifier.worst(ball, RobustnessProperty.targetCondition(targets, 10, 0.0), 0.01, options);
            String ctx = "sample " + sample + ": " + w;
            assertTrue(w.lower() <= w.upper(), ctx);
            assertTrue(margin(net.evaluate(x), targets) <= w.upper(), ctx + ": the clean image's margin exceeds the upper bound");
            double[] ex = w.example().input();
            assertTrue(ball.contains(ex, 0.0), ctx);
            assertEquals(w.lower(), margin(net.evaluate(ex), targets), 1e-12, ctx + ": the lower bound is the example's margin");
            if (sample == 0) {
                assertTrue(w.provedRobust() && !w.adversarial(), ctx);
            } else {
                assertTrue(w.adversarial() && !w.provedRobust(), ctx);
                assertFalse(net.predict(ex) == mnist.label(sample), ctx);
            }
        }
    }
}
