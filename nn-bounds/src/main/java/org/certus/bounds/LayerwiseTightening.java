package org.certus.bounds;

import org.certus.nn.ReluChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop shared by LP and MIP tightening: layer by layer, re-propagate symbolically over the layers
 * tightened so far (so later layers profit from every tightened bound), keep the tighter of old and
 * new bounds, then let a {@link LayerStep} tighten the layer's unstable neurons. Layer 0 is an affine
 * map of the box and exact already; outputs are only propagated. Public for the search's own per-neuron
 * tightening ({@code org.certus.bnb.NeuronSearchTightening}).
 */
public final class LayerwiseTightening {
    /** One line per tightened layer at debug level: unstable neurons before and after, and the time. */
    private static final Logger LOG = LoggerFactory.getLogger(LayerwiseTightening.class);

    /** Tightens the bounds of one hidden layer in place (only ever narrowing them, soundly). */
    public interface LayerStep {
        /**
         * @param err evaluation-error bounds per layer (see {@link NetworkBounds#evaluationError(int)}),
         *            null in real arithmetic
         */
        void tighten(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, double[][] err, int layer);
    }

    /**
     * Looked at between layers, once a layer has been tightened and the layers after it re-propagated: whether to
     * stop here (the bounds so far are what the tightening returns).
     */
    public interface Checkpoint {
        /**
         * @param current a copy of the bounds of every layer as they stand (sound for the box)
         * @return true to stop tightening
         */
        boolean stop(NetworkBounds current);
    }

    private LayerwiseTightening() {
    }

    public static NetworkBounds run(SymbolicPropagator symbolic, ArithmeticModel arithmetic, ReluChain chain, double[] inLo,
                             double[] inHi, NetworkBounds start, LayerStep step) {
        return run(symbolic, arithmetic, chain, inLo, inHi, start, step, null);
    }

    /** As {@link #run(SymbolicPropagator, ArithmeticModel, ReluChain, double[], double[], NetworkBounds, LayerStep)},
     * asking {@code checkpoint} (may be null) before each hidden layer after the first whether to go on. */
    public static NetworkBounds run(SymbolicPropagator symbolic, ArithmeticModel arithmetic, ReluChain chain, double[] inLo,
                             double[] inHi, NetworkBounds start, LayerStep step, Checkpoint checkpoint) {
        InputBoxes.check(chain, inLo, inHi);
        if (start.infeasible()) {
            return start;
        }
        int k = chain.reluLayerCount();
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        double[][] err = arithmetic == ArithmeticModel.REAL ? null : new double[k + 1][];
        for (int i = 0; i <= k; i++) {
            lo[i] = start.lower(i).clone();
            hi[i] = start.upper(i).clone();
            if (err != null) {
                if (start.evaluationError(i) == null) {
                    throw new BoundsException("tightening in " + arithmetic + " arithmetic needs start bounds with its "
                            + "evaluation-error model (propagate them with the same arithmetic)");
                }
                err[i] = start.evaluationError(i).clone();
            }
        }
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        try {
            tightenLayers(symbolic, chain, inLo, inHi, lo, hi, err, none, step, checkpoint);
        } catch (BoundingInterrupted e) {
            // Out of time inside a re-propagation or a layer's step: every bound kept so far is sound.
        }
        return new NetworkBounds(lo, hi, false, err);
    }

    private static void tightenLayers(SymbolicPropagator symbolic, ReluChain chain, double[] inLo, double[] inHi, double[][] lo,
                                      double[][] hi, double[][] err, ReluSplits none, LayerStep step, Checkpoint checkpoint) {
        int k = chain.reluLayerCount();
        for (int i = 1; i <= k; i++) {
            NetworkBounds current = new NetworkBounds(lo, hi, false, err);
            NetworkBounds again = symbolic.propagate(chain, inLo, inHi, none, current, i);
            for (int j = i; j <= k; j++) {
                for (int r = 0; r < lo[j].length; r++) {
                    lo[j][r] = Math.max(lo[j][r], again.lower(j)[r]);
                    hi[j][r] = Math.min(hi[j][r], again.upper(j)[r]);
                }
                if (err != null) {
                    // Both are valid error bounds (the newer one from tighter bounds): keep the smaller.
                    double[] e = again.evaluationError(j);
                    for (int r = 0; r < e.length; r++) {
                        err[j][r] = Math.min(err[j][r], e[r]);
                    }
                }
            }
            if (i >= 2 && i < k && checkpoint != null && checkpoint.stop(NetworkBounds.copyOf(lo, hi, err, k + 1))) {
                return;
            }
            if (i < k) {
                long t0 = System.nanoTime();
                int before = unstable(lo[i], hi[i]);
                step.tighten(chain, inLo, inHi, lo, hi, err, i);
                LOG.debug("tightened ReLU layer {} of {}: {} -> {} unstable ({} ms)", i, k - 1, before, unstable(lo[i], hi[i]),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    private static int unstable(double[] lo, double[] hi) {
        int n = 0;
        for (int r = 0; r < lo.length; r++) {
            n += lo[r] < 0 && hi[r] > 0 ? 1 : 0;
        }
        return n;
    }

    /** Worker count for one layer's neurons: one per processor (at most one per neuron), or 1. */
    public static int threadsFor(boolean parallel, int neurons) {
        return parallel ? Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), neurons)) : 1;
    }

    /** Worker indices 0 … threads−1, in parallel when there are several. */
    public static java.util.stream.IntStream workers(int threads) {
        java.util.stream.IntStream w = java.util.stream.IntStream.range(0, threads);
        return threads > 1 ? w.parallel() : w;
    }
}
