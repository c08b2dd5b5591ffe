package org.certus.bounds;

import org.certus.nn.OutwardRounding;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.certus.nn.RoundingRows;

/**
 * Symbolic linear bounds propagated backwards (CROWN / DeepPoly style). To bound a neuron of ReLU
 * layer m, its linear expression over layer m−1's post-activations is pushed back to the input,
 * replacing each ReLU by a linear relaxation: stable ReLUs are exact ({@code h = z} or {@code h = 0});
 * an unstable one with bounds {@code l < 0 < u} is bounded above by the chord
 * {@code h ≤ u (z − l) / (u − l)} and below by {@code h ≥ α z} with {@code α ∈ [0, 1]} (CROWN's
 * adaptive choice: α = 1 when {@code u ≥ −l}, else 0). The linear function of the input that results
 * is concretised over the input box.
 *
 * <p>Each neuron is back-substituted on its own ("row at a time"): memory stays O(widest layer) per
 * row, the sparse rows of convolutions stay sparse in the first steps, and rows run in parallel.
 * Only neurons that interval arithmetic leaves unstable are bounded symbolically; the result is the
 * intersection of both, so it is never looser than interval bounds.
 *
 * <p>Rounding: concretisation widens every bound by {@link OutwardRounding} over the sum it
 * evaluates, and every back-substitution step accumulates {@code Σ|λ|·|a|} so that the rounding of
 * the composed coefficients is bounded too (see {@link #ROUNDING_SLACK}).
 */
public final class SymbolicPropagator implements BoundPropagator {
    /**
     * Extra relative slack per back-substitution step for rounding in the composed coefficients.
     * Each step's scatter adds at most {@code γ_n·Σ|λ_r a_rc|} to coefficient c; we fold the
     * resulting error into the final concretisation through the magnitude accumulator, scaled by
     * this factor (a step's γ is below 1e-12 for layers up to 10^4 wide, so 1e-11 is a safe cover).
     */
    static final double ROUNDING_SLACK = 1e-11;

    /** Rows below this count are bounded sequentially (the fork/join overhead is not worth it). */
    private static final int PARALLEL_ROWS = 32;
    /** (row, side) lanes back-substituted together by {@link #boundRows}: each weight row serves them all while in cache. */
    static final int BLOCK_LANES = 8;

    private final boolean parallel;
    private final NormBall ball;
    private final ArithmeticModel arithmetic;
    /** Linear constraints on the input (null for none): concretisation is over box ∩ constraints. */
    private final InputConstraints constraints;
    /** The input region's last step of every back-substitution. */
    private final Concretisation region;
    /** Lanes per block of {@link #boundRows} ({@link #BLOCK_LANES}; tests vary it: results must not change). */
    private final int blockLanes;

    public SymbolicPropagator() {
        this(true);
    }

    /** @param parallel whether rows of one layer may be bounded on several threads */
    public SymbolicPropagator(boolean parallel) {
        this(parallel, null);
    }

    /**
     * @param parallel whether rows of one layer may be bounded on several threads
     * @param ball when not null, the input region is the box intersected with this ball
     */
    public SymbolicPropagator(boolean parallel, NormBall ball) {
        this(parallel, ball, ArithmeticModel.REAL);
    }

    /**
     * @param arithmetic which evaluations the bounds must contain (see {@link ArithmeticModel})
     */
    public SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic) {
        this(parallel, ball, arithmetic, null);
    }

    /**
     * @param constraints when not null (and there is no norm ball), the input region is the box
     *                    intersected with these linear constraints: layer 0's bounds and every
     *                    concretisation to the input use them ({@link InputConstraints}); with an
     *                    norm ball they are ignored, which is sound (the region only grows)
     */
    public SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic, InputConstraints constraints) {
        this(parallel, ball, arithmetic, constraints, BLOCK_LANES);
    }

    private SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic, InputConstraints constraints,
                               int blockLanes) {
        this(parallel, ball, arithmetic, constraints, blockLanes, NEVER);
    }

    private SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic, InputConstraints constraints,
                               int blockLanes, java.util.function.BooleanSupplier stop) {
        this(parallel, ball, arithmetic, constraints, blockLanes, stop, null);
    }

    private SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic, InputConstraints constraints,
                               int blockLanes, java.util.function.BooleanSupplier stop, boolean[] outputsWanted) {
        this(parallel, ball, arithmetic, constraints, blockLanes, stop, outputsWanted, true);
    }

    private SymbolicPropagator(boolean parallel, NormBall ball, ArithmeticModel arithmetic, InputConstraints constraints,
                               int blockLanes, java.util.function.BooleanSupplier stop, boolean[] outputsWanted, boolean supports) {
        if (blockLanes < 1) {
            throw new IllegalArgumentException("block lanes must be >= 1, got " + blockLanes);
        }
        this.parallel = parallel;
        this.ball = ball;
        this.region = new Concretisation(ball, constraints);
        this.arithmetic = arithmetic;
        this.constraints = ball == null ? constraints : null;
        this.blockLanes = blockLanes;
        this.stop = stop;
        this.outputsWanted = outputsWanted == null ? null : outputsWanted.clone();
        this.supports = supports;
    }

    /** Whether back-substitution lanes loop over their supports ({@link LaneSupport}) rather than every neuron. */
    private final boolean supports;

    /** The same propagator with lanes that loop over every neuron (for tests: the bounds must be the same bits). */
    SymbolicPropagator withoutSupports() {
        return new SymbolicPropagator(parallel, ball, arithmetic, constraints, blockLanes, stop, outputsWanted, false);
    }

    /**
     * Outputs whose bounds are back-substituted (null: all); the others keep their interval bounds, which
     * are sound too. A query that reads 5 of a network's 21,125 outputs (TinyYOLO) needs only those.
     */
    private final boolean[] outputsWanted;

    /** The ReLUs the wanted outputs depend on, for the last chain bounded ({@link OutputCone}; null masks: all of them). */
    private record ConeOf(ReluChain chain, boolean[][] masks) {
    }

    private final java.util.concurrent.atomic.AtomicReference<ConeOf> cone = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Per ReLU layer, the neurons worth back-substituting (null: all): those outside the wanted outputs' cone never
     * enter their bounds, so they keep interval bounds. Computed once per chain (a pass over its weights).
     */
    private boolean[][] cone(ReluChain chain) {
        if (outputsWanted == null) {
            return null;
        }
        ConeOf c = cone.get();
        if (c == null || c.chain() != chain) {
            c = new ConeOf(chain, OutputCone.of(chain, outputsWanted));
            cone.set(c);
        }
        return c.masks();
    }

    /** The same propagator, back-substituting only the outputs marked in {@code wanted} (see {@link #outputsWanted}). */
    public SymbolicPropagator withOutputRows(boolean[] wanted) {
        return new SymbolicPropagator(parallel, ball, arithmetic, constraints, blockLanes, stop, wanted, supports);
    }

    private static final java.util.function.BooleanSupplier NEVER = () -> false;
    /** Checked between layers and between blocks of rows; when true, bounding throws {@link BoundingInterrupted}. */
    private final java.util.function.BooleanSupplier stop;

    /**
     * The same propagator, abandoning a computation (with {@link BoundingInterrupted}) once {@code stop}
     * holds: on networks whose layers take seconds to bound, a search's time limit must reach inside one
     * node.
     */
    public SymbolicPropagator withStop(java.util.function.BooleanSupplier stop) {
        return new SymbolicPropagator(parallel, ball, arithmetic, constraints, blockLanes, stop, outputsWanted, supports);
    }

    private void checkStop() {
        if (stop.getAsBoolean()) {
            throw new BoundingInterrupted();
        }
    }

    /** The same propagator with another block size (for tests: the bounds must be the same bits). */
    SymbolicPropagator withBlockLanes(int lanes) {
        return new SymbolicPropagator(parallel, ball, arithmetic, constraints, lanes, stop, outputsWanted, supports);
    }

    /** The same propagator over the box alone (no input constraints). */
    private SymbolicPropagator boxOnly() {
        return new SymbolicPropagator(parallel, ball, arithmetic, null, blockLanes, stop, outputsWanted, supports);
    }

    @Override
    public NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper, ReluSplits splits) {
        return propagate(chain, inputLower, inputUpper, splits, null, 0);
    }

    /**
     * Like {@link #propagate(ReluChain, double[], double[], ReluSplits)} but keeps the bounds of
     * ReLU layers before {@code firstLayer} from {@code reuse} (a parent node whose splits agree on
     * those layers), recomputing only the later ones.
     */
    public NetworkBounds propagate(ReluChain chain, double[] inputLower, double[] inputUpper, ReluSplits splits,
                                   NetworkBounds reuse, int firstLayer) {
        InputBoxes.check(chain, inputLower, inputUpper);
        if (constraints != null && constraints.dimension() != inputLower.length) {
            throw new BoundsException("input constraints are over " + constraints.dimension() + " values, the box has " + inputLower.length);
        }
        if (constraints != null && reuse == null) {
            // CROWN is not monotone in its intermediate bounds (the adaptive lower slope can flip), so
            // tighter layer-0 bounds alone do not promise tighter later layers: intersect with the
            // box-only bounds, once (children reuse their parent's bounds, which already include them).
            reuse = boxOnly().propagate(chain, inputLower, inputUpper, splits);
            firstLayer = 0;
        }
        int k = chain.reluLayerCount();
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        double[][] err = arithmetic == ArithmeticModel.REAL ? null : new double[k + 1][];
        boolean infeasible = false;
        int start = reuse == null ? 0 : Math.min(firstLayer, k);
        // Few inputs: forward linear bounds first, so that only what they leave unstable is back-substituted.
        ForwardLinearBounds forward = ball == null && inputLower.length <= ForwardLinearBounds.MAX_INPUTS
                ? new ForwardLinearBounds(chain, inputLower, inputUpper) : null;
        for (int i = 0; i < start; i++) {
            lo[i] = reuse.lower(i);
            hi[i] = reuse.upper(i);
            if (err != null) {
                err[i] = reuse.evaluationError(i);
            }
            infeasible |= reuse.infeasible();
            if (forward != null) {
                // The forward functions are built from the input even where the parent's bounds are
                // kept; they may tighten those bounds (both hold on this region).
                lo[i] = lo[i].clone();
                hi[i] = hi[i].clone();
                forward.advance(i, i == 0 ? null : lo[i - 1], i == 0 ? null : hi[i - 1], err == null ? null : err[i], lo[i], hi[i]);
                infeasible |= SplitBounds.apply(splits, i, lo[i], hi[i]);
                for (int j = 0; j < lo[i].length && !infeasible; j++) {
                    infeasible = lo[i][j] > hi[i][j];
                }
            }
        }
        boolean[][] inCone = cone(chain);
        for (int i = start; i <= k; i++) {
            checkStop();
            AffineMap a = chain.affine(i);
            double[] l = new double[a.rows()];
            double[] u = new double[a.rows()];
            if (i == 0) {
                // One affine map of a box: interval arithmetic is already exact per neuron.
                IntervalPropagator.affineInterval(a, inputLower, inputUpper, l, u);
                if (ball != null) {
                    region.ballRows(a, inputLower, inputUpper, l, u);
                } else if (constraints != null) {
                    region.constrainedRows(a, inputLower, inputUpper, l, u);
                }
                if (err != null) {
                    double[] m = new double[inputLower.length];
                    for (int j = 0; j < m.length; j++) {
                        m[j] = Math.max(Math.abs(inputLower[j]), Math.abs(inputUpper[j]));
                    }
                    err[0] = arithmetic.rowErrors(chain, 0, m);
                    widen(l, u, err[0]);
                }
                if (forward != null) {
                    forward.advance(0, null, null, err == null ? null : err[0], l, u);
                }
            } else {
                double[] pl = new double[lo[i - 1].length];
                double[] pu = new double[pl.length];
                for (int j = 0; j < pl.length; j++) {
                    pl[j] = Math.max(0.0, lo[i - 1][j]);
                    pu[j] = Math.max(0.0, hi[i - 1][j]);
                }
                if (err != null) {
                    err[i] = arithmetic.rowErrors(chain, i, pu);
                }
                if (reuse != null && forward == null) {
                    // A child starts from its parent's bounds, which hold on its region and are CROWN's (tighter than
                    // intervals on every layer behind the first): the interval pass took a tenth of a search's time on
                    // mnist-wk17a (JFR, sample 3604) for bounds the intersection below would mostly discard.
                    System.arraycopy(reuse.lower(i), 0, l, 0, l.length);
                    System.arraycopy(reuse.upper(i), 0, u, 0, u.length);
                } else {
                    IntervalPropagator.affineInterval(a, pl, pu, l, u);
                    if (err != null) {
                        widen(l, u, err[i]);
                    }
                }
                if (forward != null) {
                    forward.advance(i, lo[i - 1], hi[i - 1], err == null ? null : err[i], l, u);
                }
                if (reuse != null) {
                    // Intersect before choosing rows: a neuron the parent already proved stable keeps an
                    // exact relaxation, so back-substituting it again (intervals say most deep neurons
                    // straddle zero) would only cost time.
                    intersect(l, u, reuse.lower(i), reuse.upper(i));
                }
                int[] rows = i < k ? unstableRows(l, u, inCone == null ? null : inCone[i])
                        : outputsWanted == null ? allRows(a.rows()) : marked(outputsWanted);
                if (rows.length > 0) {
                    AffineMap sel = a.selectRows(rows);
                    double[] sl = new double[rows.length];
                    double[] su = new double[rows.length];
                    // The rows' own evaluation error: as coefficients over h_{i-1} >= 0 (i >= 1 here) when the map is
                    // dense (as RoundingRows), else a constant per row.
                    OwnRowError ownError = err != null && chain.float32RoundingRows(i) != null
                            ? new OwnRowError(chain.float32ErrorBound(i), rows, null) : null;
                    boundRows(chain, lo, hi, err, i, sel, ownError, inputLower, inputUpper, sl, su, null);
                    for (int t = 0; t < rows.length; t++) {
                        int r = rows[t];
                        double e = err == null || ownError != null ? 0.0 : err[i][r];
                        l[r] = Math.max(l[r], e == 0.0 ? sl[t] : Math.nextDown(sl[t] - e));
                        u[r] = Math.min(u[r], e == 0.0 ? su[t] : Math.nextUp(su[t] + e));
                    }
                }
            }
            if (reuse != null) {
                // The parent's bounds hold on this sub-region too: never end up looser than them
                // (recomputed relaxations can be locally worse, e.g. where CROWN's slope flips).
                intersect(l, u, reuse.lower(i), reuse.upper(i));
            }
            if (i < k) {
                infeasible |= SplitBounds.apply(splits, i, l, u);
            }
            // Sound bounds that cross mean no input of the region reaches this layer: the region
            // (with its splits) is empty.
            for (int j = 0; j < l.length && !infeasible; j++) {
                infeasible = l[j] > u[j];
            }
            lo[i] = l;
            hi[i] = u;
        }
        return new NetworkBounds(lo, hi, infeasible, err);
    }

    private static void intersect(double[] l, double[] u, double[] pl, double[] pu) {
        for (int j = 0; j < l.length; j++) {
            l[j] = Math.max(l[j], pl[j]);
            u[j] = Math.min(u[j], pu[j]);
        }
    }

    private static void widen(double[] l, double[] u, double[] e) {
        for (int j = 0; j < l.length; j++) {
            l[j] = Math.nextDown(l[j] - e[j]);
            u[j] = Math.nextUp(u[j] + e[j]);
        }
    }

    /** The unstable neurons of a layer, those in {@code cone} only (null: all). */
    private static int[] unstableRows(double[] l, double[] u, boolean[] cone) {
        int n = 0;
        int[] rows = new int[l.length];
        for (int j = 0; j < l.length; j++) {
            // A split neuron's own bounds only matter for detecting an empty node; still bound it.
            if (l[j] < 0 && u[j] > 0 && (cone == null || cone[j])) {
                rows[n++] = j;
            }
        }
        return Arrays.copyOf(rows, n);
    }

    private static int[] marked(boolean[] wanted) {
        int n = 0;
        for (boolean w : wanted) {
            n += w ? 1 : 0;
        }
        int[] r = new int[n];
        n = 0;
        for (int j = 0; j < wanted.length; j++) {
            if (wanted[j]) {
                r[n++] = j;
            }
        }
        return r;
    }

    private static int[] allRows(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * Lower bounds of {@code objective(z_k)} where {@code objective} is an affine map over the
     * network's outputs, given bounds of every ReLU layer. Also returns, for each row, the input
     * vertex that attains the symbolic lower bound (a natural attack candidate).
     */
    public LinearBounds minimize(ReluChain chain, NetworkBounds bounds, double[] inputLower, double[] inputUpper,
                                 AffineMap objective) {
        return minimize(chain, bounds, inputLower, inputUpper, objective, null);
    }

    /**
     * As {@link #minimize(ReluChain, NetworkBounds, double[], double[], AffineMap)}; when
     * {@code reluScores} is given (one array per ReLU layer), adds to each unstable ReLU the gap its
     * relaxation opens in the bounds, {@code |λ|·u·(−l)/(u−l)} summed over the objective's rows: the
     * estimate of how much splitting it would tighten them (BaBSR's intercept score).
     */
    public LinearBounds minimize(ReluChain chain, NetworkBounds bounds, double[] inputLower, double[] inputUpper,
                                 AffineMap objective, double[][] reluScores) {
        return minimize(chain, bounds, inputLower, inputUpper, objective, reluScores, null);
    }

    /**
     * As {@link #minimize(ReluChain, NetworkBounds, double[], double[], AffineMap, double[][])}, with the scores summed
     * over the rows {@code scoredRows} marks only (null: all): a search scores its splits by the rows it still has to
     * prove. The bounds are those of every row, the same bits either way.
     */
    public LinearBounds minimize(ReluChain chain, NetworkBounds bounds, double[] inputLower, double[] inputUpper,
                                 AffineMap objective, double[][] reluScores, boolean[] scoredRows) {
        int k = chain.reluLayerCount();
        AffineMap composed = chain.affine(k).then(objective);
        double[] l = new double[objective.rows()];
        double[][] argmin = new double[objective.rows()][];
        double[][] coefficients = new double[objective.rows()][];
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        double[][] err = arithmetic == ArithmeticModel.REAL ? null : new double[k + 1][];
        for (int i = 0; i < k; i++) {
            lo[i] = bounds.lower(i);
            hi[i] = bounds.upper(i);
            if (err != null) {
                err[i] = bounds.evaluationError(i);
                if (err[i] == null) {
                    throw new BoundsException("bounds were computed without the " + arithmetic + " error model");
                }
            }
        }
        OwnRowError outputError = null;
        if (k == 0) {
            IntervalPropagator.affineInterval(composed, inputLower, inputUpper, l, new double[l.length]);
            if (ball != null) {
                throw new BoundsException("norm-ball regions need a network with at least one ReLU layer");
            }
            for (int r = 0; r < l.length; r++) {
                argmin[r] = minimizingVertex(composed, r, inputLower, inputUpper);
                coefficients[r] = new double[inputLower.length];
                for (int q = composed.rowStart()[r]; q < composed.rowStart()[r + 1]; q++) {
                    coefficients[r][composed.colIndex()[q]] += composed.values()[q];
                }
            }
        } else {
            int rows = composed.rows();
            Workspace ws = Workspace.get(chain);
            // The outputs' own evaluation error, seen through the objective's rows: as coefficients when the output
            // map is dense (as RoundingRows), else a constant per row below.
            outputError = err != null && chain.float32RoundingRows(k) != null
                    ? new OwnRowError(chain.float32ErrorBound(k), null, objective) : null;
            // Rows in blocks of lanes (each weight row serves them all while in cache); a lane's bits do not
            // depend on its block, and the scores get each row's terms in row order either way.
            for (int first = 0; first < rows; first += blockLanes) {
                int n = Math.min(blockLanes, rows - first);
                int[] rowOf = new int[n];
                double[][] vertexOf = new double[n][];
                double[][] coefficientsOf = new double[n][];
                for (int b = 0; b < n; b++) {
                    int r = first + b;
                    rowOf[b] = r;
                    vertexOf[b] = argmin[r] = new double[inputLower.length];
                    coefficientsOf[b] = coefficients[r] = new double[inputLower.length];
                }
                boolean[] scoredLane = null;
                if (scoredRows != null) {
                    scoredLane = new boolean[n];
                    for (int b = 0; b < n; b++) {
                        scoredLane[b] = scoredRows[rowOf[b]];
                    }
                }
                double[] out = new double[n];
                BlockBackSubstitution.run(region, supports, chain, lo, hi, err, k, composed, outputError, rowOf, new boolean[n], n, inputLower, inputUpper, ws,
                        vertexOf, coefficientsOf, reluScores, scoredLane, out);
                System.arraycopy(out, 0, l, first, n);
            }
        }
        for (int r = 0; r < l.length && err != null && outputError == null; r++) {
            // The outputs' own evaluation error, seen through the objective's row (with or without ReLU layers),
            // unless the output map carried it as coefficients (above).
            double[] outErr = bounds.evaluationError(k);
            double e = 0;
            for (int q = objective.rowStart()[r]; q < objective.rowStart()[r + 1]; q++) {
                e += Math.abs(objective.values()[q]) * outErr[objective.colIndex()[q]];
            }
            l[r] = Math.nextDown(l[r] - Math.nextUp(e * (1 + 1e-12)));
        }
        return new LinearBounds(l, argmin, coefficients);
    }

    /** The box vertex minimising row r of a map over the input (for k = 0 networks). */
    private static double[] minimizingVertex(AffineMap a, int r, double[] lo, double[] hi) {
        double[] x = new double[lo.length];
        for (int c = 0; c < x.length; c++) {
            x[c] = 0.5 * (lo[c] + hi[c]);
        }
        for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
            int c = a.colIndex()[q];
            x[c] = a.values()[q] > 0 ? lo[c] : hi[c];
        }
        return x;
    }

    /**
     * Bounds the rows of {@code rowsMap}, an affine map over the post-activations of ReLU layer
     * m−1 (m ≥ 1), by back-substitution through layers m−1 … 0. Either of {@code outLo}/{@code outHi}
     * may be null when that side is not wanted; {@code argmin} (may be null) receives the input
     * vertices of the lower bounds.
     */
    private void boundRows(ReluChain chain, double[][] lo, double[][] hi, double[][] err, int m, AffineMap rowsMap,
                           OwnRowError ownError, double[] inLo, double[] inHi, double[] outLo, double[] outHi, double[][] argmin) {
        int rows = rowsMap.rows();
        // Lanes: (row, side) pairs, in blocks that go through the layers together.
        int perRow = (outLo != null ? 1 : 0) + (outHi != null ? 1 : 0);
        int lanes = rows * perRow;
        int blocks = (lanes + blockLanes - 1) / blockLanes;
        IntStream range = IntStream.range(0, blocks);
        if (parallel && rows >= PARALLEL_ROWS) {
            range = range.parallel();
        }
        range.forEach(blk -> {
            checkStop();
            Workspace ws = Workspace.get(chain);
            int first = blk * blockLanes;
            int n = Math.min(blockLanes, lanes - first);
            int[] rowOf = new int[n];
            boolean[] upperOf = new boolean[n];
            double[][] vertexOf = new double[n][];
            for (int b = 0; b < n; b++) {
                int lane = first + b;
                int r = lane / perRow;
                rowOf[b] = r;
                upperOf[b] = outLo == null || (perRow == 2 && lane % 2 == 1);
                if (!upperOf[b] && argmin != null) {
                    vertexOf[b] = argmin[r] = new double[inLo.length];
                }
            }
            double[] result = new double[n];
            BlockBackSubstitution.run(region, supports, chain, lo, hi, err, m, rowsMap, ownError, rowOf, upperOf, n, inLo, inHi, ws, vertexOf, null, null, result);
            for (int b = 0; b < n; b++) {
                if (upperOf[b]) {
                    outHi[rowOf[b]] = result[b];
                } else {
                    outLo[rowOf[b]] = result[b];
                }
            }
        });
    }
}
