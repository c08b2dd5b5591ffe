package org.certus.example;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

import org.certus.api.VerificationListener;
import org.certus.api.Verifier;
import org.certus.bnb.CancelToken;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.SearchProgress;
import org.certus.bnb.Verdict;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;

/**
 * How a tool that embeds Certus (an IDE plug-in, a training loop, a service) follows a long verification and lets
 * its user stop it: a {@link VerificationListener} turns the library's events into status lines — the strategy's
 * stages, the root's bound, progress every few seconds, warnings — and a {@link CancelToken} is the Cancel button.
 * A cancelled search returns promptly with what it proved so far (never VERIFIED unless proved).
 * {@code EmbeddingExampleTest} runs it.
 */
final class EmbeddingExample {
    private EmbeddingExample() {
    }

    /**
     * Verifies {@code property} with the strategy that decides most, telling {@code status} what happens, until it is
     * decided, the time limit ends, or someone calls {@code cancelButton.cancel()} (from any thread).
     */
    static Verdict verifyWithProgress(Network net, VnnlibProperty property, Duration timeLimit, CancelToken cancelButton,
                                      Consumer<String> status) {
        VerificationListener progress = new VerificationListener() {
            @Override
            public void stage(String description) {
                status.accept(description);
            }

            @Override
            public void rootBounded(double bound, long unstable, boolean counterexampleFound, long millis) {
                status.accept(String.format(Locale.ROOT, "root: proven margin >= %.4f, %d unstable ReLUs (%d ms)", bound, unstable, millis));
            }

            @Override
            public void progress(SearchProgress p) {
                status.accept(String.format(Locale.ROOT, "%d nodes, %d open, proven margin >= %.4f, %d s", p.nodes(), p.openNodes(),
                        p.provenBound(), p.elapsedMillis() / 1000));
            }

            @Override
            public void finished(Verdict v) {
                status.accept("search ended: " + v.status());
            }

            @Override
            public void warning(String message) {
                status.accept("warning: " + message);
            }
        };
        SearchOptions options = Verifier.stagedOptions(timeLimit).withCancel(cancelButton);
        return Verifier.create(net).withListener(progress).verify(property, options);
    }
}
