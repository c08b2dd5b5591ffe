package org.certus.bounds;

/**
 * Lower and upper bounds on the pre-activations of every ReLU layer of a
 * {@link org.certus.nn.ReluChain} over an input region (with a node's phase splits applied), and
 * on the outputs. {@code infeasible()} means the region with those splits is empty: a split
 * demanded {@code z >= 0} where {@code z}'s proven upper bound is negative, or the reverse.
 *
 * <p>The arrays are owned by this object and never modified after construction; accessors return
 * them directly for speed, and callers must not write to them.
 */
public final class NetworkBounds {
    private final double[][] lower;
    private final double[][] upper;
    private final boolean infeasible;
    private final double[][] evaluationError;

    NetworkBounds(double[][] lower, double[][] upper, boolean infeasible) {
        this(lower, upper, infeasible, null);
    }

    NetworkBounds(double[][] lower, double[][] upper, boolean infeasible, double[][] evaluationError) {
        this.lower = lower;
        this.upper = upper;
        this.infeasible = infeasible;
        this.evaluationError = evaluationError;
    }

    /**
     * Copies of the first {@code layers} entries of these arrays (per layer: lower, upper and, unless
     * {@code evaluationError} is null, the evaluation-error bound): the bounds of the network cut after
     * ReLU layer {@code layers − 2}, whose outputs are the pre-activations of layer {@code layers − 1}.
     */
    public static NetworkBounds copyOf(double[][] lower, double[][] upper, double[][] evaluationError, int layers) {
        double[][] lo = new double[layers][];
        double[][] hi = new double[layers][];
        double[][] err = evaluationError == null ? null : new double[layers][];
        for (int i = 0; i < layers; i++) {
            lo[i] = lower[i].clone();
            hi[i] = upper[i].clone();
            if (err != null) {
                err[i] = evaluationError[i].clone();
            }
        }
        return new NetworkBounds(lo, hi, false, err);
    }

    /**
     * Per-neuron bound on the floating-point evaluation error of layer i's pre-activations under the
     * propagator's {@link ArithmeticModel}; null when the bounds cover real arithmetic only.
     */
    public double[] evaluationError(int i) {
        return evaluationError == null ? null : evaluationError[i];
    }

    /** Number of ReLU layers plus one (the last entry bounds the outputs). */
    public int layerCount() {
        return lower.length;
    }

    public int reluLayerCount() {
        return lower.length - 1;
    }

    /** Pre-activation lower bounds of ReLU layer i (i = reluLayerCount() gives the outputs). */
    public double[] lower(int i) {
        return lower[i];
    }

    public double[] upper(int i) {
        return upper[i];
    }

    /**
     * Per map i of the chain, its inputs that are exactly 0 wherever these bounds hold: for i ≥ 1, the ReLU outputs of
     * layer i − 1 whose pre-activation's upper bound is at most 0 (entry 0, the network's inputs, is null). In float32
     * bounds the pre-activation bounded is the float32-evaluated one, so its ReLU output is exactly 0 there: the mask
     * {@link org.certus.nn.ReluChain#withZeroInputs} takes.
     */
    public boolean[][] zeroReluOutputs() {
        boolean[][] zero = new boolean[lower.length][];
        for (int i = 1; i < zero.length; i++) {
            double[] up = upper[i - 1];
            zero[i] = new boolean[up.length];
            for (int j = 0; j < up.length; j++) {
                zero[i][j] = up[j] <= 0;
            }
        }
        return zero;
    }

    public boolean infeasible() {
        return infeasible;
    }

    /**
     * These bounds with one more split applied to one neuron: the layer's arrays are copied and
     * intersected; later layers are shared and must be recomputed by the caller (their bounds are
     * still sound, only looser). Marks the result infeasible when the split contradicts the bounds.
     */
    public NetworkBounds withSplit(int layer, int neuron, ReluPhase phase) {
        double[][] lo = lower.clone();
        double[][] hi = upper.clone();
        lo[layer] = lower[layer].clone();
        hi[layer] = upper[layer].clone();
        boolean empty = infeasible;
        if (phase == ReluPhase.ACTIVE) {
            empty |= hi[layer][neuron] < 0;
            lo[layer][neuron] = Math.max(0.0, lo[layer][neuron]);
        } else if (phase == ReluPhase.INACTIVE) {
            empty |= lo[layer][neuron] > 0;
            hi[layer][neuron] = Math.min(0.0, hi[layer][neuron]);
        }
        return new NetworkBounds(lo, hi, empty, evaluationError);
    }

    /** True when ReLU layer i, neuron j is unstable (its bounds straddle zero). */
    public boolean isUnstable(int i, int j) {
        return lower[i][j] < 0 && upper[i][j] > 0;
    }

    /** ReLUs whose bounds straddle zero, in ReLU layer i. */
    public int unstableCount(int i) {
        int n = 0;
        for (int j = 0; j < lower[i].length; j++) {
            if (lower[i][j] < 0 && upper[i][j] > 0) {
                n++;
            }
        }
        return n;
    }

    public int activeCount(int i) {
        int n = 0;
        for (double l : lower[i]) {
            if (l >= 0) {
                n++;
            }
        }
        return n;
    }

    public int inactiveCount(int i) {
        int n = 0;
        for (double u : upper[i]) {
            if (u <= 0) {
                n++;
            }
        }
        return n;
    }

    public int unstableCount() {
        int n = 0;
        for (int i = 0; i < reluLayerCount(); i++) {
            n += unstableCount(i);
        }
        return n;
    }
}
