package org.certus.bnb;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The candidate points checked lately, with their margins, so that a point offered again is not evaluated again (its
 * margin still ranks the node that offers it, {@link InterleavedSelection}). A node's candidates are the minimising
 * vertices of its relaxations, and splitting ReLUs leaves the box as it is, so sibling and descendant nodes often
 * offer the same vertex: on mnist-wk17a the candidates' forward passes (in double and float32) took a seventh of a
 * search's time (JFR, sample 3604). Keys are the points' contents (compared in full); past {@link #CAPACITY} points
 * the memory starts afresh, which only costs repeated checks.
 */
final class CheckedPoints {
    static final int CAPACITY = 4096;

    private final ConcurrentHashMap<Point, Double> points = new ConcurrentHashMap<>();
    private final AtomicLong repeats = new AtomicLong();

    /** The margin recorded for {@code x}, or NaN when it was not checked lately (the caller checks it and records it). */
    double recorded(double[] x) {
        Double m = points.get(new Point(x));
        if (m == null) {
            return Double.NaN;
        }
        repeats.incrementAndGet();
        return m;
    }

    /** Remembers {@code x} (copied) with its margin. */
    void record(double[] x, double margin) {
        if (points.size() >= CAPACITY) {
            points.clear();
        }
        points.put(new Point(x.clone()), margin);
    }

    long repeats() {
        return repeats.get();
    }

    /** A point as a key: equal when every coordinate has the same bits. */
    private static final class Point {
        private final double[] x;
        private final int hash;

        Point(double[] x) {
            this.x = x;
            this.hash = Arrays.hashCode(x);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point p && hash == p.hash && Arrays.equals(x, p.x);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
