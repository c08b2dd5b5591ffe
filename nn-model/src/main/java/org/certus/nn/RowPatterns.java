package org.certus.nn;

import java.util.Arrays;

/**
 * An {@link AffineMap}'s rows as runs of shared weight patterns. A lowered convolution repeats each output channel's
 * kernel at every position, shifted: its compressed rows store the same weights once per output, and a pass over a
 * map of tens of millions of entries (TinyYOLO's lowered maps hold 72 million) streams them all from memory. Here a
 * row is a list of segments, each a pattern (offsets and weights, stored once) placed at a base column; passes read
 * a few integers per segment and the patterns stay in cache while consecutive rows reuse them.
 *
 * <p>Segments split a row where two consecutive columns lie more than a gap apart (the row of a lowered convolution
 * jumps between input channels, and between the branches a residual Add composes, which shift at different
 * strides); the gap is chosen per map, as the one of a few candidates whose segments and distinct patterns take
 * the fewest bytes. Patterns are equal only when their offsets and their weights' bits are.
 *
 * <p>Bits: each row's entries are visited in the order the compressed rows store them, with the same weights, so
 * {@link #scatter} and {@link #dot} compute exactly the numbers the loops over {@link AffineMap#colIndex()} and
 * {@link AffineMap#values()} compute.
 *
 * <p>Immutable; the arrays are returned for speed in hot loops and must not be modified.
 */
public final class RowPatterns {
    /** Candidate gaps, largest first (a tie keeps the larger: fewer segments per row). */
    private static final int[] GAPS = {Integer.MAX_VALUE, 4096, 512, 64};
    /** Bytes a segment costs a pass against a stored entry's 12: its two integers, and a loop's start. */
    private static final long SEGMENT_BYTES = 24;
    private static final long ENTRY_BYTES = 12;
    /** Patterns are used only where they take at most this share of the compressed rows' bytes. */
    static final double MAX_SHARE = 0.5;

    /** A cache's mark for a map without patterns. */
    static final RowPatterns NONE = new RowPatterns(new int[1], new int[0], new int[0], new int[1], new int[0], new double[0]);

    private final int[] segmentStart;
    private final int[] segmentPattern;
    private final int[] segmentBase;
    private final int[] patternStart;
    private final int[] patternOffset;
    private final double[] patternValue;

    private RowPatterns(int[] segmentStart, int[] segmentPattern, int[] segmentBase, int[] patternStart, int[] patternOffset,
                        double[] patternValue) {
        this.segmentStart = segmentStart;
        this.segmentPattern = segmentPattern;
        this.segmentBase = segmentBase;
        this.patternStart = patternStart;
        this.patternOffset = patternOffset;
        this.patternValue = patternValue;
    }

    /**
     * {@code a}'s rows as patterns, or null when no candidate gap brings their bytes to {@link #MAX_SHARE} of the
     * compressed rows' (rows that do not repeat: dense maps, the first map of a small network).
     */
    public static RowPatterns of(AffineMap a) {
        long limit = (long) (MAX_SHARE * ENTRY_BYTES * a.nonZeros());
        RowPatterns best = null;
        long bestBytes = limit;
        for (int gap : GAPS) {
            RowPatterns p = build(a, gap, bestBytes);
            if (p != null && p.bytes() <= bestBytes) {
                best = p;
                bestBytes = p.bytes();
            }
        }
        return best;
    }

    /** The patterns at one gap, or null once their bytes pass {@code limit}. */
    private static RowPatterns build(AffineMap a, int gap, long limit) {
        int rows = a.rows();
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] v = a.values();
        int[] segStart = new int[rows + 1];
        int[] segPattern = new int[Math.max(16, rows)];
        int[] segBase = new int[segPattern.length];
        int segs = 0;
        PatternTable table = new PatternTable();
        for (int r = 0; r < rows; r++) {
            segStart[r] = segs;
            int e = rs[r + 1];
            for (int q = rs[r]; q < e; ) {
                int q2 = q + 1;
                while (q2 < e && (long) ci[q2] - ci[q2 - 1] <= gap) {
                    q2++;
                }
                if (segs == segPattern.length) {
                    segPattern = Arrays.copyOf(segPattern, 2 * segs);
                    segBase = Arrays.copyOf(segBase, 2 * segs);
                }
                segPattern[segs] = table.idOf(ci, v, q, q2);
                segBase[segs] = ci[q];
                segs++;
                q = q2;
            }
            if (SEGMENT_BYTES * segs + ENTRY_BYTES * table.entries > limit) {
                return null;
            }
        }
        segStart[rows] = segs;
        return new RowPatterns(segStart, Arrays.copyOf(segPattern, segs), Arrays.copyOf(segBase, segs),
                Arrays.copyOf(table.start, table.count + 1), Arrays.copyOf(table.offset, table.entries),
                Arrays.copyOf(table.value, table.entries));
    }

    /** What a pass reads besides the inputs: the segments and the patterns. */
    long bytes() {
        return SEGMENT_BYTES * segmentPattern.length + ENTRY_BYTES * patternOffset.length;
    }

    /** Distinct patterns. */
    public int patterns() {
        return patternStart.length - 1;
    }

    /** Segments over all rows. */
    public int segments() {
        return segmentPattern.length;
    }

    /**
     * {@code nx += λ A} over the rows with a non-zero {@code λ}, in row order and each row's stored order: the
     * scatter {@code nx[col] += λ_n w} of the compressed rows, the same sums.
     */
    public void scatter(double[] lam, double[] nx) {
        int[] ss = segmentStart;
        int[] sp = segmentPattern;
        int[] sb = segmentBase;
        int[] ps = patternStart;
        int[] po = patternOffset;
        double[] pv = patternValue;
        for (int n = 0, rows = ss.length - 1; n < rows; n++) {
            double l = lam[n];
            if (l == 0.0) {
                continue;
            }
            for (int s = ss[n], se = ss[n + 1]; s < se; s++) {
                int p = sp[s];
                int b = sb[s];
                for (int k = ps[p], ke = ps[p + 1]; k < ke; k++) {
                    nx[b + po[k]] += l * pv[k];
                }
            }
        }
    }

    /** {@code acc + (row n)·h}, adding the products one by one in the row's stored order. */
    public double dot(int n, double[] h, double acc) {
        int[] ps = patternStart;
        int[] po = patternOffset;
        double[] pv = patternValue;
        for (int s = segmentStart[n], se = segmentStart[n + 1]; s < se; s++) {
            int p = segmentPattern[s];
            int b = segmentBase[s];
            for (int k = ps[p], ke = ps[p + 1]; k < ke; k++) {
                acc += pv[k] * h[b + po[k]];
            }
        }
        return acc;
    }

    /**
     * {@code acc[i] += (row n)·h_i} for {@code m} inputs interleaved as {@code hI[col · m + i]}, each lane's products
     * added one by one in the row's stored order.
     */
    public void dotInterleaved(int n, double[] hI, int m, double[] acc) {
        int[] ps = patternStart;
        int[] po = patternOffset;
        double[] pv = patternValue;
        for (int s = segmentStart[n], se = segmentStart[n + 1]; s < se; s++) {
            int p = segmentPattern[s];
            int b = segmentBase[s];
            for (int k = ps[p], ke = ps[p + 1]; k < ke; k++) {
                double w = pv[k];
                int cb = (b + po[k]) * m;
                for (int i = 0; i < m; i++) {
                    acc[i] += w * hI[cb + i];
                }
            }
        }
    }

    /** Length rows + 1: row {@code n}'s segments are {@code [segmentStarts()[n], segmentStarts()[n + 1])}; do not modify. */
    public int[] segmentStarts() {
        return segmentStart;
    }

    /** Each segment's pattern; do not modify. */
    public int[] segmentPatterns() {
        return segmentPattern;
    }

    /** Each segment's base column, which its pattern's offsets are from; do not modify. */
    public int[] segmentBases() {
        return segmentBase;
    }

    /** Length patterns + 1: pattern {@code p}'s entries are {@code [patternStarts()[p], patternStarts()[p + 1])}; do not modify. */
    public int[] patternStarts() {
        return patternStart;
    }

    /** Each pattern entry's column minus its segment's base; do not modify. */
    public int[] patternOffsets() {
        return patternOffset;
    }

    /** Each pattern entry's weight; do not modify. */
    public double[] patternValues() {
        return patternValue;
    }

    /** Row {@code n}'s columns and weights in stored order, as {@code {columns, weights}} (for checks). */
    Object[] row(int n) {
        int len = 0;
        for (int s = segmentStart[n]; s < segmentStart[n + 1]; s++) {
            len += patternStart[segmentPattern[s] + 1] - patternStart[segmentPattern[s]];
        }
        int[] cols = new int[len];
        double[] w = new double[len];
        int t = 0;
        for (int s = segmentStart[n]; s < segmentStart[n + 1]; s++) {
            int p = segmentPattern[s];
            for (int k = patternStart[p]; k < patternStart[p + 1]; k++) {
                cols[t] = segmentBase[s] + patternOffset[k];
                w[t++] = patternValue[k];
            }
        }
        return new Object[] {cols, w};
    }

    /** Distinct patterns by content: open addressing on a hash of their offsets and weights' bits. */
    private static final class PatternTable {
        int[] start = new int[64];
        int[] offset = new int[1024];
        double[] value = new double[1024];
        int count;
        int entries;
        private int[] slots = new int[1024];
        private long[] hashes = new long[1024];

        PatternTable() {
            Arrays.fill(slots, -1);
        }

        /** The id of the pattern of entries {@code [q, q2)} placed at {@code ci[q]}, added when new. */
        int idOf(int[] ci, double[] v, int q, int q2) {
            int base = ci[q];
            long h = q2 - q;
            for (int t = q; t < q2; t++) {
                h = h * 0x9E3779B97F4A7C15L + (ci[t] - base);
                h = h * 0xC2B2AE3D27D4EB4FL + Double.doubleToRawLongBits(v[t]);
            }
            h ^= h >>> 29;
            int mask = slots.length - 1;
            for (int i = (int) h & mask; ; i = (i + 1) & mask) {
                int id = slots[i];
                if (id < 0) {
                    return add(ci, v, q, q2, i, h);
                }
                if (hashes[i] == h && equal(id, ci, v, q, q2)) {
                    return id;
                }
            }
        }

        private boolean equal(int id, int[] ci, double[] v, int q, int q2) {
            int s = start[id];
            if (start[id + 1] - s != q2 - q) {
                return false;
            }
            int base = ci[q];
            for (int t = 0; t < q2 - q; t++) {
                if (offset[s + t] != ci[q + t] - base
                        || Double.doubleToRawLongBits(value[s + t]) != Double.doubleToRawLongBits(v[q + t])) {
                    return false;
                }
            }
            return true;
        }

        private int add(int[] ci, double[] v, int q, int q2, int slot, long h) {
            int id = count++;
            int len = q2 - q;
            if (count + 1 > start.length) {
                start = Arrays.copyOf(start, 2 * start.length);
            }
            if (entries + len > offset.length) {
                int cap = Math.max(entries + len, 2 * offset.length);
                offset = Arrays.copyOf(offset, cap);
                value = Arrays.copyOf(value, cap);
            }
            int base = ci[q];
            for (int t = 0; t < len; t++) {
                offset[entries + t] = ci[q + t] - base;
                value[entries + t] = v[q + t];
            }
            entries += len;
            start[count] = entries;
            slots[slot] = id;
            hashes[slot] = h;
            if (2 * count > slots.length) {
                rehash();
            }
            return id;
        }

        private void rehash() {
            int[] oldSlots = slots;
            long[] oldHashes = hashes;
            slots = new int[2 * oldSlots.length];
            hashes = new long[slots.length];
            Arrays.fill(slots, -1);
            int mask = slots.length - 1;
            for (int i = 0; i < oldSlots.length; i++) {
                if (oldSlots[i] >= 0) {
                    int j = (int) oldHashes[i] & mask;
                    while (slots[j] >= 0) {
                        j = (j + 1) & mask;
                    }
                    slots[j] = oldSlots[i];
                    hashes[j] = oldHashes[i];
                }
            }
        }
    }
}
