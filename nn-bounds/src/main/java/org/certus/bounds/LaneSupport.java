package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.AffineMap;
import org.certus.nn.RowPatterns;

/**
 * Per lane of a back-substitution block, the indices at which its coefficients λ may be non-zero (ascending), or
 * <em>dense</em>: anywhere. A neuron of a convolutional layer, back-substituted to the layers below it, reaches
 * only its receptive field: a neuron of TinyYOLO's third ReLU layer (52 × 52 × 16) has λ on about 1,500 of the
 * 94,640 neurons of the layer below. Looping over the support instead of the width makes such a row cost its
 * receptive field, not the network's width.
 *
 * <p>Bits: the indices are kept ascending, so every loop over them visits the non-zero entries in the order a
 * loop over the whole width does (and skips only entries that are 0, which change no sum): a bound is the same
 * number with or without supports.
 *
 * <p>Two generations: {@code current} (λ over a layer's neurons) and {@code next} (over that layer's inputs, filled
 * by a step), swapped after each step.
 */
final class LaneSupport {
    /** A support of more than width / this many indices is treated as dense (the loops over the width are cheaper). */
    static final int DENSE_SHARE = 8;

    private int[][] current = new int[0][];
    private int[][] next = new int[0][];
    private int[] count = new int[0];
    private int[] nextCount = new int[0];
    private boolean[] dense = new boolean[0];
    private boolean[] nextDense = new boolean[0];
    /** Per lane, {@code marks[c] == stamp} iff c is already in the next support. */
    private int[][] marks = new int[0][];
    private int stamp;

    /** Ready for {@code lanes} lanes (contents of every lane undefined until {@link #startRow} or {@link #setDense}). */
    void reset(int lanes) {
        if (current.length < lanes) {
            current = Arrays.copyOf(current, lanes);
            next = Arrays.copyOf(next, lanes);
            marks = Arrays.copyOf(marks, lanes);
            count = new int[lanes];
            nextCount = new int[lanes];
            dense = new boolean[lanes];
            nextDense = new boolean[lanes];
        }
    }

    /** Lane {@code b} starts as row {@code r} of {@code rows}, over {@code width} values. */
    void startRow(int b, AffineMap rows, int r, int width) {
        int q0 = rows.rowStart()[r], q1 = rows.rowStart()[r + 1];
        int n = q1 - q0;
        if ((long) n * DENSE_SHARE > width) {
            dense[b] = true;
            return;
        }
        int[] s = current[b] = grow(current[b], n);
        System.arraycopy(rows.colIndex(), q0, s, 0, n);
        Arrays.sort(s, 0, n);
        // A row stores each column once; a repeated one would be visited twice.
        int m = 0;
        for (int t = 0; t < n; t++) {
            if (m == 0 || s[t] != s[m - 1]) {
                s[m++] = s[t];
            }
        }
        count[b] = m;
        dense[b] = false;
    }

    /** Lane {@code b}'s λ may be non-zero anywhere. */
    void setDense(int b) {
        dense[b] = true;
    }

    /** After a dense step: every lane's λ may be non-zero anywhere. */
    void allDense(int lanes) {
        Arrays.fill(dense, 0, lanes, true);
    }

    boolean dense(int b) {
        return dense[b];
    }

    /** The ascending indices of lane {@code b} (only the first {@link #count} are used); lane must not be dense. */
    int[] indices(int b) {
        return current[b];
    }

    int count(int b) {
        return count[b];
    }

    /** The next generation of lane {@code b} is dense. */
    void nextDense(int b) {
        nextDense[b] = true;
    }

    /**
     * Starts collecting the next supports of {@code lanes} lanes over {@code width} values: each lane's is empty
     * until {@link #scatterRow} or {@link #nextDense}.
     */
    void beginStep(int lanes, int width) {
        if (++stamp == Integer.MAX_VALUE) {
            for (int[] m : marks) {
                if (m != null) {
                    Arrays.fill(m, 0);
                }
            }
            stamp = 1;
        }
        for (int b = 0; b < lanes; b++) {
            nextDense[b] = false;
            nextCount[b] = 0;
            next[b] = grow(next[b], Math.min(width, 64));
            if (marks[b] == null || marks[b].length < width) {
                marks[b] = new int[width];
            }
        }
    }

    /**
     * {@code nx += l · (row n of a)} for lane {@code b}, adding the row's columns to the lane's next support (one
     * pass over the row); once the support outgrows its share of {@code width}, the lane turns dense.
     */
    void scatterRow(int b, AffineMap a, int n, double l, double[] nx, int width) {
        RowPatterns patterns = a.rowPatternsOrNull();
        if (patterns != null) {
            scatterRow(b, patterns, n, l, nx, width);
            return;
        }
        int[] ci = a.colIndex();
        double[] av = a.values();
        int q = a.rowStart()[n];
        int e = a.rowStart()[n + 1];
        if (!nextDense[b]) {
            int[] mk = marks[b];
            int[] s = next[b];
            int c = nextCount[b];
            int limit = width / DENSE_SHARE;
            int st = stamp;
            for (; q < e; q++) {
                int col = ci[q];
                if (mk[col] != st) {
                    if (c >= limit) {
                        nextDense[b] = true;
                        break;
                    }
                    mk[col] = st;
                    if (c == s.length) {
                        s = next[b] = Arrays.copyOf(s, Math.max(c + 1, Math.min(width, 2 * s.length)));
                    }
                    s[c++] = col;
                }
                nx[col] += l * av[q];
            }
            nextCount[b] = c;
        }
        for (; q < e; q++) {
            nx[ci[q]] += l * av[q];
        }
    }

    /** {@link #scatterRow(int, AffineMap, int, double, double[], int)} over the row's patterns: the same sums and support. */
    private void scatterRow(int b, RowPatterns p, int n, double l, double[] nx, int width) {
        int[] ss = p.segmentStarts();
        int[] sp = p.segmentPatterns();
        int[] sb = p.segmentBases();
        int[] ps = p.patternStarts();
        int[] po = p.patternOffsets();
        double[] pv = p.patternValues();
        boolean track = !nextDense[b];
        int[] mk = marks[b];
        int[] s = next[b];
        int c = nextCount[b];
        int limit = width / DENSE_SHARE;
        int st = stamp;
        for (int g = ss[n], ge = ss[n + 1]; g < ge; g++) {
            int base = sb[g];
            int pat = sp[g];
            for (int k = ps[pat], ke = ps[pat + 1]; k < ke; k++) {
                int col = base + po[k];
                if (track && mk[col] != st) {
                    if (c >= limit) {
                        track = false;
                        nextDense[b] = true;
                    } else {
                        mk[col] = st;
                        if (c == s.length) {
                            s = next[b] = Arrays.copyOf(s, Math.max(c + 1, Math.min(width, 2 * s.length)));
                        }
                        s[c++] = col;
                    }
                }
                nx[col] += l * pv[k];
            }
        }
        nextCount[b] = c;
    }

    /** Makes the next generation current (sorting each lane's indices ascending). */
    void swap(int lanes) {
        for (int b = 0; b < lanes; b++) {
            if (!nextDense[b]) {
                Arrays.sort(next[b], 0, nextCount[b]);
            }
        }
        int[][] t = current;
        current = next;
        next = t;
        int[] tc = count;
        count = nextCount;
        nextCount = tc;
        boolean[] td = dense;
        dense = nextDense;
        nextDense = td;
    }

    private static int[] grow(int[] a, int size) {
        return a == null || a.length < size ? new int[size] : a;
    }
}
