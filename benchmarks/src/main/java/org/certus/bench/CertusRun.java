package org.certus.bench;

import java.time.Duration;
import org.certus.api.Verifier;
import org.certus.bnb.Counterexample;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

/**
 * One sample of {@code certus robustness} (untargeted, margin 0), as the CLI solves it but without
 * its output folder: the clean prediction first, then the verifier; a counterexample is re-checked
 * with a forward pass. Used by the end-to-end suites.
 */
final class CertusRun {
    /** Outcome of one sample. {@code status}: misclassified, robust, vulnerable, timeout, unknown, error. */
    record Result(int sample, String status, double seconds, long nodes, int unstableAtRoot) {
        boolean solved() {
            return !status.equals("misclassified");
        }
    }

    private final Network network;
    private final Verifier verifier;
    private final Dataset data;
    private final double eps;
    private final SearchOptions options;

    CertusRun(Network network, Dataset data, double eps, double timeLimitSeconds, int threads) {
        this.network = network;
        this.verifier = Verifier.create(network);
        this.data = data;
        this.eps = eps;
        this.options = SearchOptions.defaults().withTimeLimit(Duration.ofMillis(Math.round(timeLimitSeconds * 1000)))
                .withThreads(threads);
    }

    boolean misclassified(int i) {
        return OpenRoot.argmax(network.evaluate(data.image(i))) != data.label(i);
    }

    Result run(int i) {
        long t0 = System.nanoTime();
        int label = data.label(i);
        double[] x = data.image(i);
        if (OpenRoot.argmax(network.evaluate(x)) != label) {
            return new Result(i, "misclassified", seconds(t0), 0, 0);
        }
        try {
            InputBox box = RobustnessProperty.linfBall(x, eps, network.inputDomain().lower(), network.inputDomain().upper());
            int classes = network.outputSize();
            Verdict v = verifier.verify(RobustnessProperty.of(box, RobustnessProperty.untargeted(label, classes), classes, 0.0), options);
            long nodes = v.statistics().nodes();
            int unstable = (int) v.statistics().unstableAtRoot();
            String status = switch (v.status()) {
                case VERIFIED -> "robust";
                case TIMEOUT -> "timeout";
                case UNKNOWN -> "unknown";
                case FALSIFIED -> recheck(v.counterexample().orElse(null), box, label) ? "vulnerable" : "error";
            };
            return new Result(i, status, seconds(t0), nodes, unstable);
        } catch (RuntimeException e) {
            System.err.println("sample " + i + ": " + e);
            return new Result(i, "error", seconds(t0), 0, 0);
        }
    }

    /** The example lies in the ball (up to rounding) and the network does not predict the label there. */
    private boolean recheck(Counterexample ce, InputBox box, int label) {
        if (ce == null) {
            return false;
        }
        double[] in = ce.input();
        double[] lo = box.lower(), hi = box.upper();
        for (int j = 0; j < in.length; j++) {
            if (in[j] < lo[j] || in[j] > hi[j]) {
                return false;
            }
        }
        double[] y = network.evaluate(in);
        for (int t = 0; t < y.length; t++) {
            if (t != label && y[t] >= y[label]) {
                return true;
            }
        }
        // Valid only in float32 arithmetic: the engine reports those too (see BranchAndBound.offerCandidate).
        return ce.float32Margin() <= 0;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
