package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node a worker is branching is still open: while the root's branching takes its time (a child of TinyYOLO takes
 * 40 s to bound), the progress lines' bound is the root's, not +∞ for "nothing open".
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SearchWorkersProgressTest {
    private static SearchNode node(double bound) {
        return new SearchNode(new double[] {0}, new double[] {1}, null, null, null, bound, 0, null, null, bound, null, null,
                Double.POSITIVE_INFINITY);
    }

    @Test
    void aNodeBeingBranchedCountsAsOpen() throws InterruptedException {
        SearchLimits limits = new SearchLimits(SearchOptions.defaults());
        limits.start(System.nanoTime(), Duration.ofSeconds(20));
        AtomicLong nodes = new AtomicLong();
        SearchWorkers workers = new SearchWorkers(new BestFirstSelection(), limits, nodes::get, 2);
        CountDownLatch branching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        double[] seen = new double[1];
        Thread search = new Thread(() -> workers.run(node(-0.5), n -> {
            nodes.incrementAndGet();
            branching.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(); // both children closed
        }, () -> { }));
        search.start();
        assertTrue(branching.await(10, TimeUnit.SECONDS), "the root was never branched");
        seen[0] = workers.openMinBound();
        assertEquals(-0.5, seen[0], 0.0, "while the root is branched, its bound is the open bound");
        assertEquals(0, workers.openCount(), "the queue itself is empty");
        release.countDown();
        search.join(10_000);
        assertEquals(Double.POSITIVE_INFINITY, workers.openMinBound(), 0.0, "once its children are closed, nothing is open");
    }
}
