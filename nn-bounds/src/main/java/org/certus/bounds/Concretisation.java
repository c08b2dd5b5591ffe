package org.certus.bounds;

import java.util.Arrays;
import org.certus.nn.AffineMap;
import org.certus.nn.OutwardRounding;

/**
 * Bounds over the input region — the box, the box ∩ a norm ball, or the box ∩ linear constraints — rounded
 * outward: the last step of every back-substitution (a linear function of the input, {@code λ·x + cst}), and
 * the first layer's rows, which are such functions already.
 */
final class Concretisation {
    /** When not null, the region is the box ∩ this ball. */
    private final NormBall ball;
    /** When not null (and there is no ball), the region is the box ∩ these constraints. */
    private final InputConstraints constraints;

    Concretisation(NormBall ball, InputConstraints constraints) {
        this.ball = ball;
        this.constraints = ball == null ? constraints : null;
    }

    /**
     * The last step of a back-substitution: {@code λ·x + cst} bounded over the input region (box, norm
     * ball, or box ∩ linear constraints), rounded outward with {@code mag} and {@code terms}. Clears
     * {@code lambda}'s input entries (a workspace buffer).
     */
    double bound(double[] lambda, double cst, double mag, long terms, double[] inLo, double[] inHi, boolean upper,
                              Workspace ws, double[] vertex, double[] inputCoefficients) {
        int inputs = inLo.length;
        if (ball != null) {
            if (inputCoefficients != null) {
                System.arraycopy(lambda, 0, inputCoefficients, 0, inputs);
            }
            double[] m1 = new double[1];
            double v = ball.optimize(lambda, inputs, inLo, inHi, upper, vertex, m1) + cst;
            java.util.Arrays.fill(lambda, 0, inputs, 0.0);
            double magAll = mag + m1[0];
            int nn = (int) Math.min(Integer.MAX_VALUE / 2, terms + inputs + 1);
            double sl = SymbolicPropagator.ROUNDING_SLACK * magAll;
            return upper ? OutwardRounding.up(v + sl, magAll, nn) : OutwardRounding.down(v - sl, magAll, nn);
        }
        double constrained = Double.NaN;
        if (constraints != null) {
            // Box ∩ constraints; the box bound below is computed too and the better one kept, so the
            // Lagrangian's extra rounding can never make a bound looser than the box's.
            double[] m1 = new double[1];
            double[] cv = vertex == null ? null : new double[inputs];
            double v = constraints.optimize(lambda, inputs, inLo, inHi, upper, cv, m1);
            if (Double.isInfinite(v)) {
                constrained = v; // the region is proved empty
            } else {
                double magAll = mag + m1[0];
                int nn = (int) Math.min(Integer.MAX_VALUE / 2, terms + inputs + 1 + constraints.extraTerms());
                double sl = SymbolicPropagator.ROUNDING_SLACK * magAll;
                constrained = upper ? OutwardRounding.up(v + cst + sl, magAll, nn) : OutwardRounding.down(v + cst - sl, magAll, nn);
            }
            if (cv != null) {
                // Overwritten below by the box vertex; restored if the constrained bound wins.
                System.arraycopy(cv, 0, ws.buffer(2, inputs), 0, inputs);
            }
        }
        // Concretise over the input box.
        double sum = cst;
        for (int c = 0; c < inputs; c++) {
            double lam = lambda[c];
            if (inputCoefficients != null) {
                inputCoefficients[c] = lam;
            }
            if (lam == 0.0) {
                if (vertex != null) {
                    vertex[c] = 0.5 * (inLo[c] + inHi[c]);
                }
                continue;
            }
            boolean takeHi = upper == (lam > 0);
            double x = takeHi ? inHi[c] : inLo[c];
            double p = lam * x;
            sum += p;
            mag += Math.abs(lam) * Math.max(Math.abs(inLo[c]), Math.abs(inHi[c]));
            if (vertex != null) {
                vertex[c] = x;
            }
            lambda[c] = 0.0;
        }
        int n = (int) Math.min(Integer.MAX_VALUE / 2, terms + inputs + 1);
        double slack = SymbolicPropagator.ROUNDING_SLACK * mag;
        double box = upper ? OutwardRounding.up(sum + slack, mag, n) : OutwardRounding.down(sum - slack, mag, n);
        if (constraints != null && (upper ? constrained < box : constrained > box)) {
            if (vertex != null) {
                double[] cv = ws.buffer(2, inputs);
                System.arraycopy(cv, 0, vertex, 0, inputs);
            }
            box = constrained;
        }
        if (constraints != null && vertex != null) {
            Arrays.fill(ws.buffer(2, inputs), 0, inputs, 0.0);
        }
        return box;
    }

    /** Tightens the bounds of the rows of {@code a} to the box ∩ ball (exact knapsack per row for L1, Lagrangian for L2). */
    void ballRows(AffineMap a, double[] lo, double[] hi, double[] l, double[] u) {
        double[] lam = new double[lo.length];
        double[] mag = new double[1];
        for (int r = 0; r < a.rows(); r++) {
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                lam[a.colIndex()[q]] += a.values()[q];
            }
            int terms = a.rowStart()[r + 1] - a.rowStart()[r] + 2;
            double b = a.bias()[r];
            double mn = ball.optimize(lam, lam.length, lo, hi, false, null, mag) + b;
            l[r] = Math.max(l[r], OutwardRounding.down(mn, mag[0] + Math.abs(b), terms));
            double mx = ball.optimize(lam, lam.length, lo, hi, true, null, mag) + b;
            u[r] = Math.min(u[r], OutwardRounding.up(mx, mag[0] + Math.abs(b), terms));
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                lam[a.colIndex()[q]] = 0.0;
            }
        }
    }

    /** Tightens the bounds of the rows of {@code a} to box ∩ input constraints (Lagrangian, see {@link InputConstraints}). */
    void constrainedRows(AffineMap a, double[] lo, double[] hi, double[] l, double[] u) {
        double[] lam = new double[lo.length];
        double[] mag = new double[1];
        for (int r = 0; r < a.rows(); r++) {
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                lam[a.colIndex()[q]] += a.values()[q];
            }
            int terms = lo.length + 2 + constraints.extraTerms();
            double b = a.bias()[r];
            double mn = constraints.optimize(lam, lam.length, lo, hi, false, null, mag);
            l[r] = Math.max(l[r], mn == Double.POSITIVE_INFINITY ? mn : OutwardRounding.down(mn + b, mag[0] + Math.abs(b), terms));
            double mx = constraints.optimize(lam, lam.length, lo, hi, true, null, mag);
            u[r] = Math.min(u[r], mx == Double.NEGATIVE_INFINITY ? mx : OutwardRounding.up(mx + b, mag[0] + Math.abs(b), terms));
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                lam[a.colIndex()[q]] = 0.0;
            }
        }
    }
}
