package org.certus.bnb;

import org.certus.bounds.L1Ball;

/**
 * Moves a candidate that lies just outside a query's region (an LP solution off by the solver's
 * tolerance) back inside: clip to the box, then shrink the perturbation towards the L1 centre until
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
        L1Ball ball = q.l1Ball();
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
