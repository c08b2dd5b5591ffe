package org.certus.bnb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.certus.bounds.NormBall;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.spec.Conjunction;
import org.certus.spec.LinearConstraint;
import org.certus.spec.VnnlibProperty;

/**
 * One branch-and-bound problem: does some input {@code x} in the box satisfy, for some disjunct,
 * every row of that disjunct ({@code row(y(x)) <= 0})? Each disjunct is an affine map over the
 * network's outputs whose rows form a conjunction; the disjuncts form the unsafe set. A query
 * with several input boxes (VNN-LIB's disjunction over inputs) is several queries.
 *
 * @param network          the network
 * @param inputLower       the box's lower bounds, finite, one per input (a copy is kept)
 * @param inputUpper       the box's upper bounds, finite, one per input (a copy is kept)
 * @param disjuncts        the unsafe set: affine maps over the outputs, each a conjunction of rows {@code <= 0}
 * @param ball             an L1 or L2 ball the region is intersected with, or {@code null}
 * @param inputConstraints optional linear constraints on the input: every row of this affine map over the
 *                         inputs must be {@code <= 0}, or {@code null}. Symbolic bounds concretise over box ∩
 *                         constraints ({@code org.certus.bounds.InputConstraints}, a sound Lagrangian relaxation;
 *                         α,β stays on the box, a superset, and the better bound is kept); node LPs and the exact
 *                         check of every counterexample enforce them. Used e.g. for a blurring kernel whose
 *                         entries must sum to a fixed total.
 */
public record VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts,
                                NormBall ball, AffineMap inputConstraints) {

    /**
     * A query over a box.
     *
     * @param network    the network
     * @param inputLower the box's lower bounds
     * @param inputUpper the box's upper bounds
     * @param disjuncts  the unsafe set
     */
    public VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts) {
        this(network, inputLower, inputUpper, disjuncts, null, null);
    }

    /**
     * A case of a VNN-LIB property as a query: its input box, and each conjunction of its unsafe condition as an
     * affine map whose rows must all be {@code <= 0}.
     *
     * @param network the network
     * @param c       one input box with its unsafe condition
     * @return the query over {@code network}
     */
    public static VerificationQuery of(Network network, VnnlibProperty.Case c) {
        List<AffineMap> ds = new ArrayList<>();
        int m = network.outputSize();
        for (Conjunction conj : c.condition().disjuncts()) {
            List<LinearConstraint> rows = conj.constraints();
            double[] w = new double[rows.size() * m];
            double[] b = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r).coefficients(), 0, w, r * m, m);
                b[r] = -rows.get(r).rhs();
            }
            ds.add(AffineMap.fromDense(rows.size(), m, w, b));
        }
        return new VerificationQuery(network, c.box().lower(), c.box().upper(), ds);
    }

    /**
     * A query over a box intersected with a norm ball.
     *
     * @param network    the network
     * @param inputLower the box's lower bounds
     * @param inputUpper the box's upper bounds
     * @param disjuncts  the unsafe set
     * @param ball       an L1 or L2 ball, or {@code null} for none
     */
    public VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts, NormBall ball) {
        this(network, inputLower, inputUpper, disjuncts, ball, null);
    }

    /**
     * Checks that the box, disjuncts, ball and constraints fit the network, and copies the arrays.
     *
     * @param network          the network
     * @param inputLower       the box's lower bounds
     * @param inputUpper       the box's upper bounds
     * @param disjuncts        the unsafe set
     * @param ball             a norm ball, or {@code null}
     * @param inputConstraints rows over the inputs that must be {@code <= 0}, or {@code null}
     */
    public VerificationQuery {
        if (inputLower.length != network.inputSize() || inputUpper.length != network.inputSize()) {
            throw new NetworkException("input box has " + inputLower.length + " values, network '" + network.name()
                    + "' has " + network.inputSize() + " inputs");
        }
        for (int i = 0; i < inputLower.length; i++) {
            if (!(inputLower[i] <= inputUpper[i]) || !Double.isFinite(inputLower[i]) || !Double.isFinite(inputUpper[i])) {
                throw new NetworkException("input box element " + i + " is empty or not finite: [" + inputLower[i] + ", " + inputUpper[i] + "]");
            }
        }
        if (disjuncts.isEmpty()) {
            throw new NetworkException("a query needs at least one output disjunct");
        }
        for (AffineMap d : disjuncts) {
            if (d.cols() != network.outputSize() || d.rows() == 0) {
                throw new NetworkException("output condition over " + d.cols() + " outputs with " + d.rows()
                        + " rows does not fit network '" + network.name() + "' with " + network.outputSize() + " outputs");
            }
        }
        if (inputConstraints != null && inputConstraints.cols() != network.inputSize()) {
            throw new NetworkException("input constraints are over " + inputConstraints.cols() + " values, network '"
                    + network.name() + "' has " + network.inputSize() + " inputs");
        }
        if (ball != null) {
            if (ball.center().length != inputLower.length) {
                throw new NetworkException("norm ball centre has " + ball.center().length + " values, the box " + inputLower.length);
            }
            for (int i = 0; i < inputLower.length; i++) {
                double c = ball.center()[i];
                if (!(c >= inputLower[i] && c <= inputUpper[i])) {
                    throw new NetworkException("norm ball centre element " + i + " lies outside the input box");
                }
            }
        }
        inputLower = inputLower.clone();
        inputUpper = inputUpper.clone();
        disjuncts = List.copyOf(disjuncts);
    }

    /**
     * Whether outputs lie in the unsafe set (with no tolerance: exact check).
     *
     * @param y the network's outputs
     * @return true when {@code y} satisfies every row of some disjunct
     */
    public boolean violatedBy(double[] y) {
        return violatedDisjunct(y) >= 0;
    }

    /**
     * The first disjunct that outputs satisfy.
     *
     * @param y the network's outputs
     * @return the index of the first disjunct all of whose rows are {@code <= 0} at {@code y}, or −1
     */
    public int violatedDisjunct(double[] y) {
        for (int d = 0; d < disjuncts.size(); d++) {
            if (worstRow(disjuncts.get(d), y) <= 0) {
                return d;
            }
        }
        return -1;
    }

    /**
     * The largest row value of a disjunct at some outputs.
     *
     * @param disjunct one conjunction of rows
     * @param y        the network's outputs
     * @return the largest row value: the disjunct holds iff it is {@code <= 0}
     */
    public static double worstRow(AffineMap disjunct, double[] y) {
        double[] v = new double[disjunct.rows()];
        disjunct.apply(y, v);
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /**
     * The violation margin of outputs.
     *
     * @param y the network's outputs
     * @return the smallest over disjuncts of {@link #worstRow}: negative or zero means a violation
     */
    public double margin(double[] y) {
        double m = Double.POSITIVE_INFINITY;
        for (AffineMap d : disjuncts) {
            m = Math.min(m, worstRow(d, y));
        }
        return m;
    }

    /**
     * Whether an input lies in the region (no tolerance).
     *
     * @param x an input
     * @return true when {@code x} is in the box, satisfies the input constraints and lies in the ball, if any
     */
    public boolean inBox(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= inputLower[i] && x[i] <= inputUpper[i])) {
                return false;
            }
        }
        if (inputConstraints != null) {
            double[] v = new double[inputConstraints.rows()];
            inputConstraints.apply(x, v);
            for (double r : v) {
                if (!(r <= 0)) {
                    return false;
                }
            }
        }
        return ball == null || ball.distance(x) <= ball.radius();
    }

    @Override
    public String toString() {
        return "VerificationQuery[network=" + network.name() + ", inputLower=" + Arrays.toString(inputLower) + ", inputUpper="
                + Arrays.toString(inputUpper) + ", disjuncts=" + disjuncts.size() + ", ball=" + ball + ", inputConstraints="
                + (inputConstraints == null ? "none" : inputConstraints.rows() + " rows") + "]";
    }
}
