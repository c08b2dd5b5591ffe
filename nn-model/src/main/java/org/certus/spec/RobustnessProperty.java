package org.certus.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MIPVerify's robustness questions as properties: an input region around a sample (an L∞ ball
 * intersected with the input domain) and MIPVerify's target selection. An adversarial example
 * exists iff some input of the region makes some target logit at least every non-target logit plus
 * the margin: {@code ∃ t ∈ targets: ∀ j ∉ targets: y_t ≥ y_j + margin}.
 */
public final class RobustnessProperty {
    private RobustnessProperty() {
    }

    /** Every label except {@code label} (MIPVerify's default, untargeted attack). */
    public static int[] untargeted(int label, int classes) {
        int[] t = new int[classes - 1];
        for (int c = 0, k = 0; c < classes; c++) {
            if (c != label) {
                t[k++] = c;
            }
        }
        return t;
    }

    /** The complement of a target set (MIPVerify's {@code invert_target_selection}). */
    public static int[] invert(int[] targets, int classes) {
        boolean[] in = new boolean[classes];
        for (int t : targets) {
            in[t] = true;
        }
        int n = 0;
        for (boolean b : in) {
            if (!b) {
                n++;
            }
        }
        int[] r = new int[n];
        for (int c = 0, k = 0; c < classes; c++) {
            if (!in[c]) {
                r[k++] = c;
            }
        }
        return r;
    }

    /**
     * The L∞ ball of radius {@code eps} around {@code x}, clipped to {@code [domainLower, domainUpper]}.
     */
    public static InputBox linfBall(double[] x, double eps, double[] domainLower, double[] domainUpper) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new SpecException("epsilon must be a finite number >= 0, got " + eps);
        }
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = Math.max(domainLower[i], x[i] - eps);
            hi[i] = Math.min(domainUpper[i], x[i] + eps);
            if (lo[i] > hi[i]) {
                throw new SpecException("input element " + i + " (" + x[i] + ") lies outside the input domain ["
                        + domainLower[i] + ", " + domainUpper[i] + "]");
            }
        }
        return new InputBox(lo, hi);
    }

    /** The unsafe output condition for the given targets over {@code classes} outputs. */
    public static OutputCondition targetCondition(int[] targets, int classes, double margin) {
        if (targets.length == 0) {
            throw new SpecException("the target set is empty");
        }
        boolean[] isTarget = new boolean[classes];
        for (int t : targets) {
            if (t < 0 || t >= classes) {
                throw new SpecException("target label " + t + " is out of range 0.." + (classes - 1));
            }
            isTarget[t] = true;
        }
        if (Arrays.equals(isTarget, allTrue(classes))) {
            throw new SpecException("every label is a target: nothing to compare against");
        }
        List<Conjunction> disjuncts = new ArrayList<>();
        for (int t : targets) {
            List<LinearConstraint> rows = new ArrayList<>();
            for (int j = 0; j < classes; j++) {
                if (isTarget[j]) {
                    continue;
                }
                // y_j - y_t <= -margin
                double[] c = new double[classes];
                c[j] = 1;
                c[t] = -1;
                rows.add(new LinearConstraint(c, -margin));
            }
            disjuncts.add(new Conjunction(rows));
        }
        return new OutputCondition(disjuncts);
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    /** The whole robustness property for one region and target set. */
    public static VnnlibProperty of(InputBox region, int[] targets, int classes, double margin) {
        return new VnnlibProperty(List.of(new VnnlibProperty.Case(region, targetCondition(targets, classes, margin))));
    }
}
