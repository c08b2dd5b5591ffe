package org.certus.encode;

import org.certus.nn.OutwardRounding;
import java.util.ArrayList;
import java.util.List;
import org.certus.bounds.NetworkBounds;
import org.certus.milp.ModelBuilder;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.certus.spec.Conjunction;
import org.certus.spec.LinearConstraint;
import org.certus.spec.OutputCondition;

/**
 * MIPVerify's MILP encoding of a ReLU network over an input box (Tjeng, Xiao, Tedrake 2019, §4).
 *
 * <p>Per ReLU, from its pre-activation bounds {@code [l, u]}: stable inactive ({@code u <= 0}) is
 * the constant 0 and gets no variable; stable active ({@code l >= 0}) is {@code h = z}, substituted
 * as a linear expression; unstable gets {@code h ∈ [0, u]} and a binary {@code a} with
 * {@code h >= z}, {@code h <= u·a}, {@code h <= z − l(1 − a)}. Pre-activations {@code z} are never
 * variables: they are expressions over the previous layer's variables, which keeps the model to one
 * continuous and one binary variable per unstable ReLU.
 *
 * <p>Soundness: the big-M constraints are exact for every {@code z ∈ [l, u]}, so the bounds must be
 * sound (as the propagators' outward-rounded ones are); a looser bound only weakens the relaxation.
 * Big-M constants of the output condition are computed from the output bounds and widened by
 * {@link #BIG_M_SLACK} so that rounding in their computation cannot cut off a feasible point.
 */
public final class MilpEncoder {
    /**
     * A stable-active neuron whose substituted expression would have more terms than this gets its own
     * variable and an equality row instead: substitution through several layers can otherwise densify
     * the model far beyond the network's own nonzeros.
     */
    public static final int SUBSTITUTION_LIMIT = 4096;

    /** Relative widening of every big-M constant (plus the same absolute amount). */
    static final double BIG_M_SLACK = 1e-9;

    private MilpEncoder() {
    }

    /**
     * Encodes "some input of the box makes the output satisfy {@code unsafe}" with the given objective.
     *
     * @param bounds sound pre-activation bounds for the box (and output bounds at index k)
     * @param center the point {@code x0} for {@link EncodingObjective#CLOSEST}; may be null otherwise
     */
    public static MilpEncoding encode(ReluChain chain, double[] inputLower, double[] inputUpper, NetworkBounds bounds,
                                      OutputCondition unsafe, EncodingObjective objective, double[] center) {
        int k = chain.reluLayerCount();
        checkBox(chain, inputLower, inputUpper);
        if (bounds.layerCount() != k + 1) {
            throw new EncodingException("bounds cover " + bounds.layerCount() + " layers, the network has " + (k + 1));
        }
        if (unsafe.outputCount() != chain.outputSize()) {
            throw new EncodingException("output condition is over " + unsafe.outputCount() + " outputs, the network has "
                    + chain.outputSize());
        }
        if (objective == EncodingObjective.CLOSEST && (center == null || center.length != chain.inputSize())) {
            throw new EncodingException("the closest objective needs a centre point of " + chain.inputSize() + " values");
        }
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        for (int i = 0; i <= k; i++) {
            lo[i] = bounds.lower(i);
            hi[i] = bounds.upper(i);
            if (lo[i].length != chain.affine(i).rows() || hi[i].length != lo[i].length) {
                throw new EncodingException("bounds of layer " + i + " have " + lo[i].length + " values, expected "
                        + chain.affine(i).rows());
            }
        }
        Builder b = new Builder(chain, inputLower, inputUpper, lo, hi, null);
        b.encodeLayers(k);
        LinearExpression[] outputs = b.preActivations(k, null);
        return b.finish(outputs, lo[k], hi[k], unsafe, objective, center);
    }

    /**
     * Encodes ReLU layers {@code 0 … m−1} and returns layer m's pre-activations of {@code rows}. Only
     * the neurons these rows depend on are encoded (a stable-inactive neuron cuts the dependency).
     * {@code lower}/{@code upper} need entries for layers {@code 0 … m−1} only.
     */
    public static PreActivationModel preActivations(ReluChain chain, double[] inputLower, double[] inputUpper,
                                                    double[][] lower, double[][] upper, int m, int[] rows) {
        return preActivations(chain, inputLower, inputUpper, lower, upper, null, m, rows);
    }

    /**
     * As {@link #preActivations(ReluChain, double[], double[], double[][], double[][], int, int[])}, for
     * bounds that must also contain floating-point evaluations of the network: {@code evaluationError[i][j]}
     * bounds how far an evaluated pre-activation of layer i can be from the exact affine map of the
     * evaluated previous layer (as {@link NetworkBounds#evaluationError(int)} gives it; null = real
     * arithmetic). Every ReLU row is then widened by the neuron's error, so the evaluated activations
     * are a feasible point of the model. A stable-active neuron substituted as its expression carries its
     * error on to the neurons that read it (its coefficient's magnitude times the error, added to theirs);
     * {@link PreActivationModel#evaluationErrors()} gives the total for each returned pre-activation,
     * which the caller must add to any bound on it.
     */
    public static PreActivationModel preActivations(ReluChain chain, double[] inputLower, double[] inputUpper,
                                                    double[][] lower, double[][] upper, double[][] evaluationError,
                                                    int m, int[] rows) {
        checkBox(chain, inputLower, inputUpper);
        if (m < 0 || m > chain.reluLayerCount()) {
            throw new EncodingException("layer " + m + " out of range 0.." + chain.reluLayerCount());
        }
        boolean[][] needed = new boolean[m + 1][];
        needed[m] = new boolean[chain.affine(m).rows()];
        for (int r : rows) {
            needed[m][r] = true;
        }
        for (int i = m; i >= 1; i--) {
            AffineMap a = chain.affine(i);
            boolean[] prev = new boolean[a.cols()];
            for (int r = 0; r < a.rows(); r++) {
                if (!needed[i][r] || (i < m && upper[i][r] <= 0)) {
                    continue;
                }
                for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                    prev[a.colIndex()[q]] = true;
                }
            }
            needed[i - 1] = prev;
        }
        Builder b = new Builder(chain, inputLower, inputUpper, lower, upper, needed);
        b.err = evaluationError;
        b.encodeLayers(m);
        LinearExpression[] z = b.preActivations(m, rows);
        double[] errors = new double[z.length];
        if (evaluationError != null) {
            for (int t = 0; t < z.length; t++) {
                errors[t] = b.effectiveError(m, rows[t]);
            }
        }
        return new PreActivationModel(b.mb.build(), m, rows.clone(), z, List.copyOf(b.indicators), errors,
                List.copyOf(b.unstable));
    }

    private static void checkBox(ReluChain chain, double[] lo, double[] hi) {
        if (lo.length != chain.inputSize() || hi.length != chain.inputSize()) {
            throw new EncodingException("input box has " + lo.length + "/" + hi.length + " values, network '"
                    + chain.network().name() + "' has " + chain.inputSize() + " inputs");
        }
        for (int i = 0; i < lo.length; i++) {
            if (!(lo[i] <= hi[i]) || Double.isInfinite(lo[i]) || Double.isInfinite(hi[i])) {
                throw new EncodingException("input box element " + i + " is empty, infinite or NaN: [" + lo[i] + ", "
                        + hi[i] + "]");
            }
        }
    }

    static double widen(double m) {
        return m + Math.abs(m) * BIG_M_SLACK + BIG_M_SLACK;
    }

    /** Upper bound of {@code c·y} over the output box, widened. */
    static double maxOver(double[] c, double[] yLo, double[] yHi) {
        double s = 0;
        double mag = 0;
        for (int o = 0; o < c.length; o++) {
            double t = c[o] > 0 ? c[o] * yHi[o] : c[o] * yLo[o];
            s += t;
            mag += Math.abs(t);
        }
        return s + mag * BIG_M_SLACK + BIG_M_SLACK;
    }

    /** Lower bound of {@code c·y} over the output box, widened. */
    static double minOver(double[] c, double[] yLo, double[] yHi) {
        double s = 0;
        double mag = 0;
        for (int o = 0; o < c.length; o++) {
            double t = c[o] > 0 ? c[o] * yLo[o] : c[o] * yHi[o];
            s += t;
            mag += Math.abs(t);
        }
        return s - mag * BIG_M_SLACK - BIG_M_SLACK;
    }

    /** One encoding in progress. */
    private static final class Builder {
        final ReluChain chain;
        final double[] inLo;
        final double[] inHi;
        final double[][] lo;
        final double[][] hi;
        final boolean[][] needed;
        final ModelBuilder mb = new ModelBuilder();
        final ExpressionAccumulator acc = new ExpressionAccumulator();
        final List<PhaseIndicator> indicators = new ArrayList<>();
        final List<EncodedRelu> unstable = new ArrayList<>();
        final int[] inputVars;
        /** Post-activation expressions of the last encoded layer (the input for none). */
        LinearExpression[] post;
        /** Evaluation-error model (null: real arithmetic), see {@link MilpEncoder#preActivations}. */
        double[][] err;
        /**
         * Per post-activation expression of the last encoded layer: how far the evaluated activation can
         * be from the expression (non-zero only for substituted stable-active neurons).
         */
        double[] postErr;

        Builder(ReluChain chain, double[] inLo, double[] inHi, double[][] lo, double[][] hi, boolean[][] needed) {
            this.chain = chain;
            this.inLo = inLo;
            this.inHi = inHi;
            this.lo = lo;
            this.hi = hi;
            this.needed = needed;
            inputVars = new int[chain.inputSize()];
            post = new LinearExpression[chain.inputSize()];
            for (int i = 0; i < inputVars.length; i++) {
                inputVars[i] = mb.addContinuous(inLo[i], inHi[i], "x_" + i);
                post[i] = LinearExpression.variable(inputVars[i]);
            }
        }

        void encodeLayers(int count) {
            for (int i = 0; i < count; i++) {
                LinearExpression[] z = preActivations(i, null);
                LinearExpression[] h = new LinearExpression[z.length];
                double[] hErr = err == null ? null : new double[z.length];
                for (int j = 0; j < z.length; j++) {
                    if (z[j] == null) {
                        h[j] = LinearExpression.ZERO;
                        continue;
                    }
                    double e = err == null ? 0.0 : effectiveError(i, j);
                    h[j] = relu(i, j, z[j], e);
                    if (hErr != null && lo[i][j] >= 0 && h[j] == z[j]) {
                        hErr[j] = e; // substituted: the evaluated activation is the expression ± e
                    }
                }
                post = h;
                postErr = hErr;
            }
        }

        /**
         * Bound on |evaluated z − expression| for neuron j of layer i: its own evaluation error plus what
         * substituted stable-active inputs carry, rounded up.
         */
        double effectiveError(int i, int j) {
            double e = err[i][j];
            if (postErr == null) {
                return e;
            }
            AffineMap a = chain.affine(i);
            double carried = 0.0;
            int terms = 0;
            for (int q = a.rowStart()[j]; q < a.rowStart()[j + 1]; q++) {
                double pe = postErr[a.colIndex()[q]];
                if (pe != 0.0) {
                    carried += Math.abs(a.values()[q]) * pe;
                    terms++;
                }
            }
            if (carried == 0.0) {
                return e;
            }
            double sum = e + carried;
            return org.certus.nn.OutwardRounding.up(sum, sum, terms + 1);
        }

        /** Pre-activations of layer i over the current post-activations; null where not needed. */
        LinearExpression[] preActivations(int i, int[] rows) {
            AffineMap a = chain.affine(i);
            LinearExpression[] z = new LinearExpression[rows == null ? a.rows() : rows.length];
            for (int t = 0; t < z.length; t++) {
                int r = rows == null ? t : rows[t];
                if (rows == null && needed != null && !needed[i][r]) {
                    continue;
                }
                if (rows == null && i < lo.length && i < chain.reluLayerCount() && hi[i][r] <= 0) {
                    // Stable inactive: its expression is never used.
                    continue;
                }
                acc.reset(mb.numVariables());
                acc.addConstant(a.bias()[r]);
                for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                    acc.add(a.values()[q], post[a.colIndex()[q]]);
                }
                z[t] = acc.build();
            }
            return z;
        }

        /** @param e bound on |evaluated z − z| (0 in real arithmetic); the rows are widened by it */
        LinearExpression relu(int i, int j, LinearExpression z, double e) {
            double l = lo[i][j];
            double u = hi[i][j];
            if (u <= 0) {
                return LinearExpression.ZERO;
            }
            if (l >= 0) {
                if (z.size() <= SUBSTITUTION_LIMIT) {
                    return z;
                }
                int v = mb.addContinuous(l, u, "h_" + i + "_" + j);
                // v - zlin = zconst (± e)
                addWithExpression(z, v, z.constant() - e, z.constant() + e);
                return LinearExpression.variable(v);
            }
            int h = mb.addContinuous(0.0, u, "h_" + i + "_" + j);
            int a = mb.addBinary("a_" + i + "_" + j);
            // h >= z  <=>  h - zlin >= zconst (- e)
            addWithExpression(z, h, z.constant() - e, Double.POSITIVE_INFINITY);
            // h <= u a
            mb.addConstraint(Double.NEGATIVE_INFINITY, new int[] {h, a}, new double[] {1.0, -u}, 0.0);
            // h <= z - l (1 - a)  <=>  h - zlin - l a <= zconst - l
            int n = z.size();
            int[] idx = new int[n + 2];
            double[] coef = new double[n + 2];
            for (int q = 0; q < n; q++) {
                idx[q] = z.idx()[q];
                coef[q] = -z.coef()[q];
            }
            idx[n] = h;
            coef[n] = 1.0;
            idx[n + 1] = a;
            coef[n + 1] = -l;
            mb.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, z.constant() + e - l);
            indicators.add(new PhaseIndicator(i, j, l, u, a));
            unstable.add(new EncodedRelu(i, j, h, a, z, e));
            return LinearExpression.variable(h);
        }

        /** Adds {@code lo <= v - zlin <= hi}, where {@code zlin} is z without its constant. */
        void addWithExpression(LinearExpression z, int v, double lo, double hi) {
            int n = z.size();
            int[] idx = new int[n + 1];
            double[] coef = new double[n + 1];
            for (int q = 0; q < n; q++) {
                idx[q] = z.idx()[q];
                coef[q] = -z.coef()[q];
            }
            idx[n] = v;
            coef[n] = 1.0;
            mb.addConstraint(lo, idx, coef, hi);
        }

        /** c·y as an expression over the model's variables. */
        LinearExpression combine(double[] c, LinearExpression[] y) {
            acc.reset(mb.numVariables());
            for (int o = 0; o < c.length; o++) {
                acc.add(c[o], y[o]);
            }
            return acc.build();
        }

        MilpEncoding finish(LinearExpression[] y, double[] yLo, double[] yHi, OutputCondition unsafe,
                            EncodingObjective objective, double[] center) {
            List<Conjunction> ds = unsafe.disjuncts();
            int nd = ds.size();
            // Per disjunct: bounds of its margin min_r (rhs_r - c_r·y) over the output box.
            double[] marginUpper = new double[nd];
            double[] marginLower = new double[nd];
            double best = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < nd; t++) {
                double mu = Double.POSITIVE_INFINITY;
                double ml = Double.POSITIVE_INFINITY;
                for (LinearConstraint row : ds.get(t).constraints()) {
                    mu = Math.min(mu, row.rhs() - minOver(row.coefficients(), yLo, yHi));
                    ml = Math.min(ml, row.rhs() - maxOver(row.coefficients(), yLo, yHi));
                }
                marginUpper[t] = mu;
                marginLower[t] = ml;
                best = Math.max(best, ml);
            }
            // MIPVerify's target elimination: a disjunct whose margin cannot reach 0 (or, when maximising
            // the margin, cannot reach another disjunct's guaranteed margin) never decides the answer.
            double threshold = objective == EncodingObjective.WORST ? best : 0.0;
            List<Integer> kept = new ArrayList<>();
            for (int t = 0; t < nd; t++) {
                if (marginUpper[t] >= threshold) {
                    kept.add(t);
                }
            }
            int objectiveVar = -1;
            boolean infeasible = kept.isEmpty();
            int[] dVars = new int[kept.size() > 1 ? kept.size() : 0];
            if (infeasible) {
                int v = mb.addContinuous(0.0, 0.0, "unreachable");
                mb.addConstraint(1.0, new int[] {v}, new double[] {1.0}, 1.0, "no_disjunct_reachable");
            } else {
                if (dVars.length > 0) {
                    double[] ones = new double[dVars.length];
                    for (int q = 0; q < dVars.length; q++) {
                        dVars[q] = mb.addBinary("d_" + kept.get(q));
                        ones[q] = 1.0;
                    }
                    mb.addConstraint(1.0, dVars, ones, 1.0, "one_disjunct");
                }
                int s = -1;
                double sHi = Double.NEGATIVE_INFINITY;
                if (objective == EncodingObjective.WORST) {
                    for (int t : kept) {
                        sHi = Math.max(sHi, marginUpper[t]);
                    }
                    s = mb.addContinuous(best, sHi, "margin");
                    objectiveVar = s;
                }
                for (int q = 0; q < kept.size(); q++) {
                    int t = kept.get(q);
                    for (LinearConstraint row : ds.get(t).constraints()) {
                        LinearExpression cy = combine(row.coefficients(), y);
                        double rhs = row.rhs() - cy.constant();
                        // c·y + [s] <= rhs + M (1 - d)
                        double maxLhs = maxOver(row.coefficients(), yLo, yHi) - row.rhs() + (s >= 0 ? sHi : 0.0);
                        if (dVars.length > 0 && maxLhs <= 0 && s < 0) {
                            continue; // holds everywhere in the box
                        }
                        int n = cy.size();
                        int extra = (s >= 0 ? 1 : 0) + (dVars.length > 0 ? 1 : 0);
                        int[] idx = new int[n + extra];
                        double[] coef = new double[n + extra];
                        System.arraycopy(cy.idx(), 0, idx, 0, n);
                        System.arraycopy(cy.coef(), 0, coef, 0, n);
                        int e = n;
                        if (s >= 0) {
                            idx[e] = s;
                            coef[e++] = 1.0;
                        }
                        if (dVars.length > 0) {
                            double bigM = widen(Math.max(0.0, maxLhs));
                            idx[e] = dVars[q];
                            coef[e] = bigM;
                            rhs += bigM;
                        }
                        mb.addConstraint(Double.NEGATIVE_INFINITY, idx, coef, rhs);
                    }
                }
                if (objective == EncodingObjective.WORST) {
                    mb.setObjective(Sense.MAXIMIZE, new int[] {s}, new double[] {1.0}, 0.0);
                }
            }
            if (objective == EncodingObjective.CLOSEST) {
                double maxDist = 0;
                for (int i = 0; i < inputVars.length; i++) {
                    maxDist = Math.max(maxDist, Math.max(Math.abs(inHi[i] - center[i]), Math.abs(center[i] - inLo[i])));
                }
                int t = mb.addContinuous(0.0, widen(maxDist), "linf_distance");
                for (int i = 0; i < inputVars.length; i++) {
                    // x_i - t <= x0_i and x_i + t >= x0_i
                    mb.addConstraint(Double.NEGATIVE_INFINITY, new int[] {inputVars[i], t}, new double[] {1.0, -1.0}, center[i]);
                    mb.addConstraint(center[i], new int[] {inputVars[i], t}, new double[] {1.0, 1.0}, Double.POSITIVE_INFINITY);
                }
                mb.setObjective(Sense.MINIMIZE, new int[] {t}, new double[] {1.0}, 0.0);
                objectiveVar = t;
            }
            int[] keptArr = kept.stream().mapToInt(Integer::intValue).toArray();
            return new MilpEncoding(mb.build(), objective, inputVars.clone(), y, List.copyOf(indicators), dVars, keptArr,
                    objectiveVar, infeasible);
        }
    }
}
