package org.certus.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The verifier's normal form of a network: {@code z_1 = A_1 x + b_1, h_1 = relu(z_1), …,
 * y = A_{k+1} h_k + b_{k+1}}. Bound propagation, the MILP encoding and branch-and-bound all index ReLU
 * layers the same way: ReLU layer {@code i} (0-based) has pre-activations {@code affine(i)} of the
 * previous post-activations (or the input for i = 0), and {@code affine(reluLayerCount())} gives the
 * outputs. Built from any network graph by {@link Lowering} (consecutive affine operations are composed
 * into one map; MaxPool becomes trees of ReLUs; skips become passthrough neurons that are stable by
 * construction).
 *
 * <p>Float32: {@link #float32ErrorMap(int)} bounds, for layers whose pre-activations combine several
 * rounding operations, how far a float32 evaluation of the network strays from the layer's real
 * pre-activations given its inputs; for the other layers the per-row bound of the layer's own map
 * applies ({@code null}).
 */
public final class ReluChain {
    private final Network network;
    private final List<AffineMap> affines;
    private final AffineMap[] errorMaps;
    /** {@link #float32ErrorBound}'s and {@link #float32RoundingRows}'s, built on first use (immutable: a racy publication is harmless). */
    private final AffineMap[] errorBounds;
    private final RoundingRows[] roundingRows;
    private final double[] carriedInputLower;
    private final int[][] originNode;
    private final int[][] originElement;
    /** Per map, its inputs known to be exactly 0 on the region this chain serves (null: none known). */
    private final boolean[][] zeroInputs;
    /** Whether {@link #affineOnRegion} drops the weights of {@link #zeroInputs} ({@link #withZeroInputWeightsDropped}). */
    private final boolean dropZeroInputWeights;
    /** {@link #affineOnRegion}'s maps, built on first use (immutable: a racy publication is harmless). */
    private final AffineMap[] onRegion;

    ReluChain(Network network, List<AffineMap> affines, AffineMap[] errorMaps, double[] carriedInputLower, int[][] originNode,
              int[][] originElement) {
        this(network, List.copyOf(affines), errorMaps.clone(), carriedInputLower, originNode, originElement,
                new boolean[errorMaps.length][], false);
    }

    private ReluChain(Network network, List<AffineMap> affines, AffineMap[] errorMaps, double[] carriedInputLower,
                      int[][] originNode, int[][] originElement, boolean[][] zeroInputs, boolean dropZeroInputWeights) {
        this.network = network;
        this.affines = affines;
        this.errorMaps = errorMaps;
        this.errorBounds = new AffineMap[errorMaps.length];
        this.roundingRows = new RoundingRows[errorMaps.length];
        this.carriedInputLower = carriedInputLower;
        this.originNode = originNode;
        this.originElement = originElement;
        this.zeroInputs = zeroInputs;
        this.dropZeroInputWeights = dropZeroInputWeights;
        this.onRegion = new AffineMap[affines.size()];
    }

    /**
     * This chain for a region on which the inputs {@code zero[i][j]} of map i (i ≥ 1: ReLU outputs of layer i − 1) are
     * exactly 0 in float32 evaluation, e.g. where the region's float32-sound upper bound of the pre-activation is at
     * most 0. Its {@link #float32ErrorBound} and {@link #float32RoundingRows} then count only the other terms
     * ({@link Float32Rounding#errorMap(AffineMap, int, boolean[])}): valid on that region and every region inside it,
     * not elsewhere. {@code zero[i]} may be null (nothing known); {@code zero[0]} is ignored.
     */
    public ReluChain withZeroInputs(boolean[][] zero) {
        if (zero.length != affines.size()) {
            throw new IllegalArgumentException("one mask per map expected, got " + zero.length + " for " + affines.size());
        }
        boolean[][] z = new boolean[zero.length][];
        for (int i = 1; i < zero.length; i++) {
            if (zero[i] != null) {
                if (zero[i].length != affines.get(i).cols()) {
                    throw new IllegalArgumentException("mask " + i + " has " + zero[i].length + " entries for "
                            + affines.get(i).cols() + " inputs");
                }
                z[i] = zero[i].clone();
            }
        }
        return new ReluChain(network, affines, errorMaps, carriedInputLower, originNode, originElement, z, dropZeroInputWeights);
    }

    /**
     * This chain, whose {@link #affineOnRegion} leaves out the weights of the inputs {@link #withZeroInputs} knows to be
     * 0: a bounding pass over a lowered convolution then no longer multiplies the coefficients of inactive ReLUs
     * (about half of a CIFAR ResNet's weights at its root) only to zero them in the next relaxation.
     */
    public ReluChain withZeroInputWeightsDropped() {
        return new ReluChain(network, affines, errorMaps, carriedInputLower, originNode, originElement, zeroInputs, true);
    }

    /**
     * Map i as it acts on this chain's region, for bounding passes: with {@link #withZeroInputWeightsDropped}, a sparse
     * map (a lowered convolution) without the entries of its inputs known to be 0 there
     * ({@link AffineMap#withoutColumns}); otherwise, and for map 0, dense maps (whose passes run over rows of every
     * input) and the maps of a chain of more than {@link #ON_REGION_MAX_NONZEROS} weights, {@link #affine(int)}
     * itself. On the region both give the same pre-activations, and a sum over a row adds the same non-zero terms
     * in the same order, so bounds computed with either are the same numbers. Valid on this chain's region only.
     */
    public AffineMap affineOnRegion(int i) {
        AffineMap m = onRegion[i];
        if (m == null) {
            AffineMap a = affines.get(i);
            boolean keep = !dropZeroInputWeights || i == 0 || zeroInputs[i] == null || a.denseOrNull() != null
                    || a.denseRowsOrNull() != null || nonZeros() > ON_REGION_MAX_NONZEROS;
            m = keep ? a : a.withoutColumns(zeroInputs[i]);
            onRegion[i] = m;
        }
        return m;
    }

    /**
     * Most weights of a chain whose maps {@link #affineOnRegion} copies without their zero inputs' weights: the copies
     * take memory besides the maps (the CIFAR ResNets have 2.1–2.4 million weights; TinyYOLO's normal form, 72
     * million, keeps its maps).
     */
    static final long ON_REGION_MAX_NONZEROS = 8_000_000L;

    /** Stored weights of every map. */
    private long nonZeros() {
        long n = 0;
        for (AffineMap a : affines) {
            n += a.nonZeros();
        }
        return n;
    }

    /**
     * The normal form of {@code network} over its input domain (a skip from the input needs a domain
     * with finite lower bounds; see {@link #of(Network, double[], double[])} for a query's own box).
     */
    public static ReluChain of(Network network) {
        return network.chain();
    }

    /**
     * Fails early, with a {@link NetworkException} naming the node, when the verifier cannot lower
     * {@code network}; a graph that needs a query's box to be lowered (a skip from an unbounded input)
     * passes, its chain is built per query.
     */
    public static void requireLowerable(Network network) {
        if (network.loweredChainOrNull() != null) {
            return;
        }
        try {
            // Over an unknown region: a graph that carries an input past a ReLU stops there, cheaply, and is lowered
            // per query over its box (TinyYOLO's lowering over its domain took 23 s, for boxes below that domain).
            // Any other graph lowers in full, to the chain of every region.
            network.offerChain(Lowering.lower(network, null));
        } catch (Lowering.RegionNeeded e) {
            // Lowered per query, over its box.
        }
    }

    /** The normal form of {@code network}, valid on the box {@code [lower, upper]} (and every box inside it). */
    public static ReluChain of(Network network, double[] lower, double[] upper) {
        return of(network, lower, upper, () -> false);
    }

    /**
     * {@link #of(Network, double[], double[])}, abandoned with {@link LoweringStopped} once {@code stop} holds. A
     * graph lowered per query (a skip from the input) keeps its last such chain, so the stages of one query (and
     * queries whose boxes lie above the same floor) lower it once.
     */
    public static ReluChain of(Network network, double[] lower, double[] upper, BooleanSupplier stop) {
        ReluChain c = network.loweredChainOrNull();
        if (c != null && c.accepts(lower)) {
            return c;
        }
        ReluChain last = network.regionChain();
        if (last != null && last.accepts(lower)) {
            return last;
        }
        // Let the last chain go first: TinyYOLO's normal form is gigabytes, and two at once need twice that.
        network.rememberRegionChain(null);
        c = Lowering.lower(network, lower, stop);
        if (c.carriesNoInput()) {
            network.offerChain(c); // it holds on every region: the domain's chain as well
        } else {
            network.rememberRegionChain(c);
        }
        return c;
    }

    /**
     * A chain that is its own network: the maps of this one as sequential operations
     * ({@link AffineTransform} and ReLU), with this chain's float32 error model, for searches over a
     * part of it (e.g. {@link #cutBefore}).
     */
    public Network asNetwork(String name) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < affines.size(); i++) {
            ops.add(new AffineTransform(affines.get(i)));
            if (i < affines.size() - 1) {
                ops.add(new Relu());
            }
        }
        Network n = new Network(name, Shape.flat(inputSize()), network.inputDomain(), ops);
        n.attachChain(new ReluChain(n, affines, errorMaps, carriedInputLower, originNode, originElement));
        return n;
    }

    /**
     * The network cut just before ReLU layer {@code layer}: its outputs are that layer's pre-activations,
     * by the same maps and error model.
     */
    public ReluChain cutBefore(int layer) {
        if (layer < 0 || layer >= reluLayerCount()) {
            throw new IllegalArgumentException("network '" + network.name() + "' has no ReLU layer " + layer);
        }
        AffineMap[] err = new AffineMap[layer + 1];
        System.arraycopy(errorMaps, 0, err, 0, layer + 1);
        int[][] on = new int[layer][];
        int[][] oe = new int[layer][];
        System.arraycopy(originNode, 0, on, 0, layer);
        System.arraycopy(originElement, 0, oe, 0, layer);
        ReluChain cut = new ReluChain(network, affines.subList(0, layer + 1), err, carriedInputLower, on, oe);
        Network n = cut.asNetwork(network.name() + " cut before ReLU layer " + layer);
        return ReluChain.of(n);
    }

    public Network network() {
        return network;
    }

    /** Number of ReLU layers k. */
    public int reluLayerCount() {
        return affines.size() - 1;
    }

    /** Affine map i: produces ReLU layer i's pre-activations, or the outputs for i = k. */
    public AffineMap affine(int i) {
        return affines.get(i);
    }

    /**
     * The float32 error model of map i (a nonnegative affine map of its inputs' magnitudes bounding the
     * distance of a float32 evaluation from the real values), or null when the per-row bound of
     * {@link Float32Rounding#rowErrors} over {@code affine(i)} applies.
     */
    public AffineMap float32ErrorMap(int i) {
        return errorMaps[i];
    }

    /**
     * The float32 error of map i as a nonnegative affine map of its inputs' magnitudes: {@link #float32ErrorMap}
     * where a layer combines several rounding operations, otherwise {@link Float32Rounding#errorMap} of
     * {@code affine(i)}. It bounds the error at each input's own magnitude, so over inputs that are nonnegative
     * (ReLU outputs) it is a linear function of them.
     */
    public AffineMap float32ErrorBound(int i) {
        AffineMap e = errorMaps[i];
        if (e != null) {
            return e;
        }
        AffineMap d = errorBounds[i];
        if (d == null) {
            d = Float32Rounding.errorMap(affines.get(i), 0, zeroInputs[i]);
            errorBounds[i] = d;
        }
        return d;
    }

    /**
     * Map i's weights with its float32 error folded in ({@link RoundingRows}), for a dense map (one with
     * {@link AffineMap#denseRowsOrNull()}) of at least {@link RoundingRows#MIN_INPUTS} inputs with one rounding per
     * dot product; null otherwise. Sparse maps (lowered
     * convolutions) keep a constant error per row: their short dot products round little, and on mnist-wk17a
     * sample 3662 folding them in too moved the search's bound at 120 s only from −0.0017 to −0.0014 while its
     * branching gather cost a quarter of the nodes.
     */
    public RoundingRows float32RoundingRows(int i) {
        AffineMap a = affines.get(i);
        if (errorMaps[i] != null || a.cols() < RoundingRows.MIN_INPUTS || a.denseRowsOrNull() == null) {
            return null;
        }
        RoundingRows r = roundingRows[i];
        if (r == null) {
            r = RoundingRows.of(affines.get(i), float32ErrorBound(i));
            roundingRows[i] = r;
        }
        return r;
    }

    /**
     * Per row of map i, a bound on the float32 evaluation error of the network there, for inputs of map
     * i with magnitudes at most {@code maxAbs}.
     */
    public double[] float32Errors(int i, double[] maxAbs) {
        AffineMap e = errorMaps[i];
        if (e == null) {
            return Float32Rounding.rowErrors(affines.get(i), maxAbs);
        }
        double[] out = new double[e.rows()];
        AffineOperation.applyUp(e, maxAbs, out);
        return out;
    }

    /** Width of ReLU layer i. */
    public int width(int i) {
        return affines.get(i).rows();
    }

    public int inputSize() {
        return affines.get(0).cols();
    }

    public int outputSize() {
        return affines.get(affines.size() - 1).rows();
    }

    public int reluCount() {
        int n = 0;
        for (int i = 0; i < reluLayerCount(); i++) {
            n += width(i);
        }
        return n;
    }

    /**
     * The graph node a neuron of ReLU layer {@code layer} comes from (its ReLU, or the MaxPool whose max
     * it helps compute), or −1 for a passthrough neuron that carries a value past this layer.
     */
    public int originNode(int layer, int neuron) {
        return originNode[layer][neuron];
    }

    /**
     * Which element of the origin node's ReLUs the neuron is (for a ReLU node, the element of its output);
     * for a passthrough neuron, the index of the value it carries in the layer below (or the input).
     */
    public int originElement(int layer, int neuron) {
        return originElement[layer][neuron];
    }

    /** Number of passthrough neurons of ReLU layer {@code layer} (stable by construction, never relaxed). */
    public int passthroughCount(int layer) {
        int n = 0;
        for (int o : originNode[layer]) {
            if (o < 0) {
                n++;
            }
        }
        return n;
    }

    /** True when the chain holds on a region with these lower bounds (see {@link #requireWithinRegion}). */
    /** Whether no input is carried past a ReLU: the chain then holds on every region. */
    boolean carriesNoInput() {
        return carriedInputLower == null;
    }

    public boolean accepts(double[] lower) {
        if (carriedInputLower == null) {
            return true;
        }
        for (int i = 0; i < carriedInputLower.length; i++) {
            if (!(lower[i] >= carriedInputLower[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a region this chain does not hold on: one below the lower bound an input carried past a
     * ReLU was lowered with (its passthrough neuron would no longer be stable, hence not exact).
     */
    public void requireWithinRegion(double[] lower) {
        if (!accepts(lower)) {
            int i = 0;
            while (lower[i] >= carriedInputLower[i]) {
                i++;
            }
            throw new NetworkException("network '" + network.name() + "' was lowered for input " + i + " >= " + carriedInputLower[i]
                    + " (it carries that input past a ReLU), not for " + lower[i] + "; lower it again for this region (ReluChain.of with the box)");
        }
    }

    /**
     * Forward pass in this form: returns pre-activations of every ReLU layer followed by the outputs
     * ({@code result[i]} for ReLU layer i, {@code result[k]} the outputs).
     */
    public double[][] preActivations(double[] x) {
        return preActivations(x, null);
    }

    /**
     * The pre-activations at {@code x}, of the rows marked in {@code rows[i]} for map i (null, or a null entry: all);
     * the others are 0. Rows that the marked ones depend on must be marked too (e.g. an outputs' cone).
     */
    public double[][] preActivations(double[] x, boolean[][] rows) {
        int k = reluLayerCount();
        double[][] z = new double[k + 1][];
        double[] h = x;
        for (int i = 0; i <= k; i++) {
            AffineMap a = affines.get(i);
            z[i] = new double[a.rows()];
            a.apply(h, z[i], rows == null ? null : rows[i]);
            if (i < k) {
                h = new double[z[i].length];
                for (int j = 0; j < h.length; j++) {
                    h[j] = Math.max(0.0, z[i][j]);
                }
            }
        }
        return z;
    }

    public double[] evaluate(double[] x) {
        double[][] z = preActivations(x);
        return z[z.length - 1];
    }
}
