package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.Relu;
import org.certus.nn.Shape;

/**
 * Brute force over every phase pattern of a small network <em>graph</em>, independently of its lowering
 * to the verifier's normal form: each ReLU element is active or inactive, each MaxPool window has one
 * winning input. Under a pattern every value is affine in the input; an affine operation's affine
 * function is read off its exact forward pass ({@code g(c + M x) = g(c) + Σ_j (g(M e_j) − g(0)) x_j}),
 * so neither the operations' maps nor the lowering are trusted. Patterns are enumerated depth first,
 * each branch kept only while an LP over the inputs finds its constraints feasible; each complete
 * pattern is one more LP.
 */
final class GraphPatternOracle {
    private final Network net;
    private final double[] lo;
    private final double[] hi;
    private final int n;
    private final List<AffineMap> disjuncts;
    private final double[] center;
    private double best = Double.POSITIVE_INFINITY;
    /** Complete patterns solved (for tests that bound the work). */
    private long patterns;

    private GraphPatternOracle(Network net, double[] lo, double[] hi, List<AffineMap> disjuncts, double[] center) {
        this.net = net;
        this.lo = lo;
        this.hi = hi;
        this.n = lo.length;
        this.disjuncts = disjuncts;
        this.center = center;
    }

    /** Smallest over patterns and disjuncts of {@code min_x max_rows row(y(x))} over the box. */
    static double minMargin(Network net, double[] lo, double[] hi, List<AffineMap> disjuncts) {
        GraphPatternOracle o = new GraphPatternOracle(net, lo, hi, disjuncts, null);
        o.run();
        return o.best;
    }

    /** Smallest L∞ distance from {@code center} of a box point that satisfies some disjunct (∞: none). */
    static double minDistortionLinf(Network net, double[] lo, double[] hi, List<AffineMap> disjuncts, double[] center) {
        GraphPatternOracle o = new GraphPatternOracle(net, lo, hi, disjuncts, center);
        o.run();
        return o.best;
    }

    /** An affine function of the input per element: {@code coef[r][0..n-1]·x + coef[r][n]}. */
    private static double[][] identity(int n) {
        double[][] e = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1;
        }
        return e;
    }

    private void run() {
        double[][][] values = new double[net.nodeCount() + 1][][];
        values[0] = identity(n);
        dfs(values, 0, 0, new ArrayList<>(), null);
    }

    /**
     * Continues the pattern at node {@code node}, element {@code elem} (of a ReLU or MaxPool node whose
     * partial output is {@code partial}); {@code cons} are rows {@code a·x + b >= 0}.
     */
    private void dfs(double[][][] values, int node, int elem, List<double[]> cons, double[][] partial) {
        while (node < net.nodeCount()) {
            Network.Node nd = net.node(node);
            Operation op = nd.op();
            int[] in = nd.inputs();
            if (op instanceof Relu) {
                double[][] x = values[in[0]];
                double[][] out = partial != null ? partial : new double[x.length][];
                if (elem < x.length) {
                    double[] z = x[elem];
                    double[] neg = scale(z, -1);
                    // Active: z >= 0, output z. Inactive: z <= 0, output 0.
                    for (int phase = 0; phase < 2; phase++) {
                        List<double[]> c = new ArrayList<>(cons);
                        c.add(phase == 0 ? z : neg);
                        if (!feasible(c)) {
                            continue;
                        }
                        double[][] o = out.clone();
                        o[elem] = phase == 0 ? z.clone() : new double[n + 1];
                        dfs(values.clone(), node, elem + 1, c, o);
                    }
                    return;
                }
                values = values.clone();
                values[node + 1] = out;
            } else if (op instanceof MaxPool mp) {
                double[][] x = values[in[0]];
                int[][] windows = mp.windowIndices(net.valueShape(in[0]));
                double[][] out = partial != null ? partial : new double[windows.length][];
                if (elem < windows.length) {
                    int[] w = windows[elem];
                    for (int win : w) {
                        List<double[]> c = new ArrayList<>(cons);
                        for (int other : w) {
                            if (other != win) {
                                c.add(minus(x[win], x[other]));
                            }
                        }
                        if (w.length > 1 && !feasible(c)) {
                            continue;
                        }
                        double[][] o = out.clone();
                        o[elem] = x[win].clone();
                        dfs(values.clone(), node, elem + 1, c, o);
                    }
                    return;
                }
                values = values.clone();
                values[node + 1] = out;
            } else {
                values = values.clone();
                values[node + 1] = affineThrough(op, net.inputShapes(node), in, values);
            }
            node++;
            elem = 0;
            partial = null;
        }
        patterns++;
        double[][] y = values[net.nodeCount()];
        for (AffineMap d : disjuncts) {
            best = Math.min(best, leaf(y, d, cons));
        }
    }

    /** The affine function of an affine operation applied to affine functions, read off its forward pass. */
    private double[][] affineThrough(Operation op, List<Shape> shapes, int[] in, double[][][] values) {
        int k = in.length;
        double[][] zero = new double[k][];
        double[][] base = new double[k][];
        for (int t = 0; t < k; t++) {
            int size = values[in[t]].length;
            zero[t] = new double[size];
            base[t] = new double[size];
            for (int r = 0; r < size; r++) {
                base[t][r] = values[in[t]][r][n];
            }
        }
        int outSize = op.outputShape(shapes).size();
        double[] g0 = new double[outSize];
        op.forward(shapes, zero, g0);
        double[] gc = new double[outSize];
        op.forward(shapes, base, gc);
        double[][] out = new double[outSize][n + 1];
        for (int r = 0; r < outSize; r++) {
            out[r][n] = gc[r];
        }
        double[] g = new double[outSize];
        for (int j = 0; j < n; j++) {
            double[][] col = new double[k][];
            boolean any = false;
            for (int t = 0; t < k; t++) {
                int size = values[in[t]].length;
                col[t] = new double[size];
                for (int r = 0; r < size; r++) {
                    col[t][r] = values[in[t]][r][j];
                    any |= col[t][r] != 0;
                }
            }
            if (!any) {
                continue;
            }
            op.forward(shapes, col, g);
            for (int r = 0; r < outSize; r++) {
                out[r][j] = g[r] - g0[r];
            }
        }
        return out;
    }

    private static double[] scale(double[] a, double s) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = s * a[i];
        }
        return r;
    }

    private static double[] minus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private ModelBuilder box(List<double[]> cons) {
        ModelBuilder mb = new ModelBuilder();
        for (int i = 0; i < n; i++) {
            mb.addContinuous(lo[i], hi[i]);
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (double[] c : cons) {
            mb.addConstraint(-c[n], all, Arrays.copyOf(c, n), Double.POSITIVE_INFINITY);
        }
        return mb;
    }

    private boolean feasible(List<double[]> cons) {
        ModelBuilder mb = box(cons);
        mb.setObjective(Sense.MINIMIZE, new int[] {0}, new double[] {0}, 0);
        LpResult r = new OjAlgoLpSolver(mb.build()).solve();
        if (r.status() == LpStatus.INFEASIBLE) {
            return false;
        }
        assertEquals(LpStatus.OPTIMAL, r.status(), "oracle feasibility LP failed");
        return true;
    }

    /** Margin mode: min t with every row <= t; distortion mode: min t with |x − c| <= t and every row <= 0. */
    private double leaf(double[][] y, AffineMap disjunct, List<double[]> cons) {
        ModelBuilder mb = box(cons);
        int t = mb.addContinuous(-1e4, 1e4);
        int[] idx = new int[n + 1];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        idx[n] = t;
        if (center != null) {
            for (int i = 0; i < n; i++) {
                mb.addConstraint(-center[i], new int[] {t, i}, new double[] {1, -1}, Double.POSITIVE_INFINITY);
                mb.addConstraint(center[i], new int[] {t, i}, new double[] {1, 1}, Double.POSITIVE_INFINITY);
            }
        }
        double[] dd = disjunct.toDense();
        for (int r = 0; r < disjunct.rows(); r++) {
            double[] coef = new double[n + 1];
            double cst = disjunct.bias()[r];
            for (int o = 0; o < y.length; o++) {
                double w = dd[r * y.length + o];
                cst += w * y[o][n];
                for (int x = 0; x < n; x++) {
                    coef[x] += w * y[o][x];
                }
            }
            coef[n] = center != null ? 0 : -1;
            mb.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, -cst);
        }
        mb.setObjective(Sense.MINIMIZE, new int[] {t}, new double[] {1}, 0);
        LpResult r = new OjAlgoLpSolver(mb.build()).solve();
        if (r.status() == LpStatus.INFEASIBLE) {
            return Double.POSITIVE_INFINITY;
        }
        assertEquals(LpStatus.OPTIMAL, r.status(), "oracle LP failed");
        return r.objectiveValue();
    }
}
