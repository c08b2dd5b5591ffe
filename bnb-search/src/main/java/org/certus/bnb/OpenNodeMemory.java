package org.certus.bnb;

import org.certus.bounds.NetworkBounds;

/**
 * How many open nodes fit in the heap. A node keeps its input box, the bounds of every layer, its branching
 * scores and an α,β start per open row, so its size grows with the network: by {@link #bytesPerNode} about
 * 0.2 MB on mnist_fc 256x6 (9 rows), so that {@link SearchOptions#maxOpenNodes()}'s 200,000 would need 40 GB,
 * and a thousand open nodes of a 53,632-ReLU generator (VNN-COMP's cgan) took 3.3 GB (measured). Above the
 * cap the search dives ({@link DiveAboveCap}), which frees nodes; below it, the heap keeps room for the
 * workers' own arrays.
 */
final class OpenNodeMemory {
    /** Share of the maximum heap the open nodes may take. */
    static final double HEAP_SHARE = 0.4;
    /** Measured bytes per open node over this estimate's (cgan prop_1: 3.3 MB against about 2.2 MB): covers the JVM's headers and padding, and temporaries. */
    static final double OVERHEAD = 1.6;
    /** The cap never goes below this: a dive needs a few nodes queued to be any better than depth-first. */
    static final int MIN_CAP = 64;

    private OpenNodeMemory() {
    }

    /** Estimated heap bytes of a node like {@code node} (its arrays, with {@link #OVERHEAD}). */
    static long bytesPerNode(SearchNode node) {
        long doubles = 2L * node.lo.length;
        long floats = 0;
        long bytes = 0;
        NetworkBounds b = node.bounds;
        long relus = 0;
        for (int i = 0; i <= b.reluLayerCount(); i++) {
            int w = b.lower(i).length;
            doubles += (b.evaluationError(i) != null ? 3L : 2L) * w;
            if (i < b.reluLayerCount()) {
                relus += w;
            }
        }
        doubles += relus; // BaBSR scores
        bytes += relus; // splits
        doubles += node.inputScores == null ? 0 : node.inputScores.length;
        // An α,β start per objective row, once a row has been optimised (the root may have none yet).
        int rows = node.starts != null ? node.starts.length : node.rowLower == null ? 0 : node.rowLower.length;
        floats += (long) rows * relus;
        return (long) (OVERHEAD * (8 * doubles + 4 * floats + bytes)) + 1024;
    }

    /** The open-node cap: {@code configured}, lowered to what {@link #HEAP_SHARE} of {@code maxHeap} holds. */
    static int cap(int configured, long nodeBytes, long maxHeap) {
        long fit = (long) (HEAP_SHARE * maxHeap) / Math.max(1, nodeBytes);
        return (int) Math.min(configured, Math.max(MIN_CAP, fit));
    }
}
