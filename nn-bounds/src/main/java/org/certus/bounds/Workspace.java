package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.ReluChain;

/** Per-thread scratch vectors, zero between uses (every user clears what it touched). */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);
    private double[][] buffers = new double[3 + 2 * SymbolicPropagator.BLOCK_LANES][];

    static Workspace get(ReluChain chain) {
        return LOCAL.get();
    }

    private int[] index = new int[0];

    /** An int scratch array of at least {@code size} entries (contents undefined). */
    int[] index(int size) {
        if (index.length < size) {
            index = new int[size];
        }
        return index;
    }

    private double[][] rows = new double[0][];
    private final LaneSupport support = new LaneSupport();

    /** This thread's lane supports, ready for {@code lanes} lanes. */
    LaneSupport support(int lanes) {
        support.reset(lanes);
        return support;
    }

    /** A scratch array of at least {@code size} row references (contents undefined). */
    double[][] rows(int size) {
        if (rows.length < size) {
            rows = new double[size][];
        }
        return rows;
    }

    double[] buffer(int i, int size) {
        if (i >= buffers.length) {
            buffers = Arrays.copyOf(buffers, i + 1);
        }
        double[] b = buffers[i];
        if (b == null || b.length < size) {
            b = new double[size];
            buffers[i] = b;
        }
        return b;
    }
}
