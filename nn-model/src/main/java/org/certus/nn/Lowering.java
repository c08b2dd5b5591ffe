package org.certus.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.eclipse.collections.impl.list.mutable.primitive.ByteArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;

/**
 * The one step from a network's graph to the verifier's normal form, {@link ReluChain}: ReLU layers
 * {@code z_j = A_j h_{j−1} + b_j, h_j = relu(z_j)} over the input {@code h_{−1} = x}. Each operation
 * expresses itself with the two primitives offered here ({@link Operation#lower}): an affine map of
 * values ({@link #affine}, {@link #exact}) and a ReLU ({@link #relu}). Every value of the graph becomes
 * an affine function of the post-activations of one ReLU layer (its level) — or of the input at level 0.
 *
 * <p>A value needed at a higher level than its own (a residual skip, the second operand of a max, one
 * branch of a Concat deeper than the other) reaches it through <em>passthrough</em> neurons: each basis
 * element it uses is carried through each ReLU layer in between as {@code relu(h + 1)}, which is
 * {@code h + 1} exactly since {@code h >= 0} (post-activations are never negative), and the consumer
 * subtracts the 1 again. The engine's bounds show such a neuron stable at once (lower bound 1), so it
 * is never relaxed and never split: skips stay exact. An input coordinate is carried as
 * {@code relu(x − lo + 1)} with {@code lo} the region's lower bound, which makes that chain valid only
 * for regions above {@code lo} ({@link ReluChain#requireWithinRegion}). A sequential network lowers to
 * exactly the chain the composition of its affine layers gives (the same maps, bit for bit).
 *
 * <p>Float32: each value keeps, per element, a bound on how far a float32 evaluation of the network
 * strays from it since its level's basis (exact inputs), as a nonnegative affine map of the basis
 * magnitudes ({@link ReluChain#float32ErrorMap}); an operation's own rounding enters through its
 * {@link AffineOperation#float32ErrorMap}, errors already present pass through {@code |A|}, and the
 * double rounding of composing maps is bounded too. A layer whose every row is one rounding operation
 * applied to basis elements keeps the engine's per-row bound instead ({@link Float32Rounding#rowErrors}).
 */
public final class Lowering {
    /** Row kinds: a basis element or zero (exact); an exact combination; one rounding op on basis elements; anything else. */
    static final byte SELECTION = 0, EXACT = 1, SINGLE = 2, COMPOSITE = 3;
    /** Relative double rounding of composing one entry of a map (γ of double for the terms summed, per term). */
    static final double COMPOSE_ROUNDING = 0x1p-52;
    /** Final safety factor on the float32 error maps (they are sums of nonnegative products, each rounded). */
    static final double ERROR_MAP_SAFETY = 1 + 1e-9;

    /** A value of the graph during lowering: rows of an affine map over the basis of its level. */
    public static final class Value {
        final int level;
        final int[] start;
        final int[] cols;
        final double[] vals;
        final double[] bias;
        final int[] eStart;
        final int[] eCols;
        final double[] eVals;
        final double[] eConst;
        final byte[] kind;

        Value(int level, int[] start, int[] cols, double[] vals, double[] bias, int[] eStart, int[] eCols, double[] eVals,
              double[] eConst, byte[] kind) {
            this.level = level;
            this.start = start;
            this.cols = cols;
            this.vals = vals;
            this.bias = bias;
            this.eStart = eStart;
            this.eCols = eCols;
            this.eVals = eVals;
            this.eConst = eConst;
            this.kind = kind;
        }

        /** Number of elements. */
        public int size() {
            return bias.length;
        }

        /** The ReLU layers below it: 0 for affine functions of the input. */
        public int level() {
            return level;
        }

        boolean isSelection(int r) {
            return bias[r] == 0.0 && start[r + 1] - start[r] == 1 && vals[start[r]] == 1.0;
        }
    }

    /** One ReLU layer under construction (append-only, so column indices into it stay valid). */
    private static final class LayerRows {
        final CsrRows rows = new CsrRows();
        final ByteArrayList kind = new ByteArrayList();
        final IntIntHashMap passthrough = new IntIntHashMap();
        final IntArrayList originNode = new IntArrayList();
        final IntArrayList originElement = new IntArrayList();

        int width() {
            return kind.size();
        }
    }

    /** The lowering needs a region with finite lower bounds on the inputs it carries past a ReLU. */
    static final class RegionNeeded extends NetworkException {
        RegionNeeded(String message) {
            super(message);
        }
    }

    /** Rows per chunk of a composition run in parallel (smaller maps are composed on the caller's thread). */
    private static final int PARALLEL_COMPOSE_ROWS = 2048;
    /** Never stops: lowering without a caller's limit. */
    private static final BooleanSupplier NEVER = () -> false;

    private final Network network;
    private final double[] regionLower;
    private final BooleanSupplier stop;
    /** Rows per chunk of a parallel composition ({@link #PARALLEL_COMPOSE_ROWS}). */
    private final int composeChunkRows;
    private final List<LayerRows> layers = new ArrayList<>();
    /** Per input carried past a ReLU, the region's lower bound it was lowered with (−∞ for the others). */
    private final double[] carriedInputFloor;
    /** Per carried input, the shift {@code floor − 1} its passthrough subtracts (so the passthrough is at least 1). */
    private final double[] carriedInputLower;
    private int currentNode = -1;
    private int currentElementOffset;
    /** Whether an input row's error entries join the pass over its terms where their columns agree (tests: off, the same chain). */
    private final boolean fuseErrorRows;

    private Lowering(Network network, double[] regionLower, BooleanSupplier stop, int composeChunkRows, boolean fuseErrorRows) {
        this.composeChunkRows = composeChunkRows;
        this.fuseErrorRows = fuseErrorRows;
        this.network = network;
        this.regionLower = regionLower;
        this.stop = stop;
        this.carriedInputLower = new double[network.inputSize()];
        this.carriedInputFloor = new double[network.inputSize()];
        Arrays.fill(carriedInputFloor, Double.NEGATIVE_INFINITY);
    }

    /**
     * The normal form of {@code network}. {@code regionLower} (null: unknown) bounds the inputs of every
     * region the chain will be used on from below; it is needed only when the graph carries an input
     * coordinate past a ReLU (a skip from the input), and then the chain accepts regions above it only.
     */
    public static ReluChain lower(Network network, double[] regionLower) {
        return lower(network, regionLower, NEVER);
    }

    /**
     * {@link #lower(Network, double[])}, abandoned with {@link LoweringStopped} once {@code stop} holds (polled
     * between operations and every few hundred composed rows).
     */
    public static ReluChain lower(Network network, double[] regionLower, BooleanSupplier stop) {
        return lower(network, regionLower, stop, PARALLEL_COMPOSE_ROWS);
    }

    /** {@link #lower(Network, double[], BooleanSupplier)} composing in chunks of {@code composeChunkRows} rows (tests: any size, the same chain). */
    static ReluChain lower(Network network, double[] regionLower, BooleanSupplier stop, int composeChunkRows) {
        if (regionLower != null && regionLower.length != network.inputSize()) {
            throw new NetworkException("region has " + regionLower.length + " values, network '" + network.name() + "' has "
                    + network.inputSize() + " inputs");
        }
        return new Lowering(network, regionLower, stop, composeChunkRows, true).run();
    }

    /** {@link #lower(Network, double[])} with each input row's error entries in a pass of their own (tests: the same chain). */
    static ReluChain lowerWithSeparateErrorPasses(Network network, double[] regionLower) {
        return new Lowering(network, regionLower, NEVER, PARALLEL_COMPOSE_ROWS, false).run();
    }

    private ReluChain run() {
        int n = network.nodeCount();
        Value[] values = new Value[n + 1];
        values[0] = inputValue(network.inputSize());
        for (int i = 0; i < n; i++) {
            pollStop();
            Network.Node node = network.node(i);
            List<Value> in = new ArrayList<>(node.inputs().length);
            for (int v : node.inputs()) {
                in.add(values[v]);
            }
            currentNode = i;
            currentElementOffset = 0;
            try {
                values[i + 1] = node.op().lower(this, network.inputShapes(i), in);
            } catch (RegionNeeded e) {
                throw new RegionNeeded("network '" + network.name() + "', node " + i + " (" + node.op().describe() + "): " + e.getMessage());
            } catch (NetworkException e) {
                throw new NetworkException("network '" + network.name() + "', node " + i + " (" + node.op().describe() + "): "
                        + e.getMessage(), e);
            }
            if (values[i + 1].size() != network.valueShape(i + 1).size()) {
                throw new IllegalStateException(node.op().describe() + " lowered to " + values[i + 1].size() + " values, expected "
                        + network.valueShape(i + 1).size());
            }
            // Free what no later node reads (values of a long chain are large for image networks).
            for (int v : node.inputs()) {
                if (network.lastUse(v) == i) {
                    values[v] = null;
                }
            }
        }
        Value out = values[n];
        if (out.level < layers.size()) {
            out = lift(out, layers.size(), null);
        }
        return assemble(out);
    }

    private void pollStop() {
        if (stop.getAsBoolean()) {
            throw new LoweringStopped(network.name());
        }
    }

    private static Value inputValue(int size) {
        int[] start = new int[size + 1];
        int[] cols = new int[size];
        double[] vals = new double[size];
        for (int i = 0; i < size; i++) {
            start[i + 1] = i + 1;
            cols[i] = i;
            vals[i] = 1.0;
        }
        return new Value(0, start, cols, vals, new double[size], new int[size + 1], new int[0], new double[0], new double[size],
                new byte[size]);
    }

    /** Width of the basis of {@code level}: the inputs for 0, else ReLU layer {@code level − 1}. */
    private int basisWidth(int level) {
        return level == 0 ? network.inputSize() : layers.get(level - 1).width();
    }

    private LayerRows layer(int j) {
        while (layers.size() <= j) {
            layers.add(new LayerRows());
        }
        return layers.get(j);
    }

    // ------------------------------------------------------------------ primitives for operations

    /** {@code op} (an affine operation) applied to its inputs: its map composed with theirs. */
    public Value affine(AffineOperation op, List<Shape> inputs, List<Value> in) {
        AffineMap map = op.toAffineMap(inputs);
        return compose(map, op.roundsInFloat32() ? op.float32ErrorMapOf(map) : null, op.float32IsOneDotProduct(), in);
    }

    /**
     * An affine map of values that the network does not evaluate as such (an artefact of a lowering,
     * e.g. {@code a − b} inside a max): exact, it adds no float32 rounding of its own.
     */
    public Value exact(AffineMap map, List<Value> in) {
        return compose(map, null, false, in);
    }

    /**
     * {@code relu(v)}: one new neuron per element of {@code v} in ReLU layer {@code v.level()}; the result
     * lives one level higher. Elements are numbered for {@link ReluChain#originElement} from where the
     * current operation's previous ReLUs left off.
     */
    public Value relu(Value v) {
        LayerRows l = layer(v.level);
        int first = l.width();
        for (int r = 0; r < v.size(); r++) {
            l.rows.copyRow(v, r);
            l.kind.add(v.kind[r]);
            l.originNode.add(currentNode);
            l.originElement.add(currentElementOffset + r);
        }
        currentElementOffset += v.size();
        int n = v.size();
        int[] start = new int[n + 1];
        int[] cols = new int[n];
        double[] vals = new double[n];
        for (int r = 0; r < n; r++) {
            start[r + 1] = r + 1;
            cols[r] = first + r;
            vals[r] = 1.0;
        }
        return new Value(v.level + 1, start, cols, vals, new double[n], new int[n + 1], new int[0], new double[0], new double[n],
                new byte[n]);
    }

    // ------------------------------------------------------------------ composition and lifting

    /**
     * {@code map} applied to {@code in}, rounding as {@code own} says (null: exact); {@code oneDotProduct}
     * when that rounding is one float32 dot product per row over float32 weights.
     */
    private Value compose(AffineMap map, AffineMap own, boolean oneDotProduct, List<Value> in) {
        int total = 0;
        int level = 0;
        for (Value v : in) {
            total += v.size();
            level = Math.max(level, v.level);
        }
        if (map.cols() != total) {
            throw new NetworkException("affine map over " + map.cols() + " values applied to " + total);
        }
        // Lift the rows the map reads of inputs below the target level.
        Value[] src = new Value[in.size()];
        int[] offset = new int[in.size() + 1];
        for (int t = 0; t < in.size(); t++) {
            offset[t + 1] = offset[t] + in.get(t).size();
        }
        for (int t = 0; t < in.size(); t++) {
            Value v = in.get(t);
            if (v.level == level) {
                src[t] = v;
                continue;
            }
            boolean[] needed = new boolean[v.size()];
            for (int q = 0; q < map.nonZeros(); q++) {
                int k = map.colIndex()[q];
                if (k >= offset[t] && k < offset[t + 1]) {
                    needed[k - offset[t]] = true;
                }
            }
            src[t] = lift(v, level, needed);
        }
        int width = basisWidth(level);
        int[] owner = new int[total];
        for (int t = 0; t < in.size(); t++) {
            Arrays.fill(owner, offset[t], offset[t + 1], t);
        }
        byte[] kind = new byte[map.rows()];
        boolean[][] sameColumns = new boolean[src.length][];
        for (int t = 0; t < src.length; t++) {
            sameColumns[t] = fuseErrorRows ? RowComposition.sameColumns(src[t]) : new boolean[src[t].size()];
        }
        int rows = map.rows();
        CsrRows out;
        int chunk = composeChunkRows;
        if (rows < chunk) {
            out = RowComposition.rows(0, rows, map, own, oneDotProduct, src, offset, owner, width, kind, sameColumns, this::pollStop);
        } else {
            // Rows are independent: chunks on the common pool, concatenated in order (the same rows, bit for bit).
            int chunks = (rows + chunk - 1) / chunk;
            CsrRows[] parts = new CsrRows[chunks];
            IntStream.range(0, chunks).parallel().forEach(p -> parts[p] = RowComposition.rows(p * chunk,
                    Math.min(rows, (p + 1) * chunk), map, own, oneDotProduct, src, offset, owner, width, kind, sameColumns, this::pollStop));
            out = parts[0];
            for (int p = 1; p < chunks; p++) {
                out.append(parts[p]);
                parts[p] = null;
            }
        }
        return out.toValue(level, kind);
    }

    /**
     * {@code v} re-expressed at {@code target} (higher) level through passthrough neurons; only the rows
     * marked in {@code needed} (null: all) are carried, the others are left empty.
     */
    private Value lift(Value v, int target, boolean[] needed) {
        Value cur = v;
        for (int level = v.level; level < target; level++) {
            CsrRows out = new CsrRows();
            byte[] kind = new byte[cur.size()];
            for (int r = 0; r < cur.size(); r++) {
                if (needed != null && !needed[r]) {
                    out.start.add(out.cols.size());
                    out.bias.add(0.0);
                    out.eStart.add(out.eCols.size());
                    out.eConst.add(0.0);
                    kind[r] = SELECTION;
                    continue;
                }
                double b = cur.bias[r];
                double slack = 0.0;
                for (int q = cur.start[r]; q < cur.start[r + 1]; q++) {
                    int c = cur.cols[q];
                    double coef = cur.vals[q];
                    int p = passthrough(level, c);
                    out.cols.add(p);
                    out.vals.add(coef);
                    // Level 0: x_c = p + (lo_c − 1); above: h_c = p − 1.
                    double shift = level == 0 ? carriedInputLower[c] : -1.0;
                    double term = coef * shift;
                    slack += Math.abs(term) + Math.abs(b);
                    b += term;
                }
                out.start.add(out.cols.size());
                out.bias.add(b);
                double econst;
                int[] ec;
                double[] ev;
                if (cur.kind[r] == SINGLE) {
                    // Its error is the per-row bound of its own row; at level 0 it must become explicit.
                    double[] single = CsrRows.singleErrorRow(cur, r);
                    int m = cur.start[r + 1] - cur.start[r];
                    ec = Arrays.copyOfRange(cur.cols, cur.start[r], cur.start[r + 1]);
                    ev = Arrays.copyOf(single, m);
                    econst = single[m];
                } else {
                    ec = Arrays.copyOfRange(cur.eCols, cur.eStart[r], cur.eStart[r + 1]);
                    ev = Arrays.copyOfRange(cur.eVals, cur.eStart[r], cur.eStart[r + 1]);
                    econst = cur.eConst[r];
                }
                boolean explicit = cur.kind[r] != SINGLE || level == 0;
                for (int q = 0; q < ec.length && explicit; q++) {
                    int c = ec[q];
                    out.eCols.add(passthrough(level, c));
                    out.eVals.add(ev[q]);
                    if (level == 0) {
                        // |x_c| <= |p| + |lo_c − 1|.
                        econst += ev[q] * Math.abs(carriedInputLower[c]);
                    }
                }
                if (!explicit) {
                    econst = 0.0;
                }
                econst += COMPOSE_ROUNDING * slack;
                out.eStart.add(out.eCols.size());
                out.eConst.add(econst == 0.0 || !explicit ? 0.0 : Math.nextUp(econst * ERROR_MAP_SAFETY));
                byte k = cur.kind[r];
                if (k == SELECTION) {
                    kind[r] = cur.start[r + 1] == cur.start[r] ? SELECTION : EXACT;
                } else if (k == SINGLE && level > 0) {
                    // The engine's per-row bound of the lifted row, over magnitudes h + 1, still covers the original's.
                    kind[r] = SINGLE;
                } else {
                    kind[r] = k == EXACT ? EXACT : COMPOSITE;
                }
            }
            // Rows are sorted by column only within the passthroughs' order of creation: sort them.
            cur = CsrRows.sortRows(out.toValue(level + 1, kind));
        }
        return cur;
    }


    /** The passthrough neuron of ReLU layer {@code level} that carries basis element {@code c} (created on first use). */
    private int passthrough(int level, int c) {
        LayerRows l = layer(level);
        int p = l.passthrough.getIfAbsent(c, -1);
        if (p >= 0) {
            return p;
        }
        double shift;
        if (level == 0) {
            double lo = regionLower == null ? Double.NEGATIVE_INFINITY : regionLower[c];
            if (!Double.isFinite(lo)) {
                throw new RegionNeeded("the graph carries input " + c + " past a ReLU (a skip connection from the input), which "
                        + "the verifier's normal form can hold only over a region with a finite lower bound on it; give one "
                        + "(an input domain or a query box)");
            }
            carriedInputFloor[c] = lo;
            carriedInputLower[c] = lo - 1.0;
            shift = -carriedInputLower[c];
        } else {
            shift = 1.0;
        }
        p = l.width();
        l.rows.cols.add(c);
        l.rows.vals.add(1.0);
        l.rows.start.add(l.rows.cols.size());
        l.rows.bias.add(shift);
        l.rows.eStart.add(l.rows.eCols.size());
        l.rows.eConst.add(0.0);
        l.kind.add(EXACT);
        l.originNode.add(-1);
        l.originElement.add(c);
        l.passthrough.put(c, p);
        return p;
    }

    // ------------------------------------------------------------------ assembly

    private ReluChain assemble(Value out) {
        int k = layers.size();
        List<AffineMap> maps = new ArrayList<>(k + 1);
        AffineMap[] errorMaps = new AffineMap[k + 1];
        int[][] originNode = new int[k][];
        int[][] originElement = new int[k][];
        for (int j = 0; j < k; j++) {
            LayerRows l = layers.get(j);
            Value v = l.rows.toValue(j, l.kind.toArray());
            maps.add(CsrRows.valueMap(v, basisWidth(j)));
            errorMaps[j] = CsrRows.errorMap(v, basisWidth(j));
            originNode[j] = l.originNode.toArray();
            originElement[j] = l.originElement.toArray();
        }
        maps.add(CsrRows.valueMap(out, basisWidth(k)));
        errorMaps[k] = CsrRows.errorMap(out, basisWidth(k));
        boolean carries = false;
        for (double c : carriedInputFloor) {
            carries |= c > Double.NEGATIVE_INFINITY;
        }
        return new ReluChain(network, maps, errorMaps, carries ? carriedInputFloor.clone() : null, originNode, originElement);
    }
}
