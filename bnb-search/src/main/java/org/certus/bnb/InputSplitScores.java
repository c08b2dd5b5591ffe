package org.certus.bnb;

import org.certus.bounds.NetworkBounds;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Which input dimension to bisect. The objective's lower bound is a linear function of the input
 * plus the gaps that the unstable ReLUs' relaxations open; splitting dimension i shrinks the first
 * part by about {@code |c_i|·w_i} and shrinks the gap of every unstable ReLU that depends on x_i.
 * Scoring the linear part alone (the "sensitivity × width" heuristic) fails where a relaxation with
 * slope 0 hides an input's influence in the constant: then that input's coefficient is near zero, it
 * is never split, and the search bisects the other inputs forever without the bound improving
 * (measured on ACAS Xu prop_1, network 2_2: one input was narrowed to 1e-4 of its range while
 * another stayed at half of it). So each ReLU's gap (BaBSR's estimate, from
 * {@link org.certus.bounds.SymbolicPropagator#minimize}) is shared among the inputs in proportion
 * to how strongly the ReLU depends on them over the box: {@code |W|}-products along the paths
 * through ReLUs that are not off, times the input widths.
 *
 * <p>A heuristic only: every choice keeps the search complete and sound.
 */
final class InputSplitScores {
    private InputSplitScores() {
    }

    /**
     * Adds to {@code scores[i]} the share of every unstable ReLU's gap attributed to input i.
     *
     * @param reluScores per ReLU layer and neuron, the gap its relaxation opens in the objective
     */
    static void addRelaxationGaps(ReluChain chain, NetworkBounds bounds, double[] lo, double[] hi, double[][] reluScores,
                                  double[] scores) {
        int d = lo.length;
        double[] width = new double[d];
        for (int i = 0; i < d; i++) {
            width[i] = hi[i] - lo[i];
        }
        // dep[n * d + i]: how much neuron n of the current layer moves with input i over the box.
        double[] dep = null;
        for (int j = 0; j < chain.reluLayerCount(); j++) {
            AffineMap a = chain.affine(j);
            int rows = a.rows();
            int[] start = a.rowStart();
            int[] col = a.colIndex();
            double[] val = a.values();
            double[] next = new double[rows * d];
            double[] pl = j == 0 ? null : bounds.lower(j - 1);
            double[] pu = j == 0 ? null : bounds.upper(j - 1);
            for (int n = 0; n < rows; n++) {
                int o = n * d;
                for (int q = start[n]; q < start[n + 1]; q++) {
                    int m = col[q];
                    double w = Math.abs(val[q]);
                    if (j == 0) {
                        next[o + m] += w * width[m];
                    } else if (pu[m] > 0) {
                        // An inactive ReLU passes nothing on; an active or unstable one passes its input on.
                        int mo = m * d;
                        for (int i = 0; i < d; i++) {
                            next[o + i] += w * dep[mo + i];
                        }
                    }
                }
            }
            dep = next;
            double[] l = bounds.lower(j), u = bounds.upper(j);
            double[] g = reluScores[j];
            for (int n = 0; n < rows; n++) {
                if (!(l[n] < 0 && u[n] > 0) || !(g[n] > 0)) {
                    continue;
                }
                int o = n * d;
                double total = 0;
                for (int i = 0; i < d; i++) {
                    total += dep[o + i];
                }
                if (total > 0) {
                    double share = g[n] / total;
                    for (int i = 0; i < d; i++) {
                        scores[i] += share * dep[o + i];
                    }
                }
            }
        }
    }
}
