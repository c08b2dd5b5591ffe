package org.certus.nn;

import java.util.List;

/**
 * An operation computing {@code y = A x + b} where {@code x} is its inputs' values concatenated in
 * input order. Every rule follows from the map: the interval rule is interval arithmetic of the map,
 * the float32 rounding is that of the map's dot products ({@link Float32Rounding}), errors pass
 * through as {@code |A|·δ}, and the lowering composes the map with its neighbours, so an affine
 * operation is never relaxed. Implementations override {@link #forward} with a faster kernel where it
 * pays (the result must equal the map's up to rounding).
 */
public interface AffineOperation extends Operation {

    /** This operation as one explicit sparse affine map over its inputs' values, concatenated. */
    AffineMap toAffineMap(List<Shape> inputs);

    /**
     * Whether a runtime's float32 evaluation of this operation rounds: false for operations that only
     * move, select or pad values, which are exact in any arithmetic.
     */
    boolean roundsInFloat32();

    /**
     * Roundings per output beyond those of one dot product (e.g. a subtraction before a division, or
     * weights that a runtime computes in float32 from a folded constant).
     */
    default int extraFloat32Roundings() {
        return 0;
    }

    /**
     * True when this operation's float32 model is exactly one dot product per output over float32
     * weights ({@link Float32Rounding#rowErrors} of its map), so that the engine may bound it per row
     * from the current bounds.
     */
    default boolean float32IsOneDotProduct() {
        return roundsInFloat32() && extraFloat32Roundings() == 0;
    }

    /**
     * The own float32 rounding of this operation as a nonnegative affine map of its inputs'
     * magnitudes (see {@link Float32Rounding#errorMap}); null when it does not round.
     */
    default AffineMap float32ErrorMap(List<Shape> inputs) {
        return float32ErrorMapOf(toAffineMap(inputs));
    }

    /** {@link #float32ErrorMap(List)} given this operation's map (built once by the caller). */
    default AffineMap float32ErrorMapOf(AffineMap map) {
        return roundsInFloat32() ? Float32Rounding.errorMap(map, extraFloat32Roundings()) : null;
    }

    @Override
    default void forward(List<Shape> inputs, double[][] in, double[] out) {
        toAffineMap(inputs).apply(concat(in), out);
    }

    @Override
    default void forwardFloat32(List<Shape> inputs, float[][] in, float[] out) {
        applyFloat32(toAffineMap(inputs), concat(in), out);
    }

    @Override
    default void interval(List<Shape> inputs, double[][] lo, double[][] hi, double[] outLo, double[] outHi) {
        intervalOf(toAffineMap(inputs), concat(lo), concat(hi), outLo, outHi);
    }

    @Override
    default double[] float32Error(List<Shape> inputs, double[][] maxAbs) {
        AffineMap e = float32ErrorMap(inputs);
        double[] out = new double[outputShape(inputs).size()];
        if (e != null) {
            applyUp(e, concat(maxAbs), out);
        }
        return out;
    }

    @Override
    default double[] propagateError(List<Shape> inputs, double[][] inError) {
        AffineMap a = toAffineMap(inputs);
        double[] d = concat(inError);
        double[] out = new double[a.rows()];
        for (int r = 0; r < a.rows(); r++) {
            double s = 0;
            int n = a.rowStart()[r + 1] - a.rowStart()[r];
            for (int q = a.rowStart()[r]; q < a.rowStart()[r + 1]; q++) {
                s += Math.abs(a.values()[q]) * d[a.colIndex()[q]];
            }
            out[r] = n <= 1 ? s : OutwardRounding.up(s, s, n);
        }
        return out;
    }

    @Override
    default Lowering.Value lower(Lowering lowering, List<Shape> inputs, List<Lowering.Value> in) {
        return lowering.affine(this, inputs, in);
    }

    /** The inputs' values one after the other (no copy for a single input). */
    static double[] concat(double[][] parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** As {@link #concat(double[][])} for float inputs. */
    static float[] concat(float[][] parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * {@code out = A in + b} in float32 as runtimes evaluate a dot product: the products summed in the
     * map's column order from 0, the bias added last.
     */
    static void applyFloat32(AffineMap a, float[] in, float[] out) {
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        double[] bias = a.bias();
        for (int r = 0; r < out.length; r++) {
            float s = 0f;
            for (int q = start[r]; q < start[r + 1]; q++) {
                s += (float) val[q] * in[col[q]];
            }
            out[r] = s + (float) bias[r];
        }
    }

    /** {@code [outLo, outHi] ⊇ A [lo, hi] + b}, rounded outward ({@link OutwardRounding}). */
    static void intervalOf(AffineMap a, double[] inLo, double[] inHi, double[] lo, double[] hi) {
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        double[] bias = a.bias();
        for (int r = 0; r < a.rows(); r++) {
            double l = bias[r], u = bias[r], mag = Math.abs(bias[r]);
            int n = start[r + 1] - start[r];
            for (int q = start[r]; q < start[r + 1]; q++) {
                double w = val[q];
                double x0 = inLo[col[q]], x1 = inHi[col[q]];
                double p0 = w * x0, p1 = w * x1;
                if (p0 < p1) {
                    l += p0;
                    u += p1;
                } else {
                    l += p1;
                    u += p0;
                }
                mag += Math.max(Math.abs(p0), Math.abs(p1));
            }
            lo[r] = OutwardRounding.down(l, mag, n + 1);
            hi[r] = OutwardRounding.up(u, mag, n + 1);
        }
    }

    /** {@code out = A x + b} for a nonnegative map and nonnegative {@code x}, rounded up. */
    static void applyUp(AffineMap a, double[] x, double[] out) {
        int[] start = a.rowStart();
        int[] col = a.colIndex();
        double[] val = a.values();
        for (int r = 0; r < a.rows(); r++) {
            double s = a.bias()[r];
            for (int q = start[r]; q < start[r + 1]; q++) {
                s += val[q] * x[col[q]];
            }
            int m = start[r + 1] - start[r] + 1;
            out[r] = OutwardRounding.up(s, s, m);
        }
    }
}
