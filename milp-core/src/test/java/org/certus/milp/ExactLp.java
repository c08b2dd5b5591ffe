package org.certus.milp;

/**
 * Exact LP oracle for tiny models: enumerates every basic solution (n active constraints among rows
 * and bounds, solved with exact rational elimination), keeps the exactly feasible ones, and returns the
 * best objective. Requires all variable bounds finite (so the optimum, if any, is at a vertex).
 */
final class ExactLp {

    private ExactLp() {
    }

    /** Exact min of {@code c·x} over the model's rows and the given box; {@code null} if infeasible. */
    static Fraction minimum(Model m, double[] c, double[] lo, double[] hi) {
        int n = m.numVariables();
        int rows = m.numConstraints();
        // Candidate hyperplanes: each row side and each bound, as (coefficient vector, rhs).
        int cand = 2 * rows + 2 * n;
        Fraction[][] a = new Fraction[cand][];
        Fraction[] b = new Fraction[cand];
        int count = 0;
        for (int i = 0; i < rows; i++) {
            double[] dense = dense(m, i);
            for (double side : new double[] {m.constraintLower(i), m.constraintUpper(i)}) {
                if (Double.isFinite(side)) {
                    a[count] = fractions(dense);
                    b[count++] = Fraction.of(side);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            for (double side : new double[] {lo[j], hi[j]}) {
                double[] e = new double[n];
                e[j] = 1;
                a[count] = fractions(e);
                b[count++] = Fraction.of(side);
            }
        }
        Fraction best = null;
        int[] pick = new int[n];
        for (int k = 0; k < n; k++) {
            pick[k] = k;
        }
        if (count < n) {
            return null;
        }
        while (true) {
            Fraction[] x = solve(a, b, pick, n);
            if (x != null && feasible(m, x, lo, hi)) {
                Fraction v = Fraction.ZERO;
                for (int j = 0; j < n; j++) {
                    v = v.add(Fraction.of(c[j]).multiply(x[j]));
                }
                if (best == null || v.compareTo(best) < 0) {
                    best = v;
                }
            }
            int k = n - 1;
            while (k >= 0 && pick[k] == count - n + k) {
                k--;
            }
            if (k < 0) {
                return best;
            }
            pick[k]++;
            for (int t = k + 1; t < n; t++) {
                pick[t] = pick[t - 1] + 1;
            }
        }
    }

    /** Whether some point satisfies everything exactly (some vertex does when the polytope is non-empty). */
    static boolean feasible(Model m, double[] lo, double[] hi) {
        return minimum(m, new double[m.numVariables()], lo, hi) != null;
    }

    static boolean feasible(Model m, Fraction[] x, double[] lo, double[] hi) {
        int n = m.numVariables();
        for (int j = 0; j < n; j++) {
            if (x[j].compareTo(Fraction.of(lo[j])) < 0 || x[j].compareTo(Fraction.of(hi[j])) > 0) {
                return false;
            }
        }
        for (int i = 0; i < m.numConstraints(); i++) {
            Fraction act = Fraction.ZERO;
            for (int k = m.rowStart(i); k < m.rowEnd(i); k++) {
                act = act.add(Fraction.of(m.entryValue(k)).multiply(x[m.entryColumn(k)]));
            }
            double rl = m.constraintLower(i);
            double rh = m.constraintUpper(i);
            if (Double.isFinite(rl) && act.compareTo(Fraction.of(rl)) < 0) {
                return false;
            }
            if (Double.isFinite(rh) && act.compareTo(Fraction.of(rh)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static Fraction[] solve(Fraction[][] a, Fraction[] b, int[] pick, int n) {
        Fraction[][] mat = new Fraction[n][n + 1];
        for (int r = 0; r < n; r++) {
            System.arraycopy(a[pick[r]], 0, mat[r], 0, n);
            mat[r][n] = b[pick[r]];
        }
        for (int col = 0; col < n; col++) {
            int piv = -1;
            for (int r = col; r < n; r++) {
                if (mat[r][col].signum() != 0) {
                    piv = r;
                    break;
                }
            }
            if (piv < 0) {
                return null;
            }
            Fraction[] tmp = mat[col];
            mat[col] = mat[piv];
            mat[piv] = tmp;
            for (int r = 0; r < n; r++) {
                if (r != col && mat[r][col].signum() != 0) {
                    Fraction f = mat[r][col].divide(mat[col][col]);
                    for (int k = col; k <= n; k++) {
                        mat[r][k] = mat[r][k].subtract(f.multiply(mat[col][k]));
                    }
                }
            }
        }
        Fraction[] x = new Fraction[n];
        for (int r = 0; r < n; r++) {
            x[r] = mat[r][n].divide(mat[r][r]);
        }
        return x;
    }

    private static double[] dense(Model m, int i) {
        double[] d = new double[m.numVariables()];
        for (int k = m.rowStart(i); k < m.rowEnd(i); k++) {
            d[m.entryColumn(k)] = m.entryValue(k);
        }
        return d;
    }

    private static Fraction[] fractions(double[] d) {
        Fraction[] f = new Fraction[d.length];
        for (int k = 0; k < d.length; k++) {
            f[k] = Fraction.of(d[k]);
        }
        return f;
    }
}
