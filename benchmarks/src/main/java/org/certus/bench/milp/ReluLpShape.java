package org.certus.bench.milp;

import java.util.Random;

import org.certus.milp.Model;
import org.certus.milp.ModelBuilder;
import org.certus.milp.Sense;

/**
 * Generates a ReLU-network-shaped LP for benchmarks: input box, z = Wx + b per layer, and the triangle
 * relaxation y >= z, y >= 0, y <= u(z - l)/(u - l) for unstable units (stable units: y = z or y = 0).
 * Pre-activation bounds come from interval arithmetic; the bias is chosen per unit so that about the
 * requested fraction of units is unstable. Only plain variables and rows are built: milp-core knows
 * nothing about networks, this class is the benchmark's own stand-in.
 */
final class ReluLpShape {

    final Model model;
    /** Index of one unstable hidden unit's post-activation variable (a typical branching target). */
    final int someUnstableOutput;
    final double someUnstableLo;
    final double someUnstableHi;

    ReluLpShape(long seed, int[] widths, double eps, double unstableFraction) {
        Random rnd = new Random(seed);
        ModelBuilder b = new ModelBuilder();
        int[] prev = new int[widths[0]];
        double[] pl = new double[widths[0]];
        double[] pu = new double[widths[0]];
        for (int j = 0; j < widths[0]; j++) {
            double c = rnd.nextDouble();
            pl[j] = Math.max(0, c - eps);
            pu[j] = Math.min(1, c + eps);
            prev[j] = b.addContinuous(pl[j], pu[j]);
        }
        int unstable = -1;
        double uLo = 0;
        double uHi = 0;
        for (int layer = 1; layer < widths.length; layer++) {
            boolean last = layer == widths.length - 1;
            int w = widths[layer];
            int[] next = new int[w];
            double[] nl = new double[w];
            double[] nu = new double[w];
            int fan = prev.length;
            for (int k = 0; k < w; k++) {
                int[] idx = new int[fan + 1];
                double[] coef = new double[fan + 1];
                double lo = 0;
                double hi = 0;
                double mid = 0;
                for (int j = 0; j < fan; j++) {
                    double a = rnd.nextGaussian() / Math.sqrt(fan);
                    idx[j] = prev[j];
                    coef[j] = a;
                    lo += a > 0 ? a * pl[j] : a * pu[j];
                    hi += a > 0 ? a * pu[j] : a * pl[j];
                    mid += a * 0.5 * (pl[j] + pu[j]);
                }
                // Bias: centre the interval on 0 for an unstable unit, shift it away otherwise.
                double half = 0.5 * (hi - lo);
                double bias = rnd.nextDouble() < unstableFraction ? -(lo + half) + (rnd.nextDouble() - 0.5) * half
                        : -(lo + half) + (rnd.nextBoolean() ? 1 : -1) * (1.2 * half + 0.1);
                lo += bias;
                hi += bias;
                int z = b.addContinuous(lo, hi);
                idx[fan] = z;
                coef[fan] = -1;
                b.addConstraint(-bias, idx, coef, -bias); // W x - z = -b
                if (last) {
                    next[k] = z;
                    nl[k] = lo;
                    nu[k] = hi;
                    continue;
                }
                if (lo >= 0) {
                    next[k] = z;
                    nl[k] = lo;
                    nu[k] = hi;
                } else if (hi <= 0) {
                    next[k] = b.addContinuous(0, 0);
                } else {
                    int y = b.addContinuous(0, hi);
                    b.addConstraint(0, new int[] {y, z}, new double[] {1, -1}, Double.POSITIVE_INFINITY);
                    double s = hi / (hi - lo);
                    b.addConstraint(Double.NEGATIVE_INFINITY, new int[] {y, z}, new double[] {1, -s}, -s * lo);
                    next[k] = y;
                    nl[k] = 0;
                    nu[k] = hi;
                    if (unstable < 0 && layer == widths.length - 2) {
                        unstable = y;
                        uLo = 0;
                        uHi = hi;
                    }
                }
            }
            prev = next;
            pl = nl;
            pu = nu;
        }
        // Objective: a margin between two outputs, as in a robustness query.
        b.setObjective(Sense.MINIMIZE, new int[] {prev[0], prev[1]}, new double[] {1, -1}, 0);
        this.model = b.build();
        this.someUnstableOutput = unstable;
        this.someUnstableLo = uLo;
        this.someUnstableHi = uHi;
    }
}
