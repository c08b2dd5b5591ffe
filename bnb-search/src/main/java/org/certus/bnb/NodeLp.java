package org.certus.bnb;

import org.certus.bounds.L1Ball;
import org.certus.bounds.L2Ball;
import org.certus.bounds.NormBall;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.Model;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.SafeLpBound;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * The LP of one node and one disjunct: {@code min t} subject to {@code row_r(y) <= t} over the
 * triangle relaxation of the network with the node's bounds, where every ReLU fixed by a split is
 * exact ({@code h = z, z >= 0} or {@code h = 0, z <= 0}). At a leaf (no unstable ReLU left) the
 * relaxation is exact, so the LP decides the node: that is what makes ReLU splitting complete (except
 * over an L2 ball, which the LP can only relax: there a leaf the LP cannot prove stays undecided).
 *
 * <p>Nothing the LP solver says is trusted as is: a positive optimum counts only through
 * {@link SafeLpBound} on the solver's duals (Neumaier &amp; Shcherbina), an "infeasible" only when a
 * slack version of the LP (always feasible; optimum = least total violation) has a certified
 * positive optimum, and a solution only as a candidate the caller re-checks exactly.
 */
final class NodeLp {
    /** Slack variables of the infeasibility check are bounded so that the certificate stays finite. */
    private static final double SLACK_BOUND = 1e6;

    /** Outcome of one node LP. */
    record Result(double certifiedLowerBound, double[] candidate) {
    }

    private NodeLp() {
    }

    /**
     * @param sound certify with {@link SafeLpBound}; otherwise trust the solver (fast mode). Rows are
     *              widened by the bounds' evaluation-error model whenever it is present.
     */
    static Result solve(ReluChain chain, double[] lo, double[] hi, NormBall ball, AffineMap inputConstraints, NetworkBounds bounds,
                        ReluSplits splits, AffineMap disjunct, boolean sound, long deadlineNanos) {
        long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0) {
            return new Result(Double.NEGATIVE_INFINITY, null);
        }
        Built main = build(chain, lo, hi, ball, inputConstraints, bounds, splits, disjunct, false);
        OjAlgoLpSolver solver = new OjAlgoLpSolver(main.model);
        solver.setTimeLimit(leftMs);
        LpResult r = solver.solve();
        if (!sound) {
            if (r.status() == LpStatus.INFEASIBLE) {
                return new Result(Double.POSITIVE_INFINITY, null);
            }
            if (r.status() == LpStatus.OPTIMAL) {
                double[] x = java.util.Arrays.copyOf(r.primal(), lo.length);
                return new Result(r.objectiveValue(), x);
            }
            return new Result(Double.NEGATIVE_INFINITY, null);
        }
        if (r.status() == LpStatus.OPTIMAL && r.hasDuals()) {
            double certified = SafeLpBound.lowerBound(main.model, main.objective, r.rowDuals());
            double[] x = new double[lo.length];
            System.arraycopy(r.primal(), 0, x, 0, x.length);
            return new Result(certified, x);
        }
        if (r.status() == LpStatus.INFEASIBLE) {
            Built aux = build(chain, lo, hi, ball, inputConstraints, bounds, splits, disjunct, true);
            OjAlgoLpSolver auxSolver = new OjAlgoLpSolver(aux.model);
            auxSolver.setTimeLimit(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            LpResult ra = auxSolver.solve();
            if (ra.status() == LpStatus.OPTIMAL && ra.hasDuals()) {
                double certified = SafeLpBound.lowerBound(aux.model, aux.objective, ra.rowDuals());
                if (certified > 0) {
                    return new Result(Double.POSITIVE_INFINITY, null);
                }
            }
        }
        return new Result(Double.NEGATIVE_INFINITY, null);
    }

    private record Built(Model model, double[] objective) {
    }

    /**
     * Variables: inputs, then one per non-inactive ReLU, then t (last), then (with slacks) two per
     * row. Rows with slacks become {@code lo <= a·v + s⁺ − s⁻ <= hi} and the objective is the total
     * slack, whose optimum is positive exactly when the rows are inconsistent with the bounds.
     */
    private static Built build(ReluChain chain, double[] lo, double[] hi, NormBall ball, AffineMap inputConstraints, NetworkBounds b,
                               ReluSplits splits, AffineMap disjunct, boolean slacks) {
        RowSink sink = new RowSink(slacks);
        ModelBuilder mb = sink.mb;
        int[] prevVar = new int[lo.length];
        for (int i = 0; i < lo.length; i++) {
            prevVar[i] = mb.addContinuous(lo[i], hi[i]);
        }
        if (inputConstraints != null) {
            for (int r = 0; r < inputConstraints.rows(); r++) {
                Expr e = Expr.of(inputConstraints, r, prevVar);
                sink.add(Double.NEGATIVE_INFINITY, e.idx, e.coef, -e.constant);
            }
        }
        // The LP holds an L1 ball exactly. An L2 ball is not linear: it is relaxed to the L1 ball of
        // radius √n·r (‖d‖₁ <= √n‖d‖₂) within the box, which the caller has already cut to c ± r. The
        // LP then bounds a superset of the region (sound, but a leaf may stay undecided) and its
        // solution is only a candidate, projected and re-checked in the true region by the caller.
        double l1Radius = Double.NaN;
        if (ball instanceof L1Ball l1) {
            l1Radius = l1.radius();
        } else if (ball instanceof L2Ball l2) {
            l1Radius = Math.nextUp(Math.nextUp(Math.sqrt(lo.length)) * l2.radius());
        }
        if (ball != null) {
            // d_i >= |x_i - c_i|, sum d_i <= r
            int[] dv = new int[lo.length];
            double[] ones = new double[lo.length];
            for (int i = 0; i < lo.length; i++) {
                double c = ball.center()[i];
                dv[i] = mb.addContinuous(0.0, Math.max(hi[i] - c, c - lo[i]));
                ones[i] = 1.0;
                sink.add(-c, new int[] {dv[i], prevVar[i]}, new double[] {1.0, -1.0}, Double.POSITIVE_INFINITY);
                sink.add(c, new int[] {dv[i], prevVar[i]}, new double[] {1.0, 1.0}, Double.POSITIVE_INFINITY);
            }
            sink.add(Double.NEGATIVE_INFINITY, dv, ones, l1Radius);
        }
        int k = chain.reluLayerCount();
        for (int j = 0; j < k; j++) {
            AffineMap a = chain.affine(j);
            double[] l = b.lower(j), u = b.upper(j);
            // Evaluated z differs from A h + b by at most e (null: real arithmetic only).
            double[] err = b.evaluationError(j);
            int[] var = new int[a.rows()];
            for (int n = 0; n < a.rows(); n++) {
                var[n] = -1;
                Expr z = Expr.of(a, n, prevVar);
                byte phase = splits.raw(j, n);
                double e = err == null ? 0.0 : err[n];
                if (u[n] <= 0) {
                    if (phase < 0) {
                        sink.add(Double.NEGATIVE_INFINITY, z.idx, z.coef, -z.constant + e); // z <= 0
                    }
                } else if (l[n] >= 0) {
                    int h = mb.addContinuous(l[n], u[n]);
                    var[n] = h;
                    // h - z = 0 (within the evaluation error)
                    sink.add(z.constant - e, z.withVariable(h, 1.0).idx, negateExcept(z.withVariable(h, 1.0)), z.constant + e);
                } else {
                    int h = mb.addContinuous(0.0, u[n]);
                    var[n] = h;
                    Expr hz = z.withVariable(h, 1.0);
                    // h - z >= 0  <=>  h - a·v >= c
                    sink.add(z.constant - e, hz.idx, negateExcept(hz), Double.POSITIVE_INFINITY);
                    // h <= s (z - l)  <=>  h - s a·v <= s (c - l)
                    double s = u[n] / (u[n] - l[n]);
                    double[] coef = negateExcept(hz);
                    for (int q = 0; q < coef.length - 1; q++) {
                        coef[q] *= s;
                    }
                    sink.add(Double.NEGATIVE_INFINITY, hz.idx, coef, s * (z.constant + e - l[n]));
                }
            }
            prevVar = var;
        }
        AffineMap rows = chain.affine(k).then(disjunct);
        double tLo = Double.NEGATIVE_INFINITY, tHi = Double.NEGATIVE_INFINITY;
        double[] outLo = b.lower(k), outHi = b.upper(k);
        for (int r = 0; r < disjunct.rows(); r++) {
            double rl = disjunct.bias()[r], rh = disjunct.bias()[r];
            for (int q = disjunct.rowStart()[r]; q < disjunct.rowStart()[r + 1]; q++) {
                double w = disjunct.values()[q];
                int c = disjunct.colIndex()[q];
                rl += Math.min(w * outLo[c], w * outHi[c]);
                rh += Math.max(w * outLo[c], w * outHi[c]);
            }
            tLo = Math.max(tLo, rl);
            tHi = Math.max(tHi, rh);
        }
        // t's bounds are implied (t >= max_r row_r >= max_r lower(row_r)); finite so certificates stay finite.
        int t = mb.addContinuous(Math.nextDown(tLo - 1 - Math.abs(tLo)), Math.nextUp(tHi + 1 + Math.abs(tHi)));
        double[] outErr = b.evaluationError(k);
        for (int r = 0; r < rows.rows(); r++) {
            Expr e = Expr.of(rows, r, prevVar).withVariable(t, -1.0);
            double slack = 0;
            if (outErr != null) {
                for (int q = disjunct.rowStart()[r]; q < disjunct.rowStart()[r + 1]; q++) {
                    slack += Math.abs(disjunct.values()[q]) * outErr[disjunct.colIndex()[q]];
                }
                slack = Math.nextUp(slack * (1 + 1e-12));
            }
            // row_r - t <= 0, with the outputs' evaluation error
            sink.add(Double.NEGATIVE_INFINITY, e.idx, e.coef, -e.constant + slack);
        }
        double[] objective;
        if (slacks) {
            sink.finishSlacks();
            objective = sink.slackObjective();
            int[] idx = new int[sink.slackVars.size()];
            double[] coef = new double[idx.length];
            for (int q = 0; q < idx.length; q++) {
                idx[q] = sink.slackVars.get(q);
                coef[q] = 1.0;
            }
            mb.setObjective(Sense.MINIMIZE, idx, coef, 0.0);
        } else {
            mb.setObjective(Sense.MINIMIZE, new int[] {t}, new double[] {1.0}, 0.0);
            objective = null;
        }
        Model m = mb.build();
        if (objective == null) {
            objective = new double[m.numVariables()];
            objective[t] = 1.0;
        } else {
            objective = java.util.Arrays.copyOf(objective, m.numVariables());
        }
        return new Built(m, objective);
    }

    /** Coefficients of {@code h − a·v} from an expression {@code a·v + c} extended by {@code h}. */
    private static double[] negateExcept(Expr withH) {
        double[] c = withH.coef.clone();
        for (int q = 0; q < c.length - 1; q++) {
            c[q] = -c[q];
        }
        return c;
    }

    /** A sparse affine expression over LP variables; inactive inputs (variable −1) are dropped. */
    private static final class Expr {
        final int[] idx;
        final double[] coef;
        final double constant;

        Expr(int[] idx, double[] coef, double constant) {
            this.idx = idx;
            this.coef = coef;
            this.constant = constant;
        }

        static Expr of(AffineMap a, int row, int[] varOf) {
            int s = a.rowStart()[row], e = a.rowStart()[row + 1];
            int n = 0;
            for (int q = s; q < e; q++) {
                if (varOf[a.colIndex()[q]] >= 0) {
                    n++;
                }
            }
            int[] idx = new int[n];
            double[] coef = new double[n];
            int k = 0;
            for (int q = s; q < e; q++) {
                int v = varOf[a.colIndex()[q]];
                if (v >= 0) {
                    idx[k] = v;
                    coef[k] = a.values()[q];
                    k++;
                }
            }
            return new Expr(idx, coef, a.bias()[row]);
        }

        /** This expression with one more variable appended last. */
        Expr withVariable(int v, double c) {
            int[] i2 = java.util.Arrays.copyOf(idx, idx.length + 1);
            double[] c2 = java.util.Arrays.copyOf(coef, coef.length + 1);
            i2[idx.length] = v;
            c2[coef.length] = c;
            return new Expr(i2, c2, constant);
        }
    }

    /** Collects rows; with slacks, adds {@code s⁺ − s⁻} to every row once all variables exist. */
    private static final class RowSink {
        final ModelBuilder mb = new ModelBuilder();
        final boolean slacks;
        final java.util.List<Object[]> pending = new java.util.ArrayList<>();
        final org.eclipse.collections.impl.list.mutable.primitive.IntArrayList slackVars =
                new org.eclipse.collections.impl.list.mutable.primitive.IntArrayList();

        RowSink(boolean slacks) {
            this.slacks = slacks;
        }

        void add(double lo, int[] idx, double[] coef, double hi) {
            if (slacks) {
                pending.add(new Object[] {lo, idx, coef, hi});
            } else {
                mb.addConstraint(lo, idx, coef, hi);
            }
        }

        void finishSlacks() {
            for (Object[] p : pending) {
                int[] idx = (int[]) p[1];
                double[] coef = (double[]) p[2];
                int sp = mb.addContinuous(0.0, SLACK_BOUND);
                int sm = mb.addContinuous(0.0, SLACK_BOUND);
                slackVars.add(sp);
                slackVars.add(sm);
                int[] i2 = java.util.Arrays.copyOf(idx, idx.length + 2);
                double[] c2 = java.util.Arrays.copyOf(coef, coef.length + 2);
                i2[idx.length] = sp;
                c2[coef.length] = 1.0;
                i2[idx.length + 1] = sm;
                c2[coef.length + 1] = -1.0;
                mb.addConstraint((double) p[0], i2, c2, (double) p[3]);
            }
        }

        double[] slackObjective() {
            double[] o = new double[mb.numVariables()];
            for (int q = 0; q < slackVars.size(); q++) {
                o[slackVars.get(q)] = 1.0;
            }
            return o;
        }
    }
}
