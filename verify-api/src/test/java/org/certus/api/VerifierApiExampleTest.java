package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.certus.bnb.CancelToken;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.OnnxImporter;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's library example, verbatim in spirit: load the paper's network, verify one MNIST
 * sample, get a counterexample for another, bound the minimum distortion, use several threads at
 * once and cancel a search. Known answers at eps 0.1: sample 0 is robust, sample 8 vulnerable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifierApiExampleTest {

    static Network wk17a() throws Exception {
        String res = "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx";
        try (InputStream in = VerifierApiExampleTest.class.getResourceAsStream(res)) {
            return OnnxImporter.read(in, "mnist-wk17a");
        }
    }

    static VnnlibProperty robustness(Network net, double[] x, int label, double eps) {
        InputBox ball = RobustnessProperty.linfBall(x, eps, net.inputDomain().lower(), net.inputDomain().upper());
        return RobustnessProperty.of(ball, RobustnessProperty.untargeted(label, 10), 10, 0.0);
    }

    @Test
    void readmeExample() throws Exception {
        Network net = wk17a();
        Dataset mnist = Datasets.load("mnist");
        Verifier verifier = Verifier.create(net);
        SearchOptions options = SearchOptions.timeLimit(Duration.ofSeconds(60));

        Verdict robust = verifier.verify(robustness(net, mnist.image(0), mnist.label(0), 0.1), options);
        assertEquals(VerdictStatus.VERIFIED, robust.status(), robust::toString);

        Verdict vulnerable = verifier.verify(robustness(net, mnist.image(8), mnist.label(8), 0.1), options);
        assertEquals(VerdictStatus.FALSIFIED, vulnerable.status(), vulnerable::toString);
        double[] adv = vulnerable.counterexample().orElseThrow().input();
        assertTrue(net.predict(adv) != mnist.label(8), "the counterexample changes the label");

        InputBox domain = new InputBox(net.inputDomain().lower(), net.inputDomain().upper());
        DistortionBounds d = verifier.closest(mnist.image(8), domain,
                RobustnessProperty.targetCondition(RobustnessProperty.untargeted(mnist.label(8), 10), 10, 0.0),
                Norm.LINF, 1e-2, options);
        assertTrue(d.complete() && d.lower() <= d.upper() && d.upper() <= 0.1 + 1e-12 && d.upper() - d.lower() <= 1e-2 + 1e-12, d::toString);
    }

    @Test
    void severalThreadsAtOnceAndCancellation() throws Exception {
        Network net = wk17a();
        Dataset mnist = Datasets.load("mnist");
        Verifier verifier = Verifier.create(net);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Verdict>> futures = new ArrayList<>();
            for (int s : new int[] {0, 1, 8}) {
                futures.add(pool.submit(() -> verifier.verify(robustness(net, mnist.image(s), mnist.label(s), 0.1),
                        SearchOptions.timeLimit(Duration.ofSeconds(60)).withThreads(1))));
            }
            assertEquals(VerdictStatus.VERIFIED, futures.get(0).get().status());
            assertEquals(VerdictStatus.VERIFIED, futures.get(1).get().status());
            assertEquals(VerdictStatus.FALSIFIED, futures.get(2).get().status());
        } finally {
            pool.shutdownNow();
        }
        // A cancelled search returns promptly with what it knows and never claims a proof it lacks.
        CancelToken token = new CancelToken();
        token.cancel();
        Verdict v = verifier.verify(robustness(net, mnist.image(0), mnist.label(0), 0.3),
                SearchOptions.timeLimit(Duration.ofSeconds(60)).withCancel(token).withAttack(0, 0));
        assertTrue(v.status() != VerdictStatus.FALSIFIED || v.counterexample().isPresent(), v::toString);
        assertTrue(v.statistics().totalMillis() < 30_000, v::toString);
    }
}
