package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.OutwardRounding;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Tightens the symbolic lower bound of one linear function of the outputs on one node by
 * optimising, as α,β-CROWN does (Xu et al. 2021; Wang et al. 2021), the slope {@code α ∈ [0,1]} of
 * each unstable ReLU's lower relaxation and a Lagrange multiplier {@code β >= 0} for each phase split
 * ({@code z >= 0} or {@code z <= 0}). For every α and β the back-substituted bound is valid, so the
 * optimisation can only choose among sound bounds: the best one found is returned.
 *
 * <p>Gradients without automatic differentiation: with the relaxation lines fixed, the bound is
 * the minimum over the box of one affine function of the input, attained at a vertex {@code x*}.
 * Its supergradient with respect to α_n is {@code λ_n·ẑ_n(x*)} and with respect to β_n is
 * {@code −σ_n·ẑ_n(x*)}, where ẑ is the relaxed network (each ReLU replaced by its chosen line)
 * evaluated forward at x*. Steps are Adam's, projected onto [0,1] and [0, ∞).
 */
public final class AlphaBetaOptimizer {
    /** Adam's step size for α (slopes live in [0,1]). */
    static final double ALPHA_STEP = 0.1;
    /** Adam's step size for β, relative to the scale of the objective's coefficients. */
    static final double BETA_STEP = 0.05;

    private final ArithmeticModel arithmetic;
    /** Checked before each step; when true, the optimisation throws {@link BoundingInterrupted}. */
    private final java.util.function.BooleanSupplier stop;

    public AlphaBetaOptimizer(ArithmeticModel arithmetic) {
        this(arithmetic, () -> false);
    }

    /** An optimiser that abandons a row (with {@link BoundingInterrupted}) once {@code stop} holds. */
    public AlphaBetaOptimizer(ArithmeticModel arithmetic, java.util.function.BooleanSupplier stop) {
        this.arithmetic = arithmetic;
        this.stop = stop;
    }

    /**
     * Result: the best valid lower bound, the box vertex where its relaxation attains it, and the α
     * and β that gave it (a start for the node's children).
     */
    public record Result(double lower, double[] argmin, AlphaBetaStart end) {
        @Override
        public String toString() {
            return "Result[lower=" + lower + ", argmin=" + Arrays.toString(argmin) + ", end=" + end + "]";
        }
    }

    /**
     * @param row one row of an affine map over the outputs (its bias included)
     * @param iterations optimisation steps (0 gives the plain CROWN bound with adaptive α)
     */
    public Result lowerBound(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                             AffineMap objective, int row, int iterations) {
        return lowerBound(chain, bounds, splits, inLo, inHi, objective, row, iterations, null, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #lowerBound(ReluChain, NetworkBounds, ReluSplits, double[], double[], AffineMap, int, int)},
     * starting from {@code start} (e.g. the parent node's end; null: adaptive α, β = 0) and stopping
     * as soon as a bound above {@code target} is proved (nothing more is needed to close the row).
     */
    public Result lowerBound(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                             AffineMap objective, int row, int iterations, AlphaBetaStart start, double target) {
        return lowerBounds(chain, bounds, splits, inLo, inHi, objective, new int[] {row}, iterations,
                new AlphaBetaStart[] {start}, target, true)[0];
    }

    /**
     * {@link #lowerBound(ReluChain, NetworkBounds, ReluSplits, double[], double[], AffineMap, int, int, AlphaBetaStart, double)}
     * for several rows at once: each row is optimised exactly as alone (its own α, β and steps; the same
     * values, since every sum runs in the same order), but each step goes through every weight once for all
     * rows still open ("lanes"), instead of once per row: on networks whose weights do not fit in cache (CIFAR
     * convolutions, millions of non-zeros) a back-substitution is bound by reading them.
     *
     * @param starts one start per row (null, or null entries: adaptive α, β = 0)
     * @param target a row stops once its bound is above this
     */
    public Result[] lowerBounds(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                                AffineMap objective, int[] rows, int iterations, AlphaBetaStart[] starts, double target) {
        return lowerBounds(chain, bounds, splits, inLo, inHi, objective, rows, iterations, starts, target,
                weights(chain) >= LANES_MIN_WEIGHTS);
    }

    /** {@code together}: the rows go through the weights together (else one after another; same results). */
    Result[] lowerBounds(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                         AffineMap objective, int[] rows, int iterations, AlphaBetaStart[] starts, double target,
                         boolean together) {
        if (rows.length > 1 && !together) {
            // Weights that stay in cache: a lane alone runs its tighter loops (same results either way).
            Result[] results = new Result[rows.length];
            for (int i = 0; i < rows.length; i++) {
                results[i] = lowerBounds(chain, bounds, splits, inLo, inHi, objective, new int[] {rows[i]}, iterations,
                        new AlphaBetaStart[] {starts == null ? null : starts[i]}, target, true)[0];
            }
            return results;
        }
        int k = chain.reluLayerCount();
        Lane[] lanes = new Lane[rows.length];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(chain, k, objective, rows[i]);
            initialise(bounds, splits, starts == null ? null : starts[i], lanes[i].alpha, lanes[i].beta);
        }
        Lane[] open = lanes.clone();
        int openCount = open.length;
        for (int it = 0; it <= iterations && openCount > 0; it++) {
            if (stop.getAsBoolean()) {
                if (lanes[0].bestX == null) {
                    throw new BoundingInterrupted();
                }
                break; // every step's bound is valid: keep the best so far
            }
            Lane[] now = java.util.Arrays.copyOf(open, openCount);
            backward(chain, bounds, splits, inLo, inHi, objective, now);
            openCount = 0;
            for (Lane lane : now) {
                if (lane.value > lane.best || lane.bestX == null) {
                    lane.best = Math.max(lane.best, lane.value);
                    lane.bestX = lane.vertex.clone();
                    lane.bestStart = AlphaBetaStart.of(lane.alpha, lane.beta, splits);
                }
                if (it < iterations && !(lane.best > target)) {
                    open[openCount++] = lane;
                }
            }
            if (openCount == 0) {
                break;
            }
            Lane[] moving = java.util.Arrays.copyOf(open, openCount);
            forwardRelaxed(chain, bounds, splits, moving);
            for (Lane lane : moving) {
                lane.adamStep(bounds, splits, it);
            }
        }
        Result[] results = new Result[lanes.length];
        for (int i = 0; i < lanes.length; i++) {
            results[i] = new Result(lanes[i].best, lanes[i].bestX, lanes[i].bestStart);
        }
        return results;
    }

    /**
     * The bound one back-substitution gives with the α and β of {@code start} (a neuron split since it
     * was taken gets β = 0) and no optimisation: valid like every bound here, and a cheap estimate of
     * what optimising would give, as filtered smart branching needs for its candidates.
     */
    public double boundWith(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                            AffineMap objective, int row, AlphaBetaStart start) {
        int k = chain.reluLayerCount();
        Lane lane = new Lane(chain, k, objective, row);
        initialise(bounds, splits, start, lane.alpha, lane.beta);
        backward(chain, bounds, splits, inLo, inHi, objective, new Lane[] {lane});
        return lane.value;
    }

    /**
     * Fewest stored weights for which rows go through the network together in {@link #lowerBounds}. Below it a
     * lane alone is faster: the weights stay in cache, so sharing their reads buys nothing, while one lane keeps
     * the contiguous loops and skips the rows its own multipliers leave at zero. {@code VnnlibRootBenchmark} and
     * {@code NodeBenchmark} (9 rows, 20 steps, medians, 2 loaded cores): rows together vs one after another
     * 0.6–1.0x on mnist-wk17a (0.6M weights), 0.5–0.7x on mnist-rsl18a; 1.4–1.9x on sri_resnet_a's ResNet
     * (2.1M weights), 2.0x on cifar10_resnet's resnet_4b (2.4M).
     */
    static final long LANES_MIN_WEIGHTS = 1_000_000;

    private static long weights(ReluChain chain) {
        long w = 0;
        for (int j = 0; j <= chain.reluLayerCount(); j++) {
            w += chain.affine(j).nonZeros();
        }
        return w;
    }

    /** Fills α (CROWN's adaptive slope, or the start's) and β (0, or the start's) for every ReLU. */
    private static void initialise(NetworkBounds bounds, ReluSplits splits, AlphaBetaStart start, double[][] alpha, double[][] beta) {
        for (int j = 0; j < alpha.length; j++) {
            double[] l = bounds.lower(j), u = bounds.upper(j);
            alpha[j] = new double[l.length];
            beta[j] = new double[l.length];
            for (int n = 0; n < l.length; n++) {
                alpha[j][n] = u[n] >= -l[n] ? 1.0 : 0.0;
            }
        }
        if (start != null) {
            start.fill(alpha, beta, splits);
        }
    }

    /**
     * How many scalar products of a row-by-row dot product one vectorised column product is worth when
     * {@link #forwardRelaxed} picks its loop order per layer. {@code NodeBenchmark.alphaBetaRow} (20 steps,
     * means of JMH samples, rows only → with 2): mnist_fc 256x4 at ε = 0.05 7.4–9.4 → 5.9–6.0 ms, mnist-wk17a
     * 12.1 → 10.4 ms, mnist-rsl18a 5.0 → 5.0 ms (one hidden layer: few rows needed, rows win).
     */
    static final long COLUMN_PASS_ADVANTAGE = 2;

    /**
     * One row's optimisation: its α and β with Adam's moments, the best bound so far, and what the last
     * back-substitution chose (lines, multipliers, minimising vertex) for the relaxed forward pass.
     */
    private static final class Lane {
        final int row;
        final double[][] alpha;
        final double[][] beta;
        final double[][] mA, vA, mB, vB;
        /** Largest coefficient magnitude of the row: β's step scale. */
        final double scale;
        final double[][] slope;
        final double[][] intercept;
        final double[][] lamH;
        final boolean[][] usedLowerLine;
        final double[][] zHat;
        /** Per layer, which pre-activations the last relaxed forward pass needed (scratch). */
        final boolean[][] needed;
        double[] vertex;
        /** The bound of the last back-substitution. */
        double value;
        double best = Double.NEGATIVE_INFINITY;
        double[] bestX;
        AlphaBetaStart bestStart;
        /**
         * The first layer's pre-activations at the last vertex: successive steps move the minimising
         * vertex in few inputs, so the largest product of the forward pass is updated by the columns of
         * the inputs that moved instead of recomputed (null until the first forward pass).
         */
        IncrementalProduct first;

        Lane(ReluChain chain, int k, AffineMap objective, int row) {
            this.row = row;
            alpha = new double[k][];
            beta = new double[k][];
            mA = new double[k][];
            vA = new double[k][];
            mB = new double[k][];
            vB = new double[k][];
            slope = new double[k][];
            intercept = new double[k][];
            lamH = new double[k][];
            usedLowerLine = new boolean[k][];
            zHat = new double[k][];
            needed = new boolean[k][];
            for (int j = 0; j < k; j++) {
                int w = chain.width(j);
                mA[j] = new double[w];
                vA[j] = new double[w];
                mB[j] = new double[w];
                vB[j] = new double[w];
                slope[j] = new double[w];
                intercept[j] = new double[w];
                lamH[j] = new double[w];
                usedLowerLine[j] = new boolean[w];
                zHat[j] = new double[w];
                needed[j] = new boolean[w];
            }
            double s = 0;
            for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
                s = Math.max(s, Math.abs(objective.values()[q]));
            }
            scale = s;
        }

        /** One projected Adam step on α and β along the supergradients of the last pass (step {@code it}, from 0). */
        void adamStep(NetworkBounds bounds, ReluSplits splits, int it) {
            double b1 = 0.9, b2 = 0.999, t = it + 1;
            // Adam's bias corrections, once per step.
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < alpha.length; j++) {
                double[] l = bounds.lower(j), u = bounds.upper(j);
                double[] zh = zHat[j];
                for (int n = 0; n < l.length; n++) {
                    byte p = splits.raw(j, n);
                    if (p != 0) {
                        // g = −σ z <= 0 on the node's region; ascent on β_n along −σ ẑ_n.
                        double g = -p * zh[n];
                        mB[j][n] = b1 * mB[j][n] + (1 - b1) * g;
                        vB[j][n] = b2 * vB[j][n] + (1 - b2) * g * g;
                        double step = BETA_STEP * Math.max(scale, 1e-12) * (mB[j][n] / c1)
                                / (Math.sqrt(vB[j][n] / c2) + 1e-12);
                        beta[j][n] = Math.max(0.0, beta[j][n] + step);
                    } else if (l[n] < 0 && u[n] > 0 && usedLowerLine[j][n]) {
                        double g = lamH[j][n] * zh[n];
                        mA[j][n] = b1 * mA[j][n] + (1 - b1) * g;
                        vA[j][n] = b2 * vA[j][n] + (1 - b2) * g * g;
                        double step = ALPHA_STEP * (mA[j][n] / c1)
                                / (Math.sqrt(vA[j][n] / c2) + 1e-12);
                        alpha[j][n] = Math.min(1.0, Math.max(0.0, alpha[j][n] + step));
                    }
                }
            }
        }
    }

    /**
     * One back-substitution per lane with its fixed α, β, recording the lines it chose for the forward pass
     * and its bound in {@link Lane#value}. The multipliers of all lanes are interleaved ({@code λ[n·m + i]} for
     * lane i of m), so each weight is read once for every lane; each lane's sums run in the order a lane alone
     * would take (lanes whose multiplier is 0 add exact zeros), so its bound is the same number.
     */
    private static void backward(ReluChain chain, NetworkBounds b, ReluSplits splits, double[] inLo, double[] inHi,
                                 AffineMap objective, Lane[] lanes) {
        int k = chain.reluLayerCount();
        int m = lanes.length;
        double[] cst = new double[m];
        double[] mag = new double[m];
        // lambda over the outputs, then through the output map to h_{k-1}.
        double[] lambda = new double[chain.outputSize() * m];
        for (int i = 0; i < m; i++) {
            int row = lanes[i].row;
            cst[i] = objective.bias()[row];
            mag[i] = Math.abs(cst[i]);
            for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
                lambda[objective.colIndex()[q] * m + i] += objective.values()[q];
            }
        }
        double[] outErr = b.evaluationError(k);
        for (int j = k; j >= 0; j--) {
            // lambda is over z_j (the outputs for j = k): add the evaluation error, then go through A_j.
            double[] e = j == k ? outErr : b.evaluationError(j);
            if (e != null) {
                for (int i = 0; i < m; i++) {
                    double extra = 0;
                    for (int n = 0; n < e.length; n++) {
                        extra += Math.abs(lambda[n * m + i]) * e[n];
                    }
                    cst[i] -= extra;
                    mag[i] += extra;
                }
            }
            AffineMap a = chain.affine(j);
            int cols = a.cols();
            double[] next = new double[cols * m];
            double[] dense = a.denseOrNull();
            int[] rs = a.rowStart();
            int[] ci = a.colIndex();
            double[] av = a.values();
            double[] bias = a.bias();
            for (int n = 0; n < a.rows(); n++) {
                int base = n * m;
                boolean any = false;
                for (int i = 0; i < m; i++) {
                    double lam = lambda[base + i];
                    if (lam != 0.0) {
                        any = true;
                        double tb = lam * bias[n];
                        cst[i] += tb;
                        mag[i] += Math.abs(tb);
                    }
                }
                if (!any) {
                    continue;
                }
                if (m == 1) {
                    // One lane: the plain loops (contiguous, vectorised for dense maps).
                    double lam = lambda[n];
                    if (dense != null) {
                        int off = n * cols;
                        for (int c = 0; c < cols; c++) {
                            next[c] += lam * dense[off + c];
                        }
                    } else {
                        for (int q = rs[n]; q < rs[n + 1]; q++) {
                            next[ci[q]] += lam * av[q];
                        }
                    }
                } else if (dense != null) {
                    // Same products as the sparse loop (plus exact zeros).
                    int off = n * cols;
                    for (int c = 0; c < cols; c++) {
                        double w = dense[off + c];
                        int cb = c * m;
                        for (int i = 0; i < m; i++) {
                            next[cb + i] += lambda[base + i] * w;
                        }
                    }
                } else {
                    for (int q = rs[n]; q < rs[n + 1]; q++) {
                        double w = av[q];
                        int cb = ci[q] * m;
                        for (int i = 0; i < m; i++) {
                            next[cb + i] += lambda[base + i] * w;
                        }
                    }
                }
            }
            lambda = next;
            if (j == 0) {
                break;
            }
            // next is over h_{j-1}: relax to z_{j-1}, add β terms of the splits there.
            int jj = j - 1;
            double[] l = b.lower(jj), u = b.upper(jj);
            for (int i = 0; i < m; i++) {
                Lane lane = lanes[i];
                double[] alpha = lane.alpha[jj];
                double[] beta = lane.beta[jj];
                double c0 = cst[i], g0 = mag[i];
                for (int n = 0; n < cols; n++) {
                    double lam = next[n * m + i];
                    lane.lamH[jj][n] = lam;
                    double ln = l[n], un = u[n];
                    double s, t;
                    boolean lower = false;
                    if (un <= 0) {
                        s = 0;
                        t = 0;
                    } else if (ln >= 0) {
                        s = 1;
                        t = 0;
                    } else if (lam < 0) {
                        s = un / (un - ln);
                        t = -s * ln;
                    } else {
                        s = alpha[n];
                        t = 0;
                        lower = true;
                    }
                    lane.slope[jj][n] = s;
                    lane.intercept[jj][n] = t;
                    lane.usedLowerLine[jj][n] = lower;
                    double ct = lam * t;
                    c0 += ct;
                    g0 += Math.abs(ct);
                    double coef = lam * s;
                    byte p = splits.raw(jj, n);
                    if (p != 0) {
                        coef += -p * beta[n];
                    }
                    next[n * m + i] = coef;
                }
                cst[i] = c0;
                mag[i] = g0;
            }
        }
        // As in SymbolicPropagator: every stored coefficient counts towards the chain length.
        long terms = inLo.length + 1L;
        for (int j = 0; j <= k; j++) {
            terms += chain.affine(j).nonZeros() + chain.affine(j).rows();
        }
        for (int i = 0; i < m; i++) {
            // Concretise over the box at the minimising vertex.
            double[] vertex = new double[inLo.length];
            double sum = cst[i];
            double g = mag[i];
            for (int c = 0; c < inLo.length; c++) {
                double lam = lambda[c * m + i];
                double x = lam > 0 ? inLo[c] : lam < 0 ? inHi[c] : 0.5 * (inLo[c] + inHi[c]);
                vertex[c] = x;
                sum += lam * x;
                g += Math.abs(lam) * Math.max(Math.abs(inLo[c]), Math.abs(inHi[c]));
            }
            double slack = SymbolicPropagator.ROUNDING_SLACK * g;
            lanes[i].vertex = vertex;
            lanes[i].value = OutwardRounding.down(sum - slack, g, (int) Math.min(Integer.MAX_VALUE / 2, terms));
        }
    }

    /**
     * ẑ: the network with each ReLU replaced by the line the last backward pass chose, at the
     * vertex, for every lane. Only the pre-activations something reads are computed: those whose line has a
     * non-zero slope (the next layer reads them; not in the last ReLU layer) and those whose
     * gradient the optimiser takes (split neurons, unstable ones on their α line). Inactive
     * neurons, most of a deep layer, are skipped: as rows when few are needed, as zero inputs of the
     * next layer when its inputs are sparse ({@link #columnsCheaper}, per layer and lane). The first layer, the
     * largest product on image inputs, is updated from the last step's vertex ({@link IncrementalProduct}).
     * Sparse maps go through every lane at once (a row needed by any lane is computed for all, in each lane's
     * own order), dense ones lane by lane (their loop order is chosen per lane).
     */
    private static void forwardRelaxed(ReluChain chain, NetworkBounds b, ReluSplits splits, Lane[] lanes) {
        int m = lanes.length;
        double[][] h = new double[m][];
        for (int i = 0; i < m; i++) {
            h[i] = lanes[i].vertex;
        }
        int k = chain.reluLayerCount();
        for (int j = 0; j < k; j++) {
            AffineMap a = chain.affine(j);
            boolean readByNext = j + 1 < k;
            double[][] hn = new double[m][];
            int[] neededRows = new int[m];
            for (int i = 0; i < m; i++) {
                Lane lane = lanes[i];
                boolean[] need = lane.needed[j];
                for (int n = 0; n < need.length; n++) {
                    need[n] = (readByNext && lane.slope[j][n] != 0.0) || lane.usedLowerLine[j][n] || splits.raw(j, n) != 0;
                    if (need[n]) {
                        neededRows[i]++;
                    }
                }
                hn[i] = readByNext ? new double[need.length] : null;
            }
            if (j == 0 && a.denseColumnsOrNull() != null) {
                for (int i = 0; i < m; i++) {
                    Lane lane = lanes[i];
                    if (lane.first == null) {
                        lane.first = new IncrementalProduct(a);
                    }
                    selectRows(lane.first.at(h[i]), lane.needed[j], lane.slope[j], lane.intercept[j], lane.zHat[j], hn[i]);
                }
            } else if (a.denseOrNull() != null || m == 1) {
                for (int i = 0; i < m; i++) {
                    Lane lane = lanes[i];
                    relaxedLayer(a, h[i], lane.needed[j], columnsCheaper(a, h[i], neededRows[i]), lane.slope[j],
                            lane.intercept[j], lane.zHat[j], hn[i]);
                }
            } else {
                sparseRelaxedLayer(a, h, lanes, j, hn);
            }
            h = hn;
        }
    }

    /**
     * {@link #relaxedLayer} by rows for every lane of a sparse map: the inputs interleaved, each row's weights
     * read once for all lanes; a lane's sum runs in the order it does alone.
     */
    private static void sparseRelaxedLayer(AffineMap a, double[][] h, Lane[] lanes, int j, double[][] hn) {
        int m = lanes.length;
        int cols = a.cols();
        double[] hI = new double[cols * m];
        for (int i = 0; i < m; i++) {
            double[] hi = h[i];
            for (int c = 0; c < cols; c++) {
                hI[c * m + i] = hi[c];
            }
        }
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] av = a.values();
        double[] bias = a.bias();
        double[] acc = new double[m];
        for (int n = 0; n < a.rows(); n++) {
            boolean any = false;
            for (int i = 0; i < m && !any; i++) {
                any = lanes[i].needed[j][n];
            }
            if (any) {
                java.util.Arrays.fill(acc, bias[n]);
                for (int q = rs[n]; q < rs[n + 1]; q++) {
                    double w = av[q];
                    int cb = ci[q] * m;
                    for (int i = 0; i < m; i++) {
                        acc[i] += w * hI[cb + i];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                Lane lane = lanes[i];
                if (!lane.needed[j][n]) {
                    lane.zHat[j][n] = 0.0;
                    if (hn[i] != null) {
                        hn[i][n] = lane.intercept[j][n];
                    }
                } else {
                    lane.zHat[j][n] = acc[i];
                    if (hn[i] != null) {
                        hn[i][n] = lane.slope[j][n] * acc[i] + lane.intercept[j][n];
                    }
                }
            }
        }
    }

    /**
     * The needed rows of precomputed pre-activations {@code all} into {@code z} (0 for the others; {@code z}
     * may be {@code all}), and when {@code hn} is given the chosen lines, as {@link #relaxedLayer} leaves them.
     */
    static void selectRows(double[] all, boolean[] need, double[] slope, double[] intercept, double[] z, double[] hn) {
        for (int n = 0; n < all.length; n++) {
            if (!need[n]) {
                z[n] = 0.0;
                if (hn != null) {
                    hn[n] = intercept[n];
                }
            } else {
                z[n] = all[n];
                if (hn != null) {
                    hn[n] = slope[n] * all[n] + intercept[n];
                }
            }
        }
    }

    /**
     * Column by column over the non-zero inputs ({@code rows} products each, vectorised) beats row by row
     * over the needed outputs ({@code cols} products each, a scalar reduction) when the inputs are sparse
     * enough: after a ReLU layer every inactive neuron and every α = 0 line feeds a zero. Dense maps only.
     */
    static boolean columnsCheaper(AffineMap a, double[] h, int neededRows) {
        if (a.denseOrNull() == null) {
            return false;
        }
        long nonZeroInputs = 0;
        for (double v : h) {
            if (v != 0.0) {
                nonZeroInputs++;
            }
        }
        return nonZeroInputs * a.rows() <= COLUMN_PASS_ADVANTAGE * neededRows * a.cols();
    }

    /**
     * One layer of the relaxed forward pass: {@code z = A h + b} for the needed rows (0 for the others),
     * and when {@code hn} is given the chosen lines {@code hn = slope·z + intercept} (the intercept alone for
     * rows not needed, whose slope is 0 or which nothing reads). {@code byColumns} sums the weight columns of
     * the non-zero inputs (dense maps only); otherwise one dot product per needed row, in four partial sums.
     * The gradient point needs no fixed summation order: both give the same values up to rounding.
     */
    static void relaxedLayer(AffineMap a, double[] h, boolean[] need, boolean byColumns, double[] slope, double[] intercept,
                             double[] z, double[] hn) {
        int rows = a.rows();
        double[] bias = a.bias();
        if (byColumns) {
            System.arraycopy(bias, 0, z, 0, rows);
            AffineMap.addColumns(a.denseColumnsOrNull(), rows, a.cols(), h, z);
            selectRows(z, need, slope, intercept, z, hn);
            return;
        }
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] av = a.values();
        double[] dense = a.denseOrNull();
        int cols = a.cols();
        for (int n = 0; n < rows; n++) {
            if (!need[n]) {
                z[n] = 0.0;
                if (hn != null) {
                    hn[n] = intercept[n];
                }
                continue;
            }
            double acc;
            if (dense != null) {
                // Four independent partial sums: one chain of dependent adds was the loop's limit.
                int off = n * cols;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int c = 0;
                for (; c + 3 < cols; c += 4) {
                    s0 += dense[off + c] * h[c];
                    s1 += dense[off + c + 1] * h[c + 1];
                    s2 += dense[off + c + 2] * h[c + 2];
                    s3 += dense[off + c + 3] * h[c + 3];
                }
                for (; c < cols; c++) {
                    s0 += dense[off + c] * h[c];
                }
                acc = bias[n] + ((s0 + s1) + (s2 + s3));
            } else {
                acc = bias[n];
                for (int q = rs[n]; q < rs[n + 1]; q++) {
                    acc += av[q] * h[ci[q]];
                }
            }
            z[n] = acc;
            if (hn != null) {
                hn[n] = slope[n] * acc + intercept[n];
            }
        }
    }
}
