package org.certus.api;

import java.util.function.BooleanSupplier;
import org.certus.bnb.VerificationQuery;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.BoundingInterrupted;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.LoweringStopped;
import org.certus.nn.ReluChain;

/**
 * What the float32 error model alone costs a query's margin rows at one input, to first order: per row of its
 * unsafe set, the exact value there minus the same row bounded with every layer's float32 evaluation error at that
 * input (each ReLU kept in its phase at the point); the largest over rows.
 *
 * <p>Why it matters: a sound search can only prove a property whose margin, around the inputs where it is
 * smallest, exceeds what float32 evaluation may change it by there, and it must close every node to within the
 * difference. On mnist-wk17a at ε = 0.1 rounding takes 0.014, 0.027 and 0.021 of the margins 0.023, 0.039 and
 * 0.030 at the closest inputs found for samples 1571, 3662 and 6744 (almost all of it in the 1,568-input dense
 * layer, {@code γ_1569 ≈ 9.4e-5} times the sum of its terms' magnitudes); on cgan's prop_1 4.8e-4 at the box
 * centre, more than the 8.1e-5 by which a sampled output stays inside the property's bound.
 */
final class RoundingAllowance {
    private RoundingAllowance() {
    }

    /**
     * @param q    the query (its box-only relaxation is used: no ball, no input constraints)
     * @param x    an input
     * @param stop abandons the computation (NaN) once it holds
     * @return the allowance at {@code x}, or NaN when it could not be computed in time
     */
    static double at(VerificationQuery q, double[] x, BooleanSupplier stop) {
        try {
            ReluChain chain = ReluChain.of(q.network(), q.inputLower(), q.inputUpper(), stop);
            double worst = 0;
            double[] real = lowerBounds(chain, x, q, ArithmeticModel.REAL, stop);
            double[] rounded = lowerBounds(chain, x, q, ArithmeticModel.FLOAT32, stop);
            for (int r = 0; r < real.length; r++) {
                worst = Math.max(worst, real[r] - rounded[r]);
            }
            return worst;
        } catch (BoundingInterrupted | LoweringStopped e) {
            return Double.NaN;
        }
    }

    /** The centre of the query's box. */
    static double[] centre(VerificationQuery q) {
        double[] x = new double[q.inputLower().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5 * (q.inputLower()[i] + q.inputUpper()[i]);
        }
        return x;
    }

    /**
     * Every row of every disjunct, bounded below at the point, to first order: the layers' bounds are the exact
     * values there (an interval of width 0 per neuron, so every ReLU keeps its phase at the point), and in FLOAT32
     * each layer's evaluation error at the point's magnitudes enters the rows' back-substitution as a constant.
     * The engine's own bounds would also widen each layer by the errors below it, making the neurons within
     * rounding of zero unstable and back-substituting each of them: on cgan's generator that is 37 neurons and
     * 5 s, for a difference that only a kink within rounding of the point can make.
     */
    private static double[] lowerBounds(ReluChain chain, double[] x, VerificationQuery q, ArithmeticModel arithmetic,
                                        BooleanSupplier stop) {
        int k = chain.reluLayerCount();
        double[][] lo = new double[k + 1][];
        double[][] hi = new double[k + 1][];
        double[][] err = arithmetic == ArithmeticModel.REAL ? null : new double[k + 1][];
        double[] in = x;
        for (int i = 0; i <= k; i++) {
            if (stop.getAsBoolean()) {
                throw new BoundingInterrupted();
            }
            AffineMap a = chain.affine(i);
            double[] z = new double[a.rows()];
            a.apply(in, z);
            lo[i] = z;
            hi[i] = z;
            if (err != null) {
                double[] mag = new double[in.length];
                for (int j = 0; j < mag.length; j++) {
                    mag[j] = Math.abs(in[j]);
                }
                err[i] = chain.float32Errors(i, mag);
            }
            in = new double[z.length];
            for (int r = 0; r < z.length; r++) {
                in[r] = Math.max(0, z[r]);
            }
        }
        NetworkBounds b = NetworkBounds.copyOf(lo, hi, err, k + 1);
        if (err != null) {
            // The ReLU outputs that are 0 at the point round nothing (as in the search, which learns them at its root).
            chain = chain.withZeroInputs(b.zeroReluOutputs());
        }
        SymbolicPropagator p = new SymbolicPropagator(false, null, arithmetic).withStop(stop);
        int rows = 0;
        for (AffineMap d : q.disjuncts()) {
            rows += d.rows();
        }
        double[] out = new double[rows];
        int at = 0;
        for (AffineMap d : q.disjuncts()) {
            double[] l = p.minimize(chain, b, x, x, d).lower();
            System.arraycopy(l, 0, out, at, l.length);
            at += l.length;
        }
        return out;
    }
}
