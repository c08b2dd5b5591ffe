package org.certus.bench;

import org.certus.bnb.SearchOptions;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;

/**
 * The root node of an untargeted robustness query that the root bounds do not decide: the sample is
 * classified correctly and some target's margin row keeps a lower bound {@code <= 0}, so the
 * branch-and-bound has to split. Bounds use the engine's default arithmetic model (sound, FLOAT32).
 */
final class OpenRoot {
    final MnistQuery q;
    final int sample;
    /** The 9 untargeted margin rows {@code y_label - y_t}, one per target (a row's lower bound > 0 rules that target out). */
    final AffineMap margins;
    final NetworkBounds bounds;
    final int unstable;

    private OpenRoot(MnistQuery q, int sample, AffineMap margins, NetworkBounds bounds) {
        this.q = q;
        this.sample = sample;
        this.margins = margins;
        this.bounds = bounds;
        this.unstable = bounds.unstableCount();
    }

    /** The engine's propagator: rows of a layer in parallel, bounds sound for float32 and double evaluation. */
    static SymbolicPropagator enginePropagator(boolean parallel) {
        return new SymbolicPropagator(parallel, null, SearchOptions.defaults().arithmetic());
    }

    /**
     * The first sample at or after {@code from} that the root bounds leave open ({@code from} itself
     * when {@code exact}; then it must be open).
     */
    static OpenRoot find(String network, double eps, int from, boolean exact) {
        SymbolicPropagator p = enginePropagator(true);
        for (int s = from; s < from + 200; s++) {
            MnistQuery q = new MnistQuery(network, s, eps);
            if (argmax(q.network.evaluate(q.image)) != q.label) {
                if (exact) {
                    throw new IllegalStateException("sample " + s + " is misclassified by " + network);
                }
                continue;
            }
            AffineMap m = untargetedMargins(q.label, q.network.outputSize());
            NetworkBounds b = p.propagate(q.chain, q.box.lower(), q.box.upper(), noSplits(q));
            LinearBounds lb = p.minimize(q.chain, b, q.box.lower(), q.box.upper(), m);
            double worst = Double.POSITIVE_INFINITY;
            for (double v : lb.lower()) {
                worst = Math.min(worst, v);
            }
            if (worst <= 0 && b.unstableCount() > 0) {
                return new OpenRoot(q, s, m, b);
            }
            if (exact) {
                throw new IllegalStateException("sample " + s + " is decided by the root bounds of " + network + " at eps " + eps);
            }
        }
        throw new IllegalStateException("no open sample of " + network + " in 200 samples from " + from);
    }

    /** Row r: {@code y_label - y_t} for the r-th target t != label (as {@code Verifier.toQuery} builds it, margin 0). */
    static AffineMap untargetedMargins(int label, int classes) {
        double[] w = new double[(classes - 1) * classes];
        int r = 0;
        for (int t = 0; t < classes; t++) {
            if (t == label) {
                continue;
            }
            w[r * classes + label] = 1;
            w[r * classes + t] = -1;
            r++;
        }
        return AffineMap.fromDense(classes - 1, classes, w, new double[classes - 1]);
    }

    static ReluSplits noSplits(MnistQuery q) {
        return ReluSplits.none(BoundPropagator.widths(q.chain));
    }

    static int argmax(double[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }
}
