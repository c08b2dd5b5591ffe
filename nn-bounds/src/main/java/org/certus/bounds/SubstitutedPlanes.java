package org.certus.bounds;

import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Upper planes for the ReLUs of the second ReLU layer over the node's box and the first layer's unstable outputs,
 * mixed with the triangle: one lane's parameters on one node, their Adam moments, and what the last back-substitution
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
     * Relative bound on the rounding of a composed weight or bias: a sum of at most a few thousand products in double,
     * off by less than n·2⁻⁵³ of its magnitude; 1e-10 covers n up to 10⁵.
     */
    static final double COMPOSITION_ROUNDING = 1e-10;

    private final ReluChain chain;
    private final NetworkBounds bounds;
    private final int inputs;
    /** The box of the expressions' variables: the node's inputs, then [0, max(0, u₀)] per first-layer neuron. */
    final double[] lo;
    final double[] hi;
    /** Per second-layer neuron (null until first used): its expression's variables and weights. */
    private final int[][] vars;
    private final double[][] weights;
    /** Per second-layer neuron: its expression's bias plus its error bound {@code E}. */
    private final double[] biasPlusError;
    /** Magnitude of the expression's constant part, for the outward rounding of the bound. */
    private final double[] constantMagnitude;
    private final double[][] m;
    private final double[][] mMoment;
    private final double[][] vMoment;
    private final double[] theta;
    private final double[] thetaMoment;
    private final double[] thetaV;
    /** Per neuron: whether the last pass used its plane, with (1 − θ)·λ, the plane's constant C and offset. */
    private final boolean[] used;
    private final double[] lam;
    private final double[] constant;
    private final double[] offset;
    /** Per neuron: the triangle's slope and lower bound in the last pass (θ's supergradient). */
    private final double[] slopeUsed;
    private final double[] lowerUsed;
    private final double[] triangleLambda;
    /** Scratch: the planes' coefficients over the inputs and over the first layer's outputs in the last pass. */
    final double[] inputCoef;
    final double[] firstCoef;
    /** The first layer's outputs in the relaxed network at the last vertex (set by the forward pass). */
    double[] firstOutputs;

    SubstitutedPlanes(ReluChain chain, NetworkBounds bounds, double[] inLo, double[] inHi) {
        this.chain = chain;
        this.bounds = bounds;
        this.inputs = chain.inputSize();
        int w0 = chain.width(0);
        int w1 = chain.width(1);
        lo = new double[inputs + w0];
        hi = new double[inputs + w0];
        System.arraycopy(inLo, 0, lo, 0, inputs);
        System.arraycopy(inHi, 0, hi, 0, inputs);
        double[] u0 = bounds.upper(0);
        for (int s = 0; s < w0; s++) {
            hi[inputs + s] = Math.max(0.0, u0[s]);
        }
        vars = new int[w1][];
        weights = new double[w1][];
        biasPlusError = new double[w1];
        constantMagnitude = new double[w1];
        m = new double[w1][];
        mMoment = new double[w1][];
        vMoment = new double[w1][];
        theta = new double[w1];
        java.util.Arrays.fill(theta, 1.0);
        thetaMoment = new double[w1];
        thetaV = new double[w1];
        used = new boolean[w1];
        lam = new double[w1];
        constant = new double[w1];
        offset = new double[w1];
        slopeUsed = new double[w1];
        lowerUsed = new double[w1];
        triangleLambda = new double[w1];
        inputCoef = new double[inputs];
        firstCoef = new double[w0];
    }

    /** Most ReLU layers of a chain the planes are used on. */
    static final int MAX_RELU_LAYERS = 3;

    /**
     * Whether the planes apply to {@code chain}: it has a second ReLU layer, and at most {@link #MAX_RELU_LAYERS}, so
     * that the second is near the output. Root α,β, 20 steps, sound: mnist-wk17a 3604 −0.552 → −0.316 (three layers);
     * mnist_fc 256x2 prop_1_0.05 −3.42 → −3.10; on 256x4 prop_0_0.05 and ACAS Xu (four and six layers) the same
     * bound at twice the time, the layers after the second losing what it gains.
     */
    static boolean applies(ReluChain chain) {
        return chain.reluLayerCount() >= 2 && chain.reluLayerCount() <= MAX_RELU_LAYERS;
    }

    /** Forgets the last pass (call before each back-substitution). */
    void clear() {
        java.util.Arrays.fill(used, false);
        java.util.Arrays.fill(inputCoef, 0.0);
        java.util.Arrays.fill(firstCoef, 0.0);
    }

    /** The weight θ of the triangle in neuron {@code n}'s line (1 until optimised). */
    double theta(int n) {
        return theta[n];
    }

    /** Builds neuron {@code n}'s expression over the inputs and the unstable first-layer outputs (once per node). */
    private void build(int n) {
        AffineMap a1 = chain.affine(1);
        AffineMap a0 = chain.affine(0);
        double[] l0 = bounds.lower(0), u0 = bounds.upper(0);
        double[] e0 = bounds.evaluationError(0);
        double[] e1 = bounds.evaluationError(1);
        int[] rs1 = a1.rowStart(), ci1 = a1.colIndex(), rs0 = a0.rowStart(), ci0 = a0.colIndex();
        double[] v1 = a1.values(), v0 = a0.values(), b0 = a0.bias();
        double[] onInputs = new double[inputs];
        boolean[] touched = new boolean[inputs];
        int touchedCount = 0;
        double bias = a1.bias()[n];
        double biasMagnitude = Math.abs(bias);
        double error = e1 == null ? 0.0 : e1[n];
        double composed = 0;
        int firstTerms = 0;
        for (int q = rs1[n]; q < rs1[n + 1]; q++) {
            int s = ci1[q];
            if (u0[s] > 0 && l0[s] < 0) {
                firstTerms++;
            }
        }
        int[] firstVars = new int[firstTerms];
        double[] firstWeights = new double[firstTerms];
        int f = 0;
        for (int q = rs1[n]; q < rs1[n + 1]; q++) {
            int s = ci1[q];
            double ws = v1[q];
            if (u0[s] <= 0 || ws == 0.0) {
                continue;
            }
            if (l0[s] < 0) {
                firstVars[f] = inputs + s;
                firstWeights[f++] = ws;
                continue;
            }
            // Active in the node: h₀ₛ is its pre-activation, W₀ₛ x + b₀ₛ within e₀ₛ.
            for (int r = rs0[s]; r < rs0[s + 1]; r++) {
                int c = ci0[r];
                double t = ws * v0[r];
                onInputs[c] += t;
                composed += Math.abs(t) * Math.max(Math.abs(lo[c]), Math.abs(hi[c]));
                if (!touched[c]) {
                    touched[c] = true;
                    touchedCount++;
                }
            }
            double tb = ws * b0[s];
            bias += tb;
            biasMagnitude += Math.abs(tb);
            if (e0 != null) {
                error += Math.abs(ws) * e0[s];
            }
        }
        int[] idx = new int[touchedCount + f];
        double[] w = new double[touchedCount + f];
        int t = 0;
        for (int c = 0; c < inputs; c++) {
            if (touched[c]) {
                idx[t] = c;
                w[t++] = onInputs[c];
            }
        }
        for (int i = 0; i < f; i++) {
            idx[t] = firstVars[i];
            w[t++] = firstWeights[i];
        }
        error += COMPOSITION_ROUNDING * (composed + biasMagnitude);
        vars[n] = idx;
        weights[n] = w;
        biasPlusError[n] = Math.nextUp(bias + Math.nextUp(error));
        constantMagnitude[n] = biasMagnitude + error;
        m[n] = new double[idx.length];
        mMoment[n] = new double[idx.length];
        vMoment[n] = new double[idx.length];
    }

    /**
     * Bounds {@code λ·y_n} from below, for a neuron with {@code λ < 0}, by {@code θ·triangle + (1 − θ)·plane}: returns
     * the triangle's slope to apply to {@code z_n} (the caller puts {@code λ·θ·s} on it, through the map as usual,
     * and adds {@code λ·θ·(−s·l)}), adds the plane's coefficients times {@code (1 − θ)·λ} into {@link #inputCoef} and
     * {@link #firstCoef}, its constant into {@code constantOut[0]} and the magnitude its rounding is charged to into
     * {@code mag[0]}.
     *
     * @param slope the triangle's slope {@code u/(u − l)}, where every {@code m} starts
     * @param lower the neuron's lower bound {@code l}
     */
    double relax(int n, double lambda, double slope, double lower, double[] constantOut, double[] mag) {
        if (vars[n] == null) {
            build(n);
            java.util.Arrays.fill(m[n], slope);
        }
        int[] idx = vars[n];
        double[] w = weights[n];
        double[] mn = m[n];
        double th = theta[n];
        double rest = (1 - th) * lambda;
        double c = biasPlusError[n], mLow = 0, size = 0;
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
                firstCoef[v - inputs] += coef;
            }
            size += Math.abs(a) + Math.abs(b);
        }
        used[n] = true;
        lam[n] = rest;
        triangleLambda[n] = lambda;
        constant[n] = c;
        slopeUsed[n] = slope;
        lowerUsed[n] = lower;
        offset[n] = Math.max(0.0, c) - mLow;
        // |w m Ľ| + |w (1 − m) Û| + |w m Ľ| + |w m v|: at most 4 |w| max(|lo|, |hi|) per term.
        mag[0] += Math.abs(rest) * (4 * size + constantMagnitude[n] + Math.abs(c) + Math.abs(offset[n]));
        constantOut[0] += rest * offset[n];
        return th * slope;
    }

    /** Tests: neuron {@code n}'s plane weights, one per variable of its expression (built, at {@code slope}, if not yet). */
    double[] weights(int n, double slope) {
        if (vars[n] == null) {
            build(n);
            java.util.Arrays.fill(m[n], slope);
        }
        return m[n];
    }

    /** Tests: sets neuron {@code n}'s θ. */
    void setTheta(int n, double value) {
        theta[n] = value;
    }

    /** Whether the last pass bounded neuron {@code n} with its plane. */
    boolean used(int n) {
        return used[n];
    }

    /** {@code (1 − θ)·plane} of neuron {@code n} at inputs {@code x} and first-layer outputs {@code h0}. */
    double weightedPlane(int n, double[] x, double[] h0) {
        return (1 - theta[n]) * plane(n, x, h0);
    }

    private double plane(int n, double[] x, double[] h0) {
        int[] idx = vars[n];
        double[] w = weights[n];
        double[] mn = m[n];
        double v = offset[n];
        for (int q = 0; q < idx.length; q++) {
            int i = idx[q];
            v += w[q] * mn[q] * (i < inputs ? x[i] : h0[i - inputs]);
        }
        return v;
    }

    /**
     * One projected Adam step on θ and m of the neurons the last pass used, along the supergradients at the
     * minimising vertex {@code x} with the relaxed network's first-layer outputs {@link #firstOutputs} and
     * second-layer pre-activations {@code z1}: {@code ∂/∂θ = λ (s (ẑ − l) − plane)},
     * and along {@code λ (w_c (v_c − Ľ_c) + [C > 0] w_c (Ľ_c − Û_c))} for {@code m_c} (the plane's own supergradient,
     * without the factor {@code 1 − θ}: the plane improves while the triangle is taken, until it is the better line).
     */
    void adamStep(double[] x, double[] z1, int it) {
        double b1 = 0.9, b2 = 0.999, t = it + 1;
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        double rate = STEP / c1, norm = 1 / c2;
        double[] h0 = firstOutputs;
        for (int n = 0; n < used.length; n++) {
            if (!used[n]) {
                continue;
            }
            double gt = triangleLambda[n] * (slopeUsed[n] * (z1[n] - lowerUsed[n]) - plane(n, x, h0));
            thetaMoment[n] = b1 * thetaMoment[n] + (1 - b1) * gt;
            thetaV[n] = b2 * thetaV[n] + (1 - b2) * gt * gt;
            double on = constant[n] > 0 ? 1.0 : 0.0;
            // λ, not (1 − θ) λ: any m gives a valid plane, and at θ = 1 the plane must still improve to be taken.
            double ln = triangleLambda[n];
            int[] idx = vars[n];
            double[] w = weights[n], mn = m[n], mm = mMoment[n], vv = vMoment[n];
            for (int q = 0; q < idx.length; q++) {
                int i = idx[q];
                double v = i < inputs ? x[i] : h0[i - inputs];
                double wq = w[q];
                double g = ln * (Math.max(wq * (v - lo[i]), wq * (v - hi[i])) - on * Math.abs(wq) * (hi[i] - lo[i]));
                double m1 = b1 * mm[q] + (1 - b1) * g;
                double v1 = b2 * vv[q] + (1 - b2) * g * g;
                mm[q] = m1;
                vv[q] = v1;
                mn[q] = Math.min(1.0, Math.max(0.0, mn[q] + rate * m1 / (Math.sqrt(v1 * norm) + 1e-12)));
            }
            theta[n] = Math.min(1.0, Math.max(0.0, theta[n] + rate * thetaMoment[n] / (Math.sqrt(thetaV[n] * norm) + 1e-12)));
        }
    }
}
