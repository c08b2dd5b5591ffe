package org.certus.bnb;

import org.certus.bounds.NormBall;
import org.certus.nn.AffineMap;

/**
 * Moves a candidate that lies just outside a query's region (an LP solution off by the solver's
 * tolerance) back inside: clip to the box, then shrink the perturbation towards the ball's centre until
 * the computed distance is within the radius. The caller re-checks the result exactly; projection only
 * decides which point is checked, never what is reported without a check.
 */
final class RegionProjection {
    private RegionProjection() {
    }

    static double[] project(VerificationQuery q, double[] x) {
        double[] p = x.clone();
        double[] lo = q.inputLower(), hi = q.inputUpper();
        for (int i = 0; i < p.length; i++) {
            if (Double.isNaN(p[i])) {
                return null;
            }
            p[i] = Math.min(hi[i], Math.max(lo[i], p[i]));
        }
        AffineMap cons = q.inputConstraints();
        if (cons != null) {
            // An LP solution may miss a linear constraint by the solver's tolerance: step back along
            // each violated row's normal (a little past it), clip to the box, a few rounds.
            double[] v = new double[cons.rows()];
            for (int attempt = 0; attempt < 8; attempt++) {
                cons.apply(p, v);
                boolean ok = true;
                for (int r = 0; r < v.length; r++) {
                    if (!(v[r] > 0)) {
                        continue;
                    }
                    ok = false;
                    double norm2 = 0;
                    for (int k = cons.rowStart()[r]; k < cons.rowStart()[r + 1]; k++) {
                        norm2 += cons.values()[k] * cons.values()[k];
                    }
                    if (norm2 == 0) {
                        return null;
                    }
                    double step = (v[r] * (1 + 1e-6) + 1e-15 * (1L << (2 * attempt))) / norm2;
                    for (int k = cons.rowStart()[r]; k < cons.rowStart()[r + 1]; k++) {
                        int i = cons.colIndex()[k];
                        p[i] = Math.min(hi[i], Math.max(lo[i], p[i] - step * cons.values()[k]));
                    }
                }
                if (ok) {
                    break;
                }
            }
        }
        NormBall ball = q.ball();
        if (ball != null) {
            double[] c = ball.center();
            for (int attempt = 0; attempt < 8 && ball.distance(p) > ball.radius(); attempt++) {
                double scale = ball.radius() / ball.distance(p) * (1 - 1e-12 * (1L << (2 * attempt)));
                for (int i = 0; i < p.length; i++) {
                    // Convex combination of two box points stays in the box.
                    p[i] = c[i] + (p[i] - c[i]) * scale;
                }
            }
        }
        return p;
    }
}
