package org.certus.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.certus.api.Load;
import org.certus.bnb.CancelToken;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EmbeddingExample} on a sample no search settles quickly (mnist-rsl18a sample 264 at ε = 0.1, a timeout at
 * 120 s with box-hull planes; sample 2, used before, is now proved at the root): the status lines show the stage, the root and progress; the user's cancel, pressed after the first progress
 * line, stops the search within seconds of a ten-minute limit, and the verdict is not VERIFIED.
 */
class EmbeddingExampleTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void progressIsShownAndCancelStopsTheSearch() {
        Network net = Load.network("mnist-rsl18a");
        Dataset mnist = Load.dataset("mnist");
        double[] x = mnist.image(264);
        int label = mnist.label(264);
        InputBox ball = RobustnessProperty.linfBall(x, 0.1, net.inputDomain().lower(), net.inputDomain().upper());
        VnnlibProperty p = RobustnessProperty.of(ball, RobustnessProperty.untargeted(label, 10), 10, 0.0);

        CancelToken cancelButton = new CancelToken();
        List<String> lines = new CopyOnWriteArrayList<>();
        long[] pressedAt = {0};
        long t0 = System.nanoTime();
        Verdict v = EmbeddingExample.verifyWithProgress(net, p, Duration.ofMinutes(10), cancelButton, line -> {
            lines.add(line);
            if (line.contains(" nodes, ") && pressedAt[0] == 0) {
                // The user has seen progress and presses Cancel (here on the listener's thread; any thread will do).
                pressedAt[0] = System.nanoTime();
                cancelButton.cancel();
            }
        });
        double afterCancel = (System.nanoTime() - pressedAt[0]) / 1e9;
        String shown = String.join("\n", lines);
        assertTrue(pressedAt[0] > 0, "a progress line came before the time limit:\n" + shown);
        assertTrue(afterCancel < 15, "the search stopped " + afterCancel + " s after the cancel:\n" + shown);
        // mnist-rsl18a has one ReLU layer: no root tightening to stage, one search.
        assertTrue(lines.get(0).startsWith("one search on symbolic bounds (no root tightening: one ReLU layer)"), shown);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("root: proven margin >= ")), shown);
        assertEquals(VerdictStatus.UNKNOWN, v.status(), () -> v + "\n" + shown);
        assertTrue(v.provenMarginLowerBound() <= 0, v::toString);
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "far below the ten-minute limit");
    }
}
