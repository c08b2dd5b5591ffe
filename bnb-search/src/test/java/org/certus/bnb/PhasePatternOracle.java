package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Brute force over every ReLU phase pattern of a small network: under a fixed pattern the network
 * is affine in the input, so each question is one LP over the inputs alone (built here from dense
 * matrices, independently of the code under test). Infeasible patterns are skipped.
 */
final class PhasePatternOracle {
    private PhasePatternOracle() {
    }

    /** Smallest over patterns and disjuncts of {@code min_x max_rows row(y(x))} over the box. */
    static double minMargin(ReluChain chain, double[] lo, double[] hi, List<AffineMap> disjuncts) {
        return enumerate(chain, lo, hi, disjuncts, null, null, null);
    }

    /** As {@link #minMargin} over the box points that satisfy {@code inputConstraints} (rows <= 0). */
    static double minMargin(ReluChain chain, double[] lo, double[] hi, List<AffineMap> disjuncts, AffineMap inputConstraints) {
        return enumerate(chain, lo, hi, disjuncts, null, null, inputConstraints);
    }

    /** Smallest distortion (in {@code norm}) from {@code center} of a box point satisfying some disjunct. */
    static double minDistortion(ReluChain chain, double[] lo, double[] hi, List<AffineMap> disjuncts, double[] center, Norm norm) {
        return enumerate(chain, lo, hi, disjuncts, center, norm, null);
    }

    private static double enumerate(ReluChain chain, double[] lo, double[] hi, List<AffineMap> disjuncts, double[] center, Norm norm,
                                    AffineMap inputConstraints) {
        double best = Double.POSITIVE_INFINITY;
        for (long pattern = 0; pattern < (1L << chain.reluCount()); pattern++) {
            for (AffineMap d : disjuncts) {
                best = Math.min(best, patternLp(chain, lo, hi, d, pattern, center, norm, inputConstraints));
            }
        }
        return best;
    }

    private static double patternLp(ReluChain chain, double[] lo, double[] hi, AffineMap disjunct, long pattern,
                                    double[] center, Norm norm, AffineMap inputConstraints) {
        int n = lo.length;
        int k = chain.reluLayerCount();
        double[][] m = new double[n][n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        ModelBuilder mb = new ModelBuilder();
        for (int i = 0; i < n; i++) {
            mb.addContinuous(lo[i], hi[i]);
        }
        int t = mb.addContinuous(-1e4, 1e4);
        int[] allX = new int[n];
        for (int i = 0; i < n; i++) {
            allX[i] = i;
        }
        if (inputConstraints != null) {
            double[] g = inputConstraints.toDense();
            for (int r = 0; r < inputConstraints.rows(); r++) {
                mb.addConstraint(Double.NEGATIVE_INFINITY, allX, Arrays.copyOfRange(g, r * n, (r + 1) * n), -inputConstraints.bias()[r]);
            }
        }
        boolean distortion = center != null;
        if (distortion) {
            // t is the distortion: |x_i - c_i| <= t (L-inf) or sum of d_i >= |x_i - c_i| <= t (L1).
            int[] dv = new int[n];
            for (int i = 0; i < n; i++) {
                if (norm == Norm.LINF) {
                    mb.addConstraint(-center[i], new int[] {t, i}, new double[] {1, -1}, Double.POSITIVE_INFINITY);
                    mb.addConstraint(center[i], new int[] {t, i}, new double[] {1, 1}, Double.POSITIVE_INFINITY);
                } else {
                    dv[i] = mb.addContinuous(0, 1e4);
                    mb.addConstraint(-center[i], new int[] {dv[i], i}, new double[] {1, -1}, Double.POSITIVE_INFINITY);
                    mb.addConstraint(center[i], new int[] {dv[i], i}, new double[] {1, 1}, Double.POSITIVE_INFINITY);
                }
            }
            if (norm == Norm.L1) {
                int[] idx = Arrays.copyOf(dv, n + 1);
                double[] coef = new double[n + 1];
                Arrays.fill(coef, 1);
                idx[n] = t;
                coef[n] = -1;
                mb.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, 0);
            }
        }
        int bit = 0;
        for (int j = 0; j <= k; j++) {
            AffineMap a = chain.affine(j);
            double[] dense = a.toDense();
            int rows = a.rows();
            double[][] zm = new double[rows][n];
            double[] zc = new double[rows];
            for (int r = 0; r < rows; r++) {
                zc[r] = a.bias()[r];
                for (int q = 0; q < a.cols(); q++) {
                    double w = dense[r * a.cols() + q];
                    zc[r] += w * c[q];
                    for (int x = 0; x < n; x++) {
                        zm[r][x] += w * m[q][x];
                    }
                }
            }
            if (j == k) {
                double[] dd = disjunct.toDense();
                for (int r = 0; r < disjunct.rows(); r++) {
                    double[] coef = new double[n + 1];
                    double cst = disjunct.bias()[r];
                    for (int o = 0; o < rows; o++) {
                        double w = dd[r * rows + o];
                        cst += w * zc[o];
                        for (int x = 0; x < n; x++) {
                            coef[x] += w * zm[o][x];
                        }
                    }
                    int[] idx = Arrays.copyOf(allX, n + 1);
                    idx[n] = t;
                    // margin: row - t <= 0; distortion: row <= 0 (t is the distance)
                    coef[n] = distortion ? 0 : -1;
                    mb.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, -cst);
                }
                break;
            }
            for (int r = 0; r < rows; r++) {
                boolean active = ((pattern >> bit++) & 1) == 1;
                if (active) {
                    mb.addConstraint(-zc[r], allX, zm[r], Double.POSITIVE_INFINITY);
                } else {
                    mb.addConstraint(Double.NEGATIVE_INFINITY, allX, zm[r], -zc[r]);
                    zm[r] = new double[n];
                    zc[r] = 0;
                }
            }
            m = zm;
            c = zc;
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
