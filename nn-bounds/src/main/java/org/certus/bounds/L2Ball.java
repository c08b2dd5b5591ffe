package org.certus.bounds;

import org.certus.nn.OutwardRounding;

/**
 * An L2 ball {@code ‖x − c‖₂ <= r} that, intersected with the input box, forms the input region of
 * an L2 robustness query. The centre must lie in the box.
 *
 * <p>Linear functions are bounded over box ∩ ball by Lagrangian duality: for every {@code μ >= 0},
 * {@code D(μ) = min_{x ∈ box} λ·x + μ(‖x − c‖² − r²)} is at most the minimum over box ∩ ball
 * (the penalty is {@code <= 0} on the ball), and it separates per coordinate with the closed-form
 * minimiser {@code x_i = clip(c_i − λ_i/(2μ), lo_i, hi_i)}. {@code D} is concave with derivative
 * {@code ‖x(μ) − c‖² − r²}, decreasing in μ, so the best μ is found by bisection (in log μ) on the
 * sign of that derivative; since every μ gives a valid bound, an inexact search only costs
 * tightness, never soundness. {@code D(0)} is the box bound; the plain ball bound
 * {@code λ·c − r‖λ‖₂} is kept as well, and the best of all is returned.
 */
public record L2Ball(double[] center, double radius) implements NormBall {

    /** Bisection steps on log μ: the bracket's ratio shrinks to about 1 + 1e-9 well within this. */
    private static final int MAX_STEPS = 60;
    /** Relative width of the μ bracket at which the bisection stops. */
    private static final double BRACKET_RATIO = 1 + 1e-9;
    /**
     * Factor on the magnitude of the terms for {@link OutwardRounding}: each coordinate's term takes
     * a few rounded operations (a quotient, a square, products) before the sum, each within one unit
     * round-off of the term's size; the caller's γ over at least n + 1 terms, scaled by this, covers them.
     */
    private static final double ROUNDING_FACTOR = 8;

    public L2Ball {
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new BoundsException("L2 radius must be finite and >= 0, got " + radius);
        }
        center = center.clone();
    }

    /** L2 distance of x from the centre. */
    @Override
    public double distance(double[] x) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            double v = x[i] - center[i];
            d += v * v;
        }
        return Math.sqrt(d);
    }

    @Override
    public double optimize(double[] lambda, int n, double[] lo, double[] hi, boolean upper, double[] argmin, double[] magnitude) {
        // Minimise with λ' = ±λ; a maximum of λ·x is −(minimum of −λ·x).
        double sign = upper ? -1.0 : 1.0;
        // The ball bound λ'·c − r‖λ'‖ (exact for the ball alone, valid on box ∩ ball).
        double dot = 0, norm2 = 0, dotMag = 0;
        for (int i = 0; i < n; i++) {
            double l = sign * lambda[i];
            dot += l * center[i];
            dotMag += Math.abs(l * center[i]);
            norm2 += l * l;
        }
        double lamNorm = Math.sqrt(norm2);
        double best = dot - radius * lamNorm;
        double bestMag = dotMag + radius * lamNorm;
        double bestMu = Double.NaN; // NaN: the ball bound is best so far
        double[] res = new double[3];
        if (lamNorm > 0) {
            // μ = 0: the box bound.
            evaluate(lambda, sign, n, lo, hi, 0.0, null, res);
            if (res[0] > best) {
                best = res[0];
                bestMag = res[1];
                bestMu = 0.0;
            }
            double r2 = radius * radius;
            double muHi = lamNorm / (2 * radius); // unclipped step has length r: inside the ball
            if (res[2] > r2 && Double.isFinite(muHi) && muHi > 0) {
                double muLo = muHi;
                for (int t = 0; t < 40; t++) {
                    muLo *= 1e-3;
                    evaluate(lambda, sign, n, lo, hi, muLo, null, res);
                    if (res[0] > best) {
                        best = res[0];
                        bestMag = res[1];
                        bestMu = muLo;
                    }
                    if (res[2] > r2 || muLo < Double.MIN_NORMAL) {
                        break;
                    }
                    muHi = muLo;
                }
                evaluate(lambda, sign, n, lo, hi, muHi, null, res);
                if (res[0] > best) {
                    best = res[0];
                    bestMag = res[1];
                    bestMu = muHi;
                }
                for (int step = 0; step < MAX_STEPS && muHi > muLo * BRACKET_RATIO && muLo > 0; step++) {
                    double mu = Math.sqrt(muLo) * Math.sqrt(muHi);
                    evaluate(lambda, sign, n, lo, hi, mu, null, res);
                    if (res[0] > best) {
                        best = res[0];
                        bestMag = res[1];
                        bestMu = mu;
                    }
                    if (res[2] > r2) {
                        muLo = mu;
                    } else {
                        muHi = mu;
                    }
                }
                if (argmin != null) {
                    // The minimiser at the inside end of the bracket: in the box and (up to rounding) the ball.
                    evaluate(lambda, sign, n, lo, hi, muHi, argmin, res);
                }
            } else if (argmin != null) {
                // The box minimiser is in the ball (or the ball is a point): it is the exact minimiser.
                evaluate(lambda, sign, n, lo, hi, res[2] <= r2 ? 0.0 : Double.POSITIVE_INFINITY, argmin, res);
            }
        } else if (argmin != null) {
            System.arraycopy(center, 0, argmin, 0, n);
        }
        if (argmin != null && Double.isNaN(bestMu) && lamNorm > 0 && radius > 0) {
            // The ball bound won: its minimiser c − r λ'/‖λ'‖, clipped to the box (clipping keeps it in the ball).
            for (int i = 0; i < n; i++) {
                double x = center[i] - radius * sign * lambda[i] / lamNorm;
                argmin[i] = Math.min(hi[i], Math.max(lo[i], x));
            }
        }
        magnitude[0] = ROUNDING_FACTOR * bestMag;
        return sign * best;
    }

    /**
     * D(μ) for the minimisation of λ'·x = sign·λ·x: writes the value, its magnitude (sum of absolute
     * terms) and ‖x(μ) − c‖² to {@code out}, and x(μ) to {@code x} when not null. μ = ∞ means x = c.
     */
    private void evaluate(double[] lambda, double sign, int n, double[] lo, double[] hi, double mu, double[] x, double[] out) {
        double value = 0, mag = 0, dist2 = 0;
        boolean point = mu == Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double l = sign * lambda[i];
            double c = center[i];
            double xi, term;
            if (l == 0.0 || point) {
                xi = c;
                term = l * c;
                mag += Math.abs(term);
            } else if (mu == 0.0) {
                xi = l > 0 ? lo[i] : hi[i];
                term = l * xi;
                mag += Math.abs(term);
            } else {
                double free = c - l / (2 * mu);
                if (free <= lo[i] || free >= hi[i]) {
                    // The convex quadratic's minimum over [lo, hi] is at the nearer bound.
                    xi = free <= lo[i] ? lo[i] : hi[i];
                    double d = xi - c;
                    double pen = mu * d * d;
                    term = l * xi + pen;
                    mag += Math.abs(l * xi) + pen;
                } else {
                    xi = free;
                    double q = l * l / (4 * mu);
                    term = l * c - q;
                    mag += Math.abs(l * c) + q;
                }
            }
            double d = xi - c;
            dist2 += d * d;
            value += term;
            if (x != null) {
                x[i] = xi;
            }
        }
        double pen = point ? 0.0 : mu * radius * radius;
        out[0] = value - pen;
        out[1] = mag + pen;
        out[2] = dist2;
    }
}
