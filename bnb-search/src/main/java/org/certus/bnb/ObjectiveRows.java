package org.certus.bnb;

import java.util.ArrayList;
import java.util.List;
import org.certus.nn.AffineMap;

/**
 * The query's unsafe set as the search bounds it: every disjunct's rows stacked into one objective map
 * over the network's outputs (disjunct {@code d} owns rows {@code start(d)} to {@code end(d) − 1}). A
 * disjunct is empty on a node when one of its rows is proved positive there; the node's value is the
 * smallest, over its open disjuncts, of the largest row bound.
 */
final class ObjectiveRows {
    private final List<AffineMap> disjuncts;
    private final int outputs;
    private final AffineMap objective;
    private final int[] start;

    ObjectiveRows(List<AffineMap> disjuncts, int outputs) {
        this.disjuncts = disjuncts;
        this.outputs = outputs;
        this.start = new int[disjuncts.size() + 1];
        int rows = 0;
        for (int d = 0; d < disjuncts.size(); d++) {
            start[d] = rows;
            rows += disjuncts.get(d).rows();
        }
        start[disjuncts.size()] = rows;
        this.objective = AffineMap.stack(disjuncts, outputs);
    }

    /** Every disjunct's rows, stacked. */
    AffineMap objective() {
        return objective;
    }

    int disjunctCount() {
        return start.length - 1;
    }

    /** The first row of disjunct {@code d}. */
    int start(int d) {
        return start[d];
    }

    /** One past the last row of disjunct {@code d}. */
    int end(int d) {
        return start[d + 1];
    }

    /** The objective rows of the open disjuncts, in order. */
    int[] openRows(boolean[] open) {
        int n = 0;
        for (int d = 0; d < open.length; d++) {
            if (open[d]) {
                n += start[d + 1] - start[d];
            }
        }
        int[] rows = new int[n];
        int t = 0;
        for (int d = 0; d < open.length; d++) {
            if (open[d]) {
                for (int r = start[d]; r < start[d + 1]; r++) {
                    rows[t++] = r;
                }
            }
        }
        return rows;
    }

    /** The open disjuncts' maps stacked (rows over the network's outputs). */
    AffineMap openDisjuncts(boolean[] open) {
        List<AffineMap> ds = new ArrayList<>();
        for (int d = 0; d < open.length; d++) {
            if (open[d]) {
                ds.add(disjuncts.get(d));
            }
        }
        return AffineMap.stack(ds, outputs);
    }

    /**
     * The node value that {@code lower} (one bound per row of {@link #openRows(boolean[])}, in that order) gives: the
     * minimum over open disjuncts of the maximum over their rows.
     */
    double value(boolean[] open, double[] lower) {
        double value = Double.POSITIVE_INFINITY;
        int t = 0;
        for (int d = 0; d < open.length; d++) {
            if (!open[d]) {
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int r = start[d]; r < start[d + 1]; r++, t++) {
                best = Math.max(best, lower[t]);
            }
            value = Math.min(value, best);
        }
        return value;
    }
}
