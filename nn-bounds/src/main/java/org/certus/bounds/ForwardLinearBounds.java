package org.certus.bounds;

import org.certus.nn.OutwardRounding;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Forward linear bounds (symbolic intervals, as in ReluVal/Neurify): every pre-activation carries a
 * lower and an upper linear function of the input, pushed forward layer by layer through the ReLU
 * relaxations. For a network with d inputs a layer costs O(rows · cols · d), against O(rows · depth ·
 * width²) for back-substituting each neuron, so for networks with few inputs (ACAS Xu: 5) this is a
 * cheap pre-filter: {@link SymbolicPropagator} back-substitutes only the neurons it leaves unstable,
 * and intersects the two.
 *
 * <p>Soundness: each function f carries a slack e with {@code z(x) >= fL(x) - eL} and
 * {@code z(x) <= fU(x) + eU} for every x of the box, in real arithmetic, and also for every
 * evaluation covered by the {@link ArithmeticModel} (its per-neuron error is added to e). The
 * rounding of the computed coefficients is bounded per neuron by {@code γ · M}, where M sums the
 * magnitudes of all terms that formed the function over the box (Higham's bound for dot products,
 * with a few extra operations per term for the slope products); concretisation rounds outward.
 * ReLU upper slopes are rounded up, so the stored chord lies above the exact one.
 */
final class ForwardLinearBounds {
    /**
     * {@link SymbolicPropagator} uses forward bounds for networks with at most this many inputs: a
     * forward layer costs d times an interval layer, while back-substituting one neuron costs a pass
     * over all earlier layers.
     */
    static final int MAX_INPUTS = 32;
    /** Extra operations per term beyond the dot product's length: slope product, constant, rounding of M. */
    static final int EXTRA_OPERATIONS = 8;

    private final ReluChain chain;
    private final double[] inLo;
    private final double[] inHi;
    /** max(|lo|, |hi|) per input: the largest value a coefficient multiplies. */
    private final double[] inMax;
    private final int d;

    // Functions of the current layer's pre-activations z (flat [neuron * d + c]).
    private double[] zLa, zUa, zLb, zUb, zLe, zUe;

    ForwardLinearBounds(ReluChain chain, double[] inLo, double[] inHi) {
        this.chain = chain;
        this.inLo = inLo;
        this.inHi = inHi;
        this.d = inLo.length;
        this.inMax = new double[d];
        for (int c = 0; c < d; c++) {
            inMax[c] = Math.max(Math.abs(inLo[c]), Math.abs(inHi[c]));
        }
    }

    /**
     * Computes the functions of layer i's pre-activations from layer i−1's (whose final bounds are
     * {@code prevLo, prevHi}; ignored for i = 0) and intersects {@code l, u} with their
     * concretisation over the box. {@code err} is layer i's evaluation error (null for real arithmetic).
     */
    void advance(int i, double[] prevLo, double[] prevHi, double[] err, double[] l, double[] u) {
        AffineMap a = chain.affine(i);
        int rows = a.rows();
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        double[] bias = a.bias();
        double[] nLa = new double[rows * d], nUa = new double[rows * d];
        double[] nLb = new double[rows], nUb = new double[rows], nLe = new double[rows], nUe = new double[rows];
        if (i == 0) {
            // z = A x + b: the coefficients are the weights themselves, exactly.
            for (int n = 0; n < rows; n++) {
                double mag = Math.abs(bias[n]);
                for (int q = start[n]; q < start[n + 1]; q++) {
                    nLa[n * d + col[q]] += val[q];
                    mag += Math.abs(val[q]) * inMax[col[q]];
                }
                System.arraycopy(nLa, n * d, nUa, n * d, d);
                nLb[n] = bias[n];
                nUb[n] = bias[n];
                // Duplicate columns would be summed: cover that rounding too.
                int terms = start[n + 1] - start[n] + EXTRA_OPERATIONS;
                double e = slack(0.0, mag, terms) + (err == null ? 0.0 : err[n]);
                nLe[n] = e;
                nUe[n] = e;
            }
        } else {
            int w = prevLo.length;
            // Relaxed post-activations h of layer i−1: hL = α·zL, hU = s·(zU − l); magnitudes over the box.
            double[] hLa = new double[w * d], hUa = new double[w * d];
            double[] hLb = new double[w], hUb = new double[w], hLe = new double[w], hUe = new double[w];
            double[] hLm = new double[w], hUm = new double[w];
            for (int m = 0; m < w; m++) {
                double lm = prevLo[m], um = prevHi[m];
                if (um <= 0) {
                    continue; // h = 0
                }
                if (lm >= 0) {
                    System.arraycopy(zLa, m * d, hLa, m * d, d);
                    System.arraycopy(zUa, m * d, hUa, m * d, d);
                    hLb[m] = zLb[m];
                    hUb[m] = zUb[m];
                    hLe[m] = zLe[m];
                    hUe[m] = zUe[m];
                    hLm[m] = magnitude(zLa, m, zLb[m]);
                    hUm[m] = magnitude(zUa, m, zUb[m]);
                    continue;
                }
                // Chord through (l, 0) and (u, u), its slope rounded up so that it stays above ReLU.
                double s = Math.min(1.0, Math.nextUp(um / (um - lm)));
                for (int c = 0; c < d; c++) {
                    hUa[m * d + c] = s * zUa[m * d + c];
                }
                hUb[m] = s * zUb[m] - s * lm;
                hUe[m] = Math.nextUp(s * zUe[m]);
                hUm[m] = s * (magnitude(zUa, m, zUb[m]) + Math.abs(lm));
                // Lower line h >= α z with α in [0, 1] (valid for any such α): CROWN's adaptive choice.
                if (um >= -lm) {
                    System.arraycopy(zLa, m * d, hLa, m * d, d);
                    hLb[m] = zLb[m];
                    hLe[m] = zLe[m];
                    hLm[m] = magnitude(zLa, m, zLb[m]);
                }
            }
            for (int n = 0; n < rows; n++) {
                double lb = bias[n], ub = bias[n], le = 0, ue = 0, lMag = Math.abs(bias[n]), uMag = Math.abs(bias[n]);
                int lo = n * d;
                for (int q = start[n]; q < start[n + 1]; q++) {
                    int m = col[q];
                    double wt = val[q];
                    if (wt == 0.0) {
                        continue;
                    }
                    double aw = Math.abs(wt);
                    int mo = m * d;
                    if (wt > 0) {
                        for (int c = 0; c < d; c++) {
                            nLa[lo + c] += wt * hLa[mo + c];
                            nUa[lo + c] += wt * hUa[mo + c];
                        }
                        lb += wt * hLb[m];
                        ub += wt * hUb[m];
                        le += aw * hLe[m];
                        ue += aw * hUe[m];
                        lMag += aw * hLm[m];
                        uMag += aw * hUm[m];
                    } else {
                        for (int c = 0; c < d; c++) {
                            nLa[lo + c] += wt * hUa[mo + c];
                            nUa[lo + c] += wt * hLa[mo + c];
                        }
                        lb += wt * hUb[m];
                        ub += wt * hLb[m];
                        le += aw * hUe[m];
                        ue += aw * hLe[m];
                        lMag += aw * hUm[m];
                        uMag += aw * hLm[m];
                    }
                }
                nLb[n] = lb;
                nUb[n] = ub;
                int terms = start[n + 1] - start[n] + EXTRA_OPERATIONS;
                double e = err == null ? 0.0 : err[n];
                nLe[n] = slack(le, lMag, terms) + e;
                nUe[n] = slack(ue, uMag, terms) + e;
            }
        }
        zLa = nLa;
        zUa = nUa;
        zLb = nLb;
        zUb = nUb;
        zLe = nLe;
        zUe = nUe;
        for (int n = 0; n < rows; n++) {
            l[n] = Math.max(l[n], concretise(zLa, n, zLb[n], zLe[n], false));
            u[n] = Math.min(u[n], concretise(zUa, n, zUb[n], zUe[n], true));
        }
    }

    /** Propagated slack plus the rounding of a dot product of {@code terms} terms with magnitude {@code mag}. */
    private static double slack(double propagated, double mag, int terms) {
        double g = OutwardRounding.gamma(terms);
        // Both sums are of non-negative terms computed in floating point: inflate them by 4γ.
        double s = (propagated + g * mag) * (1 + 4 * g) + terms * Double.MIN_NORMAL;
        return Math.nextUp(s);
    }

    /** {@code Σ|a_c|·max|x_c| + |b|}: the largest magnitude the function's terms reach on the box. */
    private double magnitude(double[] a, int n, double b) {
        double m = Math.abs(b);
        for (int c = 0; c < d; c++) {
            m += Math.abs(a[n * d + c]) * inMax[c];
        }
        return m;
    }

    private double concretise(double[] a, int n, double b, double e, boolean upper) {
        double sum = b;
        double mag = Math.abs(b);
        for (int c = 0; c < d; c++) {
            double coef = a[n * d + c];
            double x = (coef > 0) == upper ? inHi[c] : inLo[c];
            sum += coef * x;
            mag += Math.abs(coef) * inMax[c];
        }
        return upper ? OutwardRounding.up(sum + e, mag + e, d + 2) : OutwardRounding.down(sum - e, mag + e, d + 2);
    }
}
