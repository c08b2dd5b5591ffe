package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.junit.jupiter.api.Test;

/**
 * The open-node cap follows a node's size: the estimate covers every array a node keeps, the cap is what the
 * heap share holds (never above the configured cap, never below the floor), and {@link DiveAboveCap}'s cap
 * only goes down.
 */
class OpenNodeMemoryTest {
    private static SearchNode node(int inputs, int[] widths, boolean withErrors, int rows) {
        int layers = widths.length;
        double[][] lo = new double[layers][], hi = new double[layers][], err = withErrors ? new double[layers][] : null;
        for (int i = 0; i < layers; i++) {
            lo[i] = new double[widths[i]];
            hi[i] = new double[widths[i]];
            if (err != null) {
                err[i] = new double[widths[i]];
            }
        }
        NetworkBounds b = NetworkBounds.copyOf(lo, hi, err, layers);
        int[] relu = java.util.Arrays.copyOf(widths, layers - 1);
        double[][] scores = new double[layers - 1][];
        for (int i = 0; i < relu.length; i++) {
            scores[i] = new double[relu[i]];
        }
        return new SearchNode(new double[inputs], new double[inputs], ReluSplits.none(relu), b, new boolean[] {true}, -1.0, 0,
                scores, null, -1.0, new double[rows], null, Double.POSITIVE_INFINITY);
    }

    @Test
    void estimateCoversTheNodesArraysAndGrowsWithTheNetwork() {
        // 784 inputs, 6 x 256 ReLUs, 10 outputs, error bounds, 9 rows: at least the raw bytes of its arrays.
        SearchNode fc = node(784, new int[] {256, 256, 256, 256, 256, 256, 10}, true, 9);
        long raw = 8L * (2 * 784 + 3 * (6 * 256 + 10) + 6 * 256) + 4L * 9 * 6 * 256 + 6 * 256;
        long est = OpenNodeMemory.bytesPerNode(fc);
        assertTrue(est >= raw && est <= 2 * raw + 4096, "estimate " + est + " for raw " + raw);
        SearchNode big = node(3072, new int[] {53_632, 10}, true, 1);
        assertTrue(OpenNodeMemory.bytesPerNode(big) > 10 * est, "a 53,632-ReLU node is much bigger");
    }

    @Test
    void capIsWhatTheHeapShareHoldsWithinTheConfiguredCapAndTheFloor() {
        long heap = 6L << 30;
        // 3.3 MB nodes (cgan): about 780 in 40% of 6 GB.
        int cgan = OpenNodeMemory.cap(200_000, 3_300_000, heap);
        assertEquals((long) (OpenNodeMemory.HEAP_SHARE * heap) / 3_300_000, cgan);
        assertEquals(200_000, OpenNodeMemory.cap(200_000, 100, heap), "small nodes keep the configured cap");
        assertEquals(OpenNodeMemory.MIN_CAP, OpenNodeMemory.cap(200_000, heap, heap), "never below the floor");
        assertEquals(10, OpenNodeMemory.cap(10, heap, heap), "never above the configured cap");
    }

    @Test
    void diveCapOnlyGoesDown() {
        DiveAboveCap d = new DiveAboveCap(new BestFirstSelection(), 1000);
        d.lowerCap(5000);
        assertEquals(1000, d.cap());
        d.lowerCap(300);
        assertEquals(300, d.cap());
    }
}
