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
        int k = chain.reluLayerCount();
        double[][] alpha = new double[k][];
        double[][] beta = new double[k][];
        double[][] mA = new double[k][], vA = new double[k][], mB = new double[k][], vB = new double[k][];
        for (int j = 0; j < k; j++) {
            int w = bounds.lower(j).length;
            mA[j] = new double[w];
            vA[j] = new double[w];
            mB[j] = new double[w];
            vB[j] = new double[w];
        }
        initialise(bounds, splits, start, alpha, beta);
        double scale = 0;
        for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
            scale = Math.max(scale, Math.abs(objective.values()[q]));
        }
        Pass pass = new Pass(chain, k);
        double best = Double.NEGATIVE_INFINITY;
        double[] bestX = null;
        AlphaBetaStart bestStart = null;
        for (int it = 0; it <= iterations; it++) {
            if (stop.getAsBoolean()) {
                if (bestX == null) {
                    throw new BoundingInterrupted();
                }
                break; // every step's bound is valid: keep the best so far
            }
            double value = pass.backward(chain, bounds, splits, inLo, inHi, objective, row, alpha, beta);
            if (value > best || bestX == null) {
                best = Math.max(best, value);
                bestX = pass.vertex.clone();
                bestStart = AlphaBetaStart.of(alpha, beta, splits);
            }
            if (it == iterations || best > target) {
                break;
            }
            pass.forwardRelaxed(chain, bounds, splits);
            double b1 = 0.9, b2 = 0.999, t = it + 1;
            // Adam's bias corrections, once per step.
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            for (int j = 0; j < k; j++) {
                double[] l = bounds.lower(j), u = bounds.upper(j);
                double[] zh = pass.zHat[j];
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
                    } else if (l[n] < 0 && u[n] > 0 && pass.usedLowerLine[j][n]) {
                        double g = pass.lamH[j][n] * zh[n];
                        mA[j][n] = b1 * mA[j][n] + (1 - b1) * g;
                        vA[j][n] = b2 * vA[j][n] + (1 - b2) * g * g;
                        double step = ALPHA_STEP * (mA[j][n] / c1)
                                / (Math.sqrt(vA[j][n] / c2) + 1e-12);
                        alpha[j][n] = Math.min(1.0, Math.max(0.0, alpha[j][n] + step));
                    }
                }
            }
        }
        return new Result(best, bestX, bestStart);
    }

    /**
     * The bound one back-substitution gives with the α and β of {@code start} (a neuron split since it
     * was taken gets β = 0) and no optimisation: valid like every bound here, and a cheap estimate of
     * what optimising would give, as filtered smart branching needs for its candidates.
     */
    public double boundWith(ReluChain chain, NetworkBounds bounds, ReluSplits splits, double[] inLo, double[] inHi,
                            AffineMap objective, int row, AlphaBetaStart start) {
        int k = chain.reluLayerCount();
        double[][] alpha = new double[k][];
        double[][] beta = new double[k][];
        initialise(bounds, splits, start, alpha, beta);
        return new Pass(chain, k).backward(chain, bounds, splits, inLo, inHi, objective, row, alpha, beta);
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
     * {@link Pass#forwardRelaxed} picks its loop order per layer. {@code NodeBenchmark.alphaBetaRow} (20 steps,
     * means of JMH samples, rows only → with 2): mnist_fc 256x4 at ε = 0.05 7.4–9.4 → 5.9–6.0 ms, mnist-wk17a
     * 12.1 → 10.4 ms, mnist-rsl18a 5.0 → 5.0 ms (one hidden layer: few rows needed, rows win).
     */
    static final long COLUMN_PASS_ADVANTAGE = 2;

    /** One back-substitution with fixed α, β, recording the lines it chose for the forward pass. */
    private final class Pass {
        final double[][] slope;
        final double[][] intercept;
        final double[][] lamH;
        final boolean[][] usedLowerLine;
        final double[][] zHat;
        /** Per layer, which pre-activations the last relaxed forward pass needed (scratch). */
        final boolean[][] needed;
        double[] vertex;
        /**
         * The first layer's pre-activations at the last vertex: successive steps move the minimising
         * vertex in few inputs, so the largest product of the forward pass is updated by the columns of
         * the inputs that moved instead of recomputed (null until the first forward pass).
         */
        private IncrementalProduct first;

        Pass(ReluChain chain, int k) {
            slope = new double[k][];
            intercept = new double[k][];
            lamH = new double[k][];
            usedLowerLine = new boolean[k][];
            zHat = new double[k][];
            needed = new boolean[k][];
            for (int j = 0; j < k; j++) {
                int w = chain.width(j);
                slope[j] = new double[w];
                intercept[j] = new double[w];
                lamH[j] = new double[w];
                usedLowerLine[j] = new boolean[w];
                zHat[j] = new double[w];
                needed[j] = new boolean[w];
            }
        }

        double backward(ReluChain chain, NetworkBounds b, ReluSplits splits, double[] inLo, double[] inHi, AffineMap objective,
                        int row, double[][] alpha, double[][] beta) {
            int k = chain.reluLayerCount();
            // lambda over the outputs, then through the output map to h_{k-1}.
            double[] lamOut = new double[chain.outputSize()];
            double cst = objective.bias()[row];
            double mag = Math.abs(cst);
            for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
                lamOut[objective.colIndex()[q]] += objective.values()[q];
            }
            double[] outErr = b.evaluationError(k);
            double[] lambda = lamOut;
            for (int j = k; j >= 0; j--) {
                // lambda is over z_j (the outputs for j = k): add the evaluation error, then go through A_j.
                double[] e = j == k ? outErr : b.evaluationError(j);
                if (e != null) {
                    double extra = 0;
                    for (int n = 0; n < lambda.length; n++) {
                        extra += Math.abs(lambda[n]) * e[n];
                    }
                    cst -= extra;
                    mag += extra;
                }
                AffineMap a = chain.affine(j);
                int cols = a.cols();
                double[] next = new double[cols];
                double[] dense = a.denseOrNull();
                int[] rs = a.rowStart();
                int[] ci = a.colIndex();
                double[] av = a.values();
                double[] bias = a.bias();
                for (int n = 0; n < a.rows(); n++) {
                    double lam = lambda[n];
                    if (lam == 0.0) {
                        continue;
                    }
                    double tb = lam * bias[n];
                    cst += tb;
                    mag += Math.abs(tb);
                    if (dense != null) {
                        // Same products as the sparse loop (plus exact zeros), contiguous: vectorised.
                        int off = n * cols;
                        for (int c = 0; c < cols; c++) {
                            next[c] += lam * dense[off + c];
                        }
                    } else {
                        for (int q = rs[n]; q < rs[n + 1]; q++) {
                            next[ci[q]] += lam * av[q];
                        }
                    }
                }
                if (j == 0) {
                    lambda = next;
                    break;
                }
                // next is over h_{j-1}: relax to z_{j-1}, add β terms of the splits there.
                int jj = j - 1;
                double[] l = b.lower(jj), u = b.upper(jj);
                for (int n = 0; n < next.length; n++) {
                    double lam = next[n];
                    lamH[jj][n] = lam;
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
                        s = alpha[jj][n];
                        t = 0;
                        lower = true;
                    }
                    slope[jj][n] = s;
                    intercept[jj][n] = t;
                    usedLowerLine[jj][n] = lower;
                    double ct = lam * t;
                    cst += ct;
                    mag += Math.abs(ct);
                    double coef = lam * s;
                    byte p = splits.raw(jj, n);
                    if (p != 0) {
                        coef += -p * beta[jj][n];
                    }
                    next[n] = coef;
                }
                lambda = next;
            }
            // Concretise over the box at the minimising vertex.
            vertex = new double[inLo.length];
            double sum = cst;
            for (int c = 0; c < inLo.length; c++) {
                double lam = lambda[c];
                double x = lam > 0 ? inLo[c] : lam < 0 ? inHi[c] : 0.5 * (inLo[c] + inHi[c]);
                vertex[c] = x;
                sum += lam * x;
                mag += Math.abs(lam) * Math.max(Math.abs(inLo[c]), Math.abs(inHi[c]));
            }
            // As in SymbolicPropagator: every stored coefficient counts towards the chain length.
            long terms = inLo.length + 1L;
            for (int j = 0; j <= k; j++) {
                terms += chain.affine(j).nonZeros() + chain.affine(j).rows();
            }
            double slack = SymbolicPropagator.ROUNDING_SLACK * mag;
            return OutwardRounding.down(sum - slack, mag, (int) Math.min(Integer.MAX_VALUE / 2, terms));
        }

        /**
         * ẑ: the network with each ReLU replaced by the line the last backward pass chose, at the
         * vertex. Only the pre-activations something reads are computed: those whose line has a
         * non-zero slope (the next layer reads them; not in the last ReLU layer) and those whose
         * gradient the optimiser takes (split neurons, unstable ones on their α line). Inactive
         * neurons, most of a deep layer, are skipped: as rows when few are needed, as zero inputs of the
         * next layer when its inputs are sparse ({@link #columnsCheaper}, per layer). The first layer, the
         * largest product on image inputs, is updated from the last step's vertex ({@link IncrementalProduct}).
         */
        void forwardRelaxed(ReluChain chain, NetworkBounds b, ReluSplits splits) {
            double[] h = vertex;
            int k = chain.reluLayerCount();
            for (int j = 0; j < k; j++) {
                AffineMap a = chain.affine(j);
                boolean readByNext = j + 1 < k;
                boolean[] need = needed[j];
                int neededRows = 0;
                for (int n = 0; n < need.length; n++) {
                    need[n] = (readByNext && slope[j][n] != 0.0) || usedLowerLine[j][n] || splits.raw(j, n) != 0;
                    if (need[n]) {
                        neededRows++;
                    }
                }
                double[] hn = readByNext ? new double[need.length] : null;
                if (j == 0 && a.denseColumnsOrNull() != null) {
                    if (first == null) {
                        first = new IncrementalProduct(a);
                    }
                    selectRows(first.at(h), need, slope[j], intercept[j], zHat[j], hn);
                } else {
                    relaxedLayer(a, h, need, columnsCheaper(a, h, neededRows), slope[j], intercept[j], zHat[j], hn);
                }
                h = hn;
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
