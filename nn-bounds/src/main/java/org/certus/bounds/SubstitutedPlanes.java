package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Upper planes for the ReLUs of every layer after the first, over the node's box and the unstable outputs of the
 * layers before, mixed with the triangle: one lane's parameters on one node, their Adam moments, and what the last back-substitution
 * did with them.
 *
 * <p>A neuron {@code z = W₁ h₀ + b₁} of the second layer reads the first layer's outputs. In the node, a first-layer
 * neuron with {@code l ≥ 0} is active, {@code h = W₀ x + b₀}; with {@code u ≤ 0} it is 0. Substituting them,
 * {@code z = Σ_c w_c x_c + Σ_s w_s h₀ₛ + b} over the inputs and the unstable first-layer outputs, each within a box
 * ({@code h₀ₛ ∈ [0, u₀ₛ]}), and the ideal formulation's planes ({@link BoxHullPlanes}, Anderson et al. 2020) apply to
 * that expression. Without substitution (the planes over the first layer's output box, measured in the eighth
 * session of issue 31) an active neuron's output counts as a free variable within its interval, though it moves
 * with the inputs it shares with its neighbours; over the inputs themselves the plane sees that. mnist-wk17a sample
 * 3604, the LP of its open row with the projected planes of the second layer's ReLUs added round by round (HiGHS,
 * outside the project): 0.515 → 0.283 with substitution; the planes over the output box moved α,β only from
 * −0.542 to −0.518.
 *
 * <p>The node's bounds of a second-layer neuron are tighter than the box of its expression implies, so the plane
 * at the triangle's slope is looser than the triangle. Each neuron's line is {@code θ·triangle + (1 − θ)·plane},
 * both valid upper bounds, θ ∈ [0,1] optimised with {@code m}; θ = 1 (the triangle) is where it starts, so the first
 * step's bound is the triangle's.
 *
 * <p>float32: the evaluated pre-activation is within {@code E} of the expression, where {@code E} sums the neuron's
 * own error, each substituted neuron's error times its weight, and the rounding of composing the weights in double
 * ({@link #COMPOSITION_ROUNDING} of their magnitudes); the plane is built for bias {@code b + E} (the ReLU is monotone).
 */
final class SubstitutedPlanes {
    /** Adam's step for m and θ (weights in [0,1], like α). */
    static final double STEP = 0.1;

    /**
     * Relative bound on the rounding of a composed weight, bias or error: a sum of at most a few million products in
     * double, off by less than n·2⁻⁵³ of its magnitude; 1e-9 covers n up to 10⁷.
     */
    static final double COMPOSITION_ROUNDING = 1e-9;

    /** Most ReLU layers of a chain the planes are used on. */
    static final int MAX_RELU_LAYERS = 3;

    private final ReluChain chain;
    private final NetworkBounds bounds;
    private final int inputs;
    /** Where layer t's outputs start among the expressions' variables (after the inputs and layers before t). */
    private final int[] offset;
    /** The box of the expressions' variables: the node's inputs, then [0, max(0, u_t)] per neuron of each layer t. */
    final double[] lo;
    final double[] hi;
    /** Per ReLU layer j ≥ 1 and neuron (null until first used): its expression's variables and weights. */
    private final int[][][] vars;
    private final double[][][] weights;
    /** Per layer and neuron: its expression's bias plus its error bound {@code E}, and their magnitude. */
    private final double[][] biasPlusError;
    private final double[][] constantMagnitude;
    private final double[][][] m;
    private final double[][][] mMoment;
    private final double[][][] vMoment;
    private final double[][] theta;
    private final double[][] thetaMoment;
    private final double[][] thetaV;
    /** Per layer and neuron: whether the last pass used its plane, with (1 − θ)·λ, λ, the plane's C and offset. */
    private final boolean[][] used;
    private final double[][] lam;
    private final double[][] triangleLambda;
    private final double[][] constant;
    private final double[][] planeOffset;
    /** Per layer and neuron: the triangle's slope and lower bound in the last pass (θ's supergradient). */
    private final double[][] slopeUsed;
    private final double[][] lowerUsed;
    /** Scratch: the planes' coefficients over the inputs and over each layer's outputs in the last pass. */
    final double[] inputCoef;
    final double[][] layerCoef;
    /** Each layer's outputs in the relaxed network at the last vertex (set by the forward pass). */
    final double[][] outputs;
    /** Where θ and m start (an ancestor's weights), or null: at the triangle. */
    private SubstitutedStart start;

    SubstitutedPlanes(ReluChain chain, NetworkBounds bounds, double[] inLo, double[] inHi) {
        this.chain = chain;
        this.bounds = bounds;
        this.inputs = chain.inputSize();
        int k = chain.reluLayerCount();
        offset = new int[k];
        int size = inputs;
        for (int t = 0; t < k; t++) {
            offset[t] = size;
            size += chain.width(t);
        }
        lo = new double[size];
        hi = new double[size];
        System.arraycopy(inLo, 0, lo, 0, inputs);
        System.arraycopy(inHi, 0, hi, 0, inputs);
        for (int t = 0; t < k; t++) {
            double[] u = bounds.upper(t);
            for (int s = 0; s < u.length; s++) {
                hi[offset[t] + s] = Math.max(0.0, u[s]);
            }
        }
        vars = new int[k][][];
        weights = new double[k][][];
        biasPlusError = new double[k][];
        constantMagnitude = new double[k][];
        m = new double[k][][];
        mMoment = new double[k][][];
        vMoment = new double[k][][];
        theta = new double[k][];
        thetaMoment = new double[k][];
        thetaV = new double[k][];
        used = new boolean[k][];
        lam = new double[k][];
        triangleLambda = new double[k][];
        constant = new double[k][];
        planeOffset = new double[k][];
        slopeUsed = new double[k][];
        lowerUsed = new double[k][];
        layerCoef = new double[k][];
        outputs = new double[k][];
        for (int j = 0; j < k; j++) {
            int w = chain.width(j);
            layerCoef[j] = new double[w];
            if (j == 0) {
                continue;
            }
            vars[j] = new int[w][];
            weights[j] = new double[w][];
            biasPlusError[j] = new double[w];
            constantMagnitude[j] = new double[w];
            m[j] = new double[w][];
            mMoment[j] = new double[w][];
            vMoment[j] = new double[w][];
            theta[j] = new double[w];
            java.util.Arrays.fill(theta[j], 1.0);
            thetaMoment[j] = new double[w];
            thetaV[j] = new double[w];
            used[j] = new boolean[w];
            lam[j] = new double[w];
            triangleLambda[j] = new double[w];
            constant[j] = new double[w];
            planeOffset[j] = new double[w];
            slopeUsed[j] = new double[w];
            lowerUsed[j] = new double[w];
        }
        inputCoef = new double[inputs];
    }

    /**
     * Whether the planes apply to {@code chain}: it has a second ReLU layer, and at most {@link #MAX_RELU_LAYERS}, so
     * that the planes' layers are near the output. Root α,β, 20 steps, sound: mnist-wk17a 3604 −0.552 → −0.316 with
     * planes on the second layer (three layers); mnist_fc 256x2 prop_1_0.05 −3.42 → −3.10; on 256x4 prop_0_0.05 and
     * ACAS Xu (four and six layers) the second layer's planes gave the same bound at twice the time, the layers after
     * it losing what it gains.
     */
    static boolean applies(ReluChain chain) {
        return chain.reluLayerCount() >= 2 && chain.reluLayerCount() <= MAX_RELU_LAYERS;
    }

    /** Forgets the last pass (call before each back-substitution). */
    void clear() {
        for (int j = 1; j < used.length; j++) {
            java.util.Arrays.fill(used[j], false);
        }
        java.util.Arrays.fill(inputCoef, 0.0);
        for (double[] c : layerCoef) {
            java.util.Arrays.fill(c, 0.0);
        }
    }

    /**
     * Builds neuron {@code n} of ReLU layer {@code j}'s expression (once per node): its row goes down the layers, each
     * active neuron replaced by its own row, each unstable one kept as a variable, each inactive one dropped, down to
     * the inputs. Alongside, the magnitudes of every composed weight (for their rounding) and the evaluation errors of
     * the neurons replaced, each times its weight.
     */
    private void build(int j, int n) {
        AffineMap top = chain.affine(j);
        double[] c = new double[chain.width(j - 1)];
        double[] mag = new double[c.length];
        for (int q = top.rowStart()[n]; q < top.rowStart()[n + 1]; q++) {
            c[top.colIndex()[q]] += top.values()[q];
            mag[top.colIndex()[q]] += Math.abs(top.values()[q]);
        }
        double bias = top.bias()[n];
        double biasMagnitude = Math.abs(bias);
        double[] ej = bounds.evaluationError(j);
        double error = ej == null ? 0.0 : ej[n];
        int[] idx = new int[16];
        double[] w = new double[16];
        int count = 0;
        double composed = 0;
        for (int t = j - 1; t >= 0; t--) {
            AffineMap a = chain.affine(t);
            double[] l = bounds.lower(t), u = bounds.upper(t), e = bounds.evaluationError(t);
            int[] rs = a.rowStart(), ci = a.colIndex();
            double[] av = a.values(), ab = a.bias();
            double[] below = new double[a.cols()];
            double[] belowMag = new double[a.cols()];
            for (int s = 0; s < c.length; s++) {
                double cs = c[s];
                if (cs == 0.0 || u[s] <= 0) {
                    continue;
                }
                if (l[s] < 0) {
                    if (count == idx.length) {
                        idx = java.util.Arrays.copyOf(idx, 2 * count);
                        w = java.util.Arrays.copyOf(w, 2 * count);
                    }
                    idx[count] = offset[t] + s;
                    w[count++] = cs;
                    composed += mag[s] * hi[offset[t] + s];
                    continue;
                }
                // Active in the node: its output is its pre-activation, its row plus bias within its error.
                double ms = mag[s];
                for (int r = rs[s]; r < rs[s + 1]; r++) {
                    below[ci[r]] += cs * av[r];
                    belowMag[ci[r]] += ms * Math.abs(av[r]);
                }
                bias += cs * ab[s];
                biasMagnitude += ms * Math.abs(ab[s]);
                if (e != null) {
                    error += ms * e[s];
                }
            }
            c = below;
            mag = belowMag;
        }
        for (int i = 0; i < inputs; i++) {
            if (c[i] != 0.0) {
                if (count == idx.length) {
                    idx = java.util.Arrays.copyOf(idx, 2 * count);
                    w = java.util.Arrays.copyOf(w, 2 * count);
                }
                idx[count] = i;
                w[count++] = c[i];
                composed += mag[i] * Math.max(Math.abs(lo[i]), Math.abs(hi[i]));
            }
        }
        // Each composed weight, the bias and the error sum (in double) are within COMPOSITION_ROUNDING of their
        // magnitudes; over the box that moves the expression by at most this much.
        error += COMPOSITION_ROUNDING * (composed + biasMagnitude + error);
        vars[j][n] = java.util.Arrays.copyOf(idx, count);
        weights[j][n] = java.util.Arrays.copyOf(w, count);
        biasPlusError[j][n] = Math.nextUp(bias + Math.nextUp(error));
        constantMagnitude[j][n] = biasMagnitude + error;
        m[j][n] = new double[count];
        mMoment[j][n] = new double[count];
        vMoment[j][n] = new double[count];
    }

    /**
     * Bounds {@code λ·y_n} of ReLU layer {@code j} from below, for a neuron with {@code λ < 0}, by
     * {@code θ·triangle + (1 − θ)·plane}: returns the triangle's slope to apply to {@code z_n} (the caller puts
     * {@code λ·θ·s} on it, through the map as usual, and adds {@code λ·θ·(−s·l)}), adds the plane's coefficients times
     * {@code (1 − θ)·λ} into {@link #inputCoef} and {@link #layerCoef}, its constant into {@code constantOut[0]} and
     * the magnitude its rounding is charged to into {@code mag[0]}.
     *
     * @param slope the triangle's slope {@code u/(u − l)}, where every {@code m} starts
     * @param lower the neuron's lower bound {@code l}
     */
    double relax(int j, int n, double lambda, double slope, double lower, double[] constantOut, double[] mag) {
        double[] mn = planeWeights(j, n, slope);
        int[] idx = vars[j][n];
        double[] w = weights[j][n];
        double th = theta[j][n];
        double rest = (1 - th) * lambda;
        double c = biasPlusError[j][n], mLow = 0, size = 0;
        for (int q = 0; q < idx.length; q++) {
            int v = idx[q];
            double wq = w[q], mq = mn[q];
            double a = wq * lo[v], b = wq * hi[v];
            double low = Math.min(a, b), up = Math.max(a, b);
            c += mq * low + (1 - mq) * up;
            mLow += mq * low;
            double coef = rest * wq * mq;
            if (v < inputs) {
                inputCoef[v] += coef;
            } else {
                int t = layerOf(v);
                layerCoef[t][v - offset[t]] += coef;
            }
            size += Math.abs(a) + Math.abs(b);
        }
        used[j][n] = true;
        lam[j][n] = rest;
        triangleLambda[j][n] = lambda;
        constant[j][n] = c;
        slopeUsed[j][n] = slope;
        lowerUsed[j][n] = lower;
        planeOffset[j][n] = Math.max(0.0, c) - mLow;
        // |w m Ľ| + |w (1 − m) Û| + |w m Ľ| + |w m v|: at most 4 |w| max(|lo|, |hi|) per term.
        mag[0] += Math.abs(rest) * (4 * size + constantMagnitude[j][n] + Math.abs(c) + Math.abs(planeOffset[j][n]));
        constantOut[0] += rest * planeOffset[j][n];
        return th * slope;
    }

    private int layerOf(int v) {
        int t = offset.length - 1;
        while (offset[t] > v) {
            t--;
        }
        return t;
    }

    /**
     * Neuron {@code n} of layer {@code j}'s plane weights, one per variable of its expression (built if not yet, from
     * the start's weights where it has them, else at {@code slope}).
     */
    double[] planeWeights(int j, int n, double slope) {
        if (vars[j][n] == null) {
            build(j, n);
            double[] mn = m[j][n];
            int[] idx = vars[j][n];
            for (int q = 0; q < mn.length; q++) {
                mn[q] = start == null ? slope : start.weight(j, n, idx[q], slope);
            }
            double th = start == null ? Double.NaN : start.theta(j, n);
            if (!Double.isNaN(th)) {
                theta[j][n] = th;
            }
        }
        return m[j][n];
    }

    /** Starts θ and m from {@code from} (kept, not copied) for the neurons not built yet. */
    void startFrom(SubstitutedStart from) {
        this.start = from;
    }

    /** θ and m of every neuron built so far, as floats: a start for the nodes below. */
    SubstitutedStart snapshot() {
        int k = vars.length;
        float[][] th = new float[k][];
        int[][][] v = new int[k][][];
        float[][][] w = new float[k][][];
        for (int j = 1; j < k; j++) {
            int width = vars[j].length;
            th[j] = new float[width];
            v[j] = new int[width][];
            w[j] = new float[width][];
            for (int n = 0; n < width; n++) {
                int[] idx = vars[j][n];
                if (idx == null) {
                    th[j][n] = Float.NaN;
                    continue;
                }
                th[j][n] = (float) theta[j][n];
                Integer[] order = new Integer[idx.length];
                for (int q = 0; q < order.length; q++) {
                    order[q] = q;
                }
                java.util.Arrays.sort(order, (p, q) -> Integer.compare(idx[p], idx[q]));
                v[j][n] = new int[idx.length];
                w[j][n] = new float[idx.length];
                for (int q = 0; q < order.length; q++) {
                    v[j][n][q] = idx[order[q]];
                    w[j][n][q] = (float) m[j][n][order[q]];
                }
            }
        }
        return new SubstitutedStart(th, v, w);
    }

    /** Tests: sets neuron {@code n} of layer {@code j}'s θ. */
    void setTheta(int j, int n, double value) {
        theta[j][n] = value;
    }

    /** Whether the last pass bounded neuron {@code n} of layer {@code j} with its plane. */
    boolean used(int j, int n) {
        return used[j][n];
    }

    /** {@code (1 − θ)·plane} of neuron {@code n} of layer {@code j} at inputs {@code x} and the layers' {@link #outputs}. */
    double weightedPlane(int j, int n, double[] x) {
        return (1 - theta[j][n]) * plane(j, n, x);
    }

    private double plane(int j, int n, double[] x) {
        int[] idx = vars[j][n];
        double[] w = weights[j][n];
        double[] mn = m[j][n];
        double v = planeOffset[j][n];
        for (int q = 0; q < idx.length; q++) {
            v += w[q] * mn[q] * value(idx[q], x);
        }
        return v;
    }

    private double value(int v, double[] x) {
        if (v < inputs) {
            return x[v];
        }
        int t = layerOf(v);
        return outputs[t][v - offset[t]];
    }

    /**
     * One projected Adam step on θ and m of the neurons the last pass used, along the supergradients at the
     * minimising vertex {@code x} with the relaxed network's layer outputs {@link #outputs} and pre-activations
     * {@code zHat}: {@code ∂/∂θ = λ (s (ẑ − l) − plane)}, and along {@code λ (w_c (v_c − Ľ_c) + [C > 0] w_c (Ľ_c − Û_c))}
     * for {@code m_c} (the plane's own supergradient, without the factor {@code 1 − θ}: the plane improves while the
     * triangle is taken, until it is the better line).
     */
    void adamStep(double[] x, double[][] zHat, int it) {
        double b1 = 0.9, b2 = 0.999, t = it + 1;
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        double rate = STEP / c1, norm = 1 / c2;
        for (int j = 1; j < used.length; j++) {
            for (int n = 0; n < used[j].length; n++) {
                if (!used[j][n]) {
                    continue;
                }
                double gt = triangleLambda[j][n] * (slopeUsed[j][n] * (zHat[j][n] - lowerUsed[j][n]) - plane(j, n, x));
                thetaMoment[j][n] = b1 * thetaMoment[j][n] + (1 - b1) * gt;
                thetaV[j][n] = b2 * thetaV[j][n] + (1 - b2) * gt * gt;
                double on = constant[j][n] > 0 ? 1.0 : 0.0;
                double ln = triangleLambda[j][n];
                int[] idx = vars[j][n];
                double[] w = weights[j][n], mn = m[j][n], mm = mMoment[j][n], vv = vMoment[j][n];
                for (int q = 0; q < idx.length; q++) {
                    int i = idx[q];
                    double v = value(i, x);
                    double wq = w[q];
                    double g = ln * (Math.max(wq * (v - lo[i]), wq * (v - hi[i])) - on * Math.abs(wq) * (hi[i] - lo[i]));
                    double m1 = b1 * mm[q] + (1 - b1) * g;
                    double v1 = b2 * vv[q] + (1 - b2) * g * g;
                    mm[q] = m1;
                    vv[q] = v1;
                    mn[q] = Math.min(1.0, Math.max(0.0, mn[q] + rate * m1 / (Math.sqrt(v1 * norm) + 1e-12)));
                }
                theta[j][n] = Math.min(1.0, Math.max(0.0,
                        theta[j][n] + rate * thetaMoment[j][n] / (Math.sqrt(thetaV[j][n] * norm) + 1e-12)));
            }
        }
    }
}
