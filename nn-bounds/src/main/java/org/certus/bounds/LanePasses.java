package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.OutwardRounding;
import org.certus.nn.ReluChain;
import org.certus.nn.RoundingRows;
import org.certus.nn.RowPatterns;

/**
 * The two passes of one α,β step over the network, for one or several rows ("lanes") at once: the
 * back-substitution that gives each lane's bound for its fixed α and β, and the relaxed forward pass at the
 * minimising vertex that gives the supergradients ({@link AlphaBetaOptimizer} explains both). Several lanes read
 * each weight once; each lane's sums run in the order a lane alone takes, so its values do not depend on the others.
 */
final class LanePasses {
    private LanePasses() {
    }

    /**
     * How many scalar products of a row-by-row dot product one vectorised column product is worth when
     * {@link #forwardRelaxed} picks its loop order per layer. {@code NodeBenchmark.alphaBetaRow} (20 steps,
     * means of JMH samples, rows only → with 2): mnist_fc 256x4 at ε = 0.05 7.4–9.4 → 5.9–6.0 ms, mnist-wk17a
     * 12.1 → 10.4 ms, mnist-rsl18a 5.0 → 5.0 ms (one hidden layer: few rows needed, rows win).
     */
    static final long COLUMN_PASS_ADVANTAGE = 2;

    /**
     * One back-substitution per lane with its fixed α, β, recording the lines it chose for the forward pass
     * and its bound in {@link AlphaBetaLane#value}. Dense maps go through {@link DenseBackStep} (weight rows in
     * chunks shared by all lanes), sparse ones through {@link SparseBackStep}; either way
     * each lane's sums run in the order a lane alone would take, so its bound is the same number.
     */
    static void backward(ReluChain chain, NetworkBounds b, ReluSplits splits, double[] inLo, double[] inHi,
                                 AffineMap objective, AlphaBetaLane[] lanes) {
        backward(chain, b, splits, inLo, inHi, objective, lanes, null, null);
    }

    /**
     * One lane's back-substitution just before the relaxation of ReLU layer {@code layer}: its multipliers over that
     * layer's outputs {@code h}, and the constant and magnitude so far. What comes before depends only on the layers
     * above, so a node's children that differ in one split of this layer or below go on from the same state.
     */
    record State(int layer, double[] lambda, double cst, double mag) {
    }

    /**
     * {@link #backward(ReluChain, NetworkBounds, ReluSplits, double[], double[], AffineMap, AlphaBetaLane[])}, started
     * from {@code from} (one lane; null: from the objective) and recording into {@code record} (one lane, one entry
     * per ReLU layer; null: nothing) the state before each relaxation. From a state recorded with the same bounds and
     * splits on the layers above its own, the lane's bound is the number the whole pass gives (up to the sign of a
     * zero): the same operations in the same order.
     */
    static void backward(ReluChain chain, NetworkBounds b, ReluSplits splits, double[] inLo, double[] inHi,
                         AffineMap objective, AlphaBetaLane[] lanes, State from, State[] record) {
        int k = chain.reluLayerCount();
        int m = lanes.length;
        if ((from != null || record != null) && m != 1) {
            throw new IllegalArgumentException("a resumed or recorded pass has one lane, got " + m);
        }
        double[] cst = new double[m];
        double[] mag = new double[m];
        // lambda over the outputs, then through the output map to h_{k-1}.
        double[][] lambda = new double[m][];
        if (from != null) {
            lambda[0] = from.lambda().clone();
            cst[0] = from.cst();
            mag[0] = from.mag();
        } else {
            for (int i = 0; i < m; i++) {
                lambda[i] = new double[chain.outputSize()];
                int row = lanes[i].row;
                cst[i] = objective.bias()[row];
                mag[i] = Math.abs(cst[i]);
                for (int q = objective.rowStart()[row]; q < objective.rowStart()[row + 1]; q++) {
                    lambda[i][objective.colIndex()[q]] += objective.values()[q];
                }
            }
        }
        for (AlphaBetaLane lane : lanes) {
            if (lane.substituted != null) {
                lane.substituted.clear();
            }
        }
        long[] unusedTerms = new long[m];
        int[] index = new int[DenseBackStep.CHUNK];
        double[][] pick = new double[DenseBackStep.CHUNK][];
        for (int j = from == null ? k : from.layer() + 1; j >= 0; j--) {
            if (from == null || j != from.layer() + 1) {
                lambda = throughMap(chain, b, j, lambda, lanes, cst, mag, unusedTerms, index, pick);
                addSubstitutedPlanes(lanes, j, lambda);
                if (j == 0) {
                    break;
                }
            }
            int cols = lambda[0].length;
            // next is over h_{j-1}: relax to z_{j-1}, add β terms of the splits there.
            int jj = j - 1;
            double[][] next = lambda;
            if (record != null) {
                record[jj] = new State(jj, lambda[0].clone(), cst[0], mag[0]);
            }
            double[] l = b.lower(jj), u = b.upper(jj);
            double[] firstError = jj == 0 ? b.evaluationError(0) : null;
            double[] planeMag = new double[1];
            double[] planeConstant = new double[1];
            for (int i = 0; i < m; i++) {
                AlphaBetaLane lane = lanes[i];
                double[] alpha = lane.alpha[jj];
                double[] beta = lane.beta[jj];
                SubstitutedPlanes substituted = jj >= 1 ? lane.substituted : null;
                BoxHullPlanes planes = jj == 0 ? lane.planes : null;
                if (planes != null) {
                    planes.clear();
                    java.util.Arrays.fill(lane.planeInputs, 0.0);
                }
                double c0 = cst[i], g0 = mag[i];
                for (int n = 0; n < cols; n++) {
                    double lam = next[i][n];
                    lane.lamH[jj][n] = lam;
                    double ln = l[n], un = u[n];
                    double s, t;
                    boolean lower = false;
                    if (planes != null && lam < 0 && ln < 0 && un > 0 && splits.raw(jj, n) == 0) {
                        // Bounded by its plane over the box, straight in the inputs: nothing goes through A_0.
                        planeMag[0] = 0;
                        c0 += planes.relax(n, lam, un / (un - ln), firstError == null ? 0.0 : firstError[n], inLo, inHi,
                                lane.planeInputs, planeMag);
                        g0 += planeMag[0];
                        lane.slope[jj][n] = 0;
                        lane.intercept[jj][n] = 0;
                        lane.usedLowerLine[jj][n] = false;
                        next[i][n] = 0;
                        continue;
                    }
                    if (un <= 0) {
                        s = 0;
                        t = 0;
                    } else if (ln >= 0) {
                        s = 1;
                        t = 0;
                    } else if (lam < 0) {
                        s = un / (un - ln);
                        if (substituted != null) {
                            // θ·triangle + (1 − θ)·plane: the plane's part goes straight to the inputs and earlier layers' outputs.
                            planeConstant[0] = 0;
                            planeMag[0] = 0;
                            s = substituted.relax(jj, n, lam, s, ln, planeConstant, planeMag);
                            c0 += planeConstant[0];
                            g0 += planeMag[0];
                        }
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
                    next[i][n] = coef;
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
        if (lanes[0].planes != null) {
            // A plane's constant sums two products per stored weight of its row, then joins the bound.
            terms += 2L * chain.affine(0).nonZeros();
        }
        if (lanes[0].substituted != null) {
            terms += 2L * lanes[0].substituted.lo.length;
        }
        for (int i = 0; i < m; i++) {
            // Concretise over the box at the minimising vertex.
            double[] vertex = new double[inLo.length];
            double sum = cst[i];
            double g = mag[i];
            for (int c = 0; c < inLo.length; c++) {
                double lam = lambda[i][c];
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
     * The substituted planes' coefficients ({@link SubstitutedPlanes}) join the multipliers where their variables are:
     * over layer j − 1's outputs after map j, over the inputs after map 0.
     */
    private static void addSubstitutedPlanes(AlphaBetaLane[] lanes, int j, double[][] lambda) {
        for (int i = 0; i < lanes.length; i++) {
            SubstitutedPlanes sp = lanes[i].substituted;
            if (sp != null) {
                double[] add = j >= 1 ? sp.layerCoef[j - 1] : sp.inputCoef;
                double[] li = lambda[i];
                for (int c = 0; c < add.length; c++) {
                    li[c] += add[c];
                }
            }
        }
    }

    /**
     * Adds map j's evaluation error to each lane and goes through the map: {@code lambda} over z_j (the outputs for
     * j = k) becomes the multipliers over its inputs, with the planes' coefficients added over the box (j = 0).
     */
    private static double[][] throughMap(ReluChain chain, NetworkBounds b, int j, double[][] lambda, AlphaBetaLane[] lanes,
                                         double[] cst, double[] mag, long[] unusedTerms, int[] index, double[][] pick) {
        int m = lanes.length;
        // lambda is over z_j (the outputs for j = k): add the evaluation error, then go through A_j.
        double[] e = b.evaluationError(j);
        // A dense map over ReLU outputs carries its rounding in its weights (RoundingRows); otherwise a constant per row.
        RoundingRows rounding = e != null && j >= 1 ? chain.float32RoundingRows(j) : null;
        if (e != null && rounding == null) {
            for (int i = 0; i < m; i++) {
                double extra = 0;
                double[] li = lambda[i];
                for (int n = 0; n < e.length; n++) {
                    extra += Math.abs(li[n]) * e[n];
                }
                cst[i] -= extra;
                mag[i] += extra;
            }
        }
        AffineMap a = chain.affine(j);
        int cols = a.cols();
        double[][] next = new double[m][];
        for (int i = 0; i < m; i++) {
            next[i] = new double[cols];
        }
        double[][] rows = a.denseRowsOrNull();
        if (rows != null && rounding != null) {
            AffineMap p = rounding.plus(), n = rounding.minus();
            DenseBackStep.apply(p.denseRowsOrNull(), n.denseRowsOrNull(), p.bias(), n.bias(), null, a.rowStart(), lambda, next, m,
                    cst, mag, unusedTerms, index, pick);
        } else if (rows != null) {
            DenseBackStep.apply(rows, a.bias(), a.rowStart(), lambda, next, m, cst, mag, unusedTerms, index);
        } else {
            // Inputs of a ReLU layer with upper bound <= 0 are relaxed with slope 0 below: not computed.
            // Without the weights of inputs known to be 0 on the region (ReluChain#affineOnRegion): the same numbers.
            SparseBackStep.apply(chain.affineOnRegion(j), j == 0 ? null : b.upper(j - 1), lambda, next, m, cst, mag, null);
        }
        if (j == 0) {
            for (int i = 0; i < m; i++) {
                double[] pi = lanes[i].planeInputs;
                if (pi != null) {
                    for (int c = 0; c < cols; c++) {
                        next[i][c] += pi[c];
                    }
                }
            }
        }
        return next;
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
    static void forwardRelaxed(ReluChain chain, NetworkBounds b, ReluSplits splits, AlphaBetaLane[] lanes) {
        int m = lanes.length;
        double[][] h = new double[m][];
        for (int i = 0; i < m; i++) {
            h[i] = lanes[i].vertex;
        }
        int k = chain.reluLayerCount();
        for (int j = 0; j < k; j++) {
            // An input known to be 0 on the region is 0 here too (its line is 0 = 0): its weights add nothing.
            AffineMap a = chain.affineOnRegion(j);
            boolean readByNext = j + 1 < k;
            double[][] hn = new double[m][];
            int[] neededRows = new int[m];
            for (int i = 0; i < m; i++) {
                AlphaBetaLane lane = lanes[i];
                boolean[] need = lane.needed[j];
                SubstitutedPlanes sp = j >= 1 ? lane.substituted : null;
                if (sp != null) {
                    sp.outputs[j - 1] = h[i];
                }
                for (int n = 0; n < need.length; n++) {
                    need[n] = (readByNext && lane.slope[j][n] != 0.0) || lane.usedLowerLine[j][n] || splits.raw(j, n) != 0
                            || (sp != null && sp.used(j, n));
                    if (need[n]) {
                        neededRows[i]++;
                    }
                }
                hn[i] = readByNext ? new double[need.length] : null;
            }
            if (j == 0 && a.denseColumnArraysOrNull() != null) {
                for (int i = 0; i < m; i++) {
                    AlphaBetaLane lane = lanes[i];
                    if (lane.first == null) {
                        lane.first = new IncrementalProduct(a);
                    }
                    selectRows(lane.first.at(h[i]), lane.needed[j], lane.slope[j], lane.intercept[j], lane.zHat[j], hn[i]);
                }
            } else if (a.denseOrNull() != null || m == 1) {
                for (int i = 0; i < m; i++) {
                    AlphaBetaLane lane = lanes[i];
                    relaxedLayer(a, h[i], lane.needed[j], columnsCheaper(a, h[i], neededRows[i]), lane.slope[j],
                            lane.intercept[j], lane.zHat[j], hn[i]);
                }
            } else {
                sparseRelaxedLayer(a, h, lanes, j, hn);
            }
            if (j >= 1 && readByNext) {
                // θ·triangle + (1 − θ)·plane: the triangle's part is in hn already.
                for (int i = 0; i < m; i++) {
                    SubstitutedPlanes sp = lanes[i].substituted;
                    if (sp != null) {
                        for (int n = 0; n < hn[i].length; n++) {
                            if (sp.used(j, n)) {
                                hn[i][n] += sp.weightedPlane(j, n, lanes[i].vertex);
                            }
                        }
                    }
                }
            }
            if (j == 0 && readByNext) {
                // A neuron bounded by its plane: the next layer reads the plane's value at the vertex.
                for (int i = 0; i < m; i++) {
                    BoxHullPlanes planes = lanes[i].planes;
                    if (planes != null) {
                        for (int n = 0; n < hn[i].length; n++) {
                            if (planes.used(n)) {
                                hn[i][n] = planes.value(n, h[i]);
                            }
                        }
                    }
                }
            }
            h = hn;
        }
    }

    /**
     * {@link #relaxedLayer} by rows for every lane of a sparse map: the inputs interleaved, each row's weights
     * read once for all lanes; a lane's sum runs in the order it does alone.
     */
    private static void sparseRelaxedLayer(AffineMap a, double[][] h, AlphaBetaLane[] lanes, int j, double[][] hn) {
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
        RowPatterns patterns = a.rowPatternsOrNull();
        for (int n = 0; n < a.rows(); n++) {
            boolean any = false;
            for (int i = 0; i < m && !any; i++) {
                any = lanes[i].needed[j][n];
            }
            if (any) {
                java.util.Arrays.fill(acc, bias[n]);
                if (patterns != null) {
                    patterns.dotInterleaved(n, hI, m, acc);
                } else {
                    for (int q = rs[n]; q < rs[n + 1]; q++) {
                        double w = av[q];
                        int cb = ci[q] * m;
                        for (int i = 0; i < m; i++) {
                            acc[i] += w * hI[cb + i];
                        }
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                AlphaBetaLane lane = lanes[i];
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
            AffineMap.addColumns(a.denseColumnArraysOrNull(), h, z);
            selectRows(z, need, slope, intercept, z, hn);
            return;
        }
        int[] rs = a.rowStart();
        int[] ci = a.colIndex();
        double[] av = a.values();
        double[] dense = a.denseOrNull();
        RowPatterns patterns = dense == null ? a.rowPatternsOrNull() : null;
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
            } else if (patterns != null) {
                acc = patterns.dot(n, h, bias[n]); // the same sum, from weights that stay in cache
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
