package org.certus.bnb;

import java.util.List;
import org.certus.bounds.NormBall;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;

/**
 * One branch-and-bound problem: does some input {@code x} in the box satisfy, for some disjunct,
 * every row of that disjunct ({@code row(y(x)) <= 0})? Each disjunct is an affine map over the
 * network's outputs whose rows form a conjunction; the disjuncts form the unsafe set. A query
 * with several input boxes (VNN-LIB's disjunction over inputs) is several queries.
 */
public record VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts,
                                NormBall ball, AffineMap inputConstraints) {

    /** A query over a box. */
    public VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts) {
        this(network, inputLower, inputUpper, disjuncts, null, null);
    }

    /** A query over a box intersected with a norm ball (L1 or L2; null for none). */
    public VerificationQuery(Network network, double[] inputLower, double[] inputUpper, List<AffineMap> disjuncts, NormBall ball) {
        this(network, inputLower, inputUpper, disjuncts, ball, null);
    }

    /**
     * Optional linear constraints on the input: every row of {@code inputConstraints} (an affine map
     * over the inputs) must be {@code <= 0}. Symbolic bounds concretise over box ∩ constraints
     * ({@code org.certus.bounds.InputConstraints}, a sound Lagrangian relaxation; α,β stays on the
     * box, a superset, and the better bound is kept); node LPs and the exact check of every
     * counterexample enforce them. Used e.g. for a blurring kernel whose entries must sum to a fixed
     * total.
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

    /** True when {@code y} satisfies every row of some disjunct (with no tolerance: exact check). */
    public boolean violatedBy(double[] y) {
        return violatedDisjunct(y) >= 0;
    }

    /** Index of the first disjunct all of whose rows are {@code <= 0} at {@code y}, or −1. */
    public int violatedDisjunct(double[] y) {
        for (int d = 0; d < disjuncts.size(); d++) {
            if (worstRow(disjuncts.get(d), y) <= 0) {
                return d;
            }
        }
        return -1;
    }

    /** The largest row value of a disjunct at {@code y}: the disjunct holds iff it is {@code <= 0}. */
    public static double worstRow(AffineMap disjunct, double[] y) {
        double[] v = new double[disjunct.rows()];
        disjunct.apply(y, v);
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** The smallest over disjuncts of {@link #worstRow}: negative or zero means a violation. */
    public double margin(double[] y) {
        double m = Double.POSITIVE_INFINITY;
        for (AffineMap d : disjuncts) {
            m = Math.min(m, worstRow(d, y));
        }
        return m;
    }

    /** Whether x lies in the input region: the box, and the norm ball when there is one (no tolerance). */
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
}
