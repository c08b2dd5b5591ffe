package org.certus.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A float32 forward pass, layer by layer as ONNX runtimes evaluate: every product and sum is
 * rounded to float (weights are float32 in ONNX files, so casting them is exact there). Used to
 * confirm that a counterexample found in double precision also holds in the arithmetic users run
 * the network in, and to catch counterexamples that exist only in float32.
 *
 * <p>Immutable and thread-safe; building it converts each layer once (convolutions to sparse rows;
 * dense maps also to a column-major float32 copy, see {@link DenseFloat}).
 */
public final class Float32Evaluation {
    private final Network network;
    private final List<Object> steps = new ArrayList<>();

    public Float32Evaluation(Network network) {
        this.network = network;
        if (!network.isSequential()) {
            throw new NetworkException("float32 evaluation does not support residual blocks yet");
        }
        for (int i = 0; i < network.layerCount(); i++) {
            Layer l = network.layer(i);
            Shape in = network.shapeBefore(i);
            if (l instanceof Normalize || l instanceof Relu || l instanceof MaxPool) {
                steps.add(l);
            } else if (l instanceof AffineLayer a) {
                AffineMap m = a.toAffineMap(in);
                DenseFloat d = DenseFloat.of(m);
                steps.add(d == null ? m : d);
            } else {
                throw new NetworkException("float32 evaluation does not support " + l.describe());
            }
        }
    }

    /** The input rounded to the nearest float32 values, each moved inward if rounding left [lo, hi]. */
    public static double[] roundInto(double[] x, double[] lo, double[] hi) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float f = (float) x[i];
            if (f < lo[i]) {
                f = Math.nextUp(f);
            } else if (f > hi[i]) {
                f = Math.nextDown(f);
            }
            r[i] = f;
        }
        return r;
    }

    /** Outputs of the network evaluated in float32 at {@code x} (first rounded to float32). */
    public double[] evaluate(double[] x) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = (float) x[i];
        }
        for (int i = 0; i < steps.size(); i++) {
            Object s = steps.get(i);
            Shape in = network.shapeBefore(i);
            if (s instanceof DenseFloat d) {
                v = d.apply(v);
            } else if (s instanceof AffineMap a) {
                v = apply(a, v);
            } else if (s instanceof Relu) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = v[j] > 0 ? v[j] : 0f;
                }
            } else if (s instanceof MaxPool p) {
                int[][] w = p.windowIndices(in);
                float[] o = new float[w.length];
                for (int j = 0; j < w.length; j++) {
                    float m = v[w[j][0]];
                    for (int q = 1; q < w[j].length; q++) {
                        m = Math.max(m, v[w[j][q]]);
                    }
                    o[j] = m;
                }
                v = o;
            } else if (s instanceof Normalize n) {
                double[] mean = n.mean(), std = n.std();
                int per = mean.length == 1 ? v.length : v.length / mean.length;
                for (int j = 0; j < v.length; j++) {
                    int c = mean.length == 1 ? 0 : j / per;
                    v[j] = (v[j] - (float) mean[c]) / (float) std[c];
                }
            }
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static float[] apply(AffineMap a, float[] in) {
        float[] out = new float[a.rows()];
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
        return out;
    }

    /**
     * A dense affine map as a column-major float32 matrix, evaluated column by column: each output is
     * still summed in ascending column order from 0 and the bias added last, so the result is bit for bit
     * that of {@link #apply}; but the inner loop runs across outputs (vectorised) and skips zero inputs
     * (half of them after a ReLU), where the row loop was one dependent chain of float adds per output.
     * Skipping is exact: adding a product {@code ±0} leaves a sum unchanged (up to the sign of a zero).
     */
    private record DenseFloat(int rows, int cols, float[] columnMajor, float[] bias) {
        /** Largest map given a copy (16 MiB of floats). */
        static final long MAX_ENTRIES = 1L << 22;

        /** The copy, or null when the map is too large, too sparse, or its rows are not in ascending column order. */
        static DenseFloat of(AffineMap a) {
            long entries = (long) a.rows() * a.cols();
            int[] start = a.rowStart();
            int[] col = a.colIndex();
            double[] val = a.values();
            if (entries == 0 || entries > MAX_ENTRIES || val.length < entries / 2) {
                return null;
            }
            int rows = a.rows();
            float[] w = new float[(int) entries];
            for (int r = 0; r < rows; r++) {
                for (int q = start[r]; q < start[r + 1]; q++) {
                    if (q > start[r] && col[q] <= col[q - 1]) {
                        return null; // another summation order than ascending columns
                    }
                    w[col[q] * rows + r] = (float) val[q];
                }
            }
            float[] b = new float[rows];
            for (int r = 0; r < rows; r++) {
                b[r] = (float) a.bias()[r];
            }
            return new DenseFloat(rows, a.cols(), w, b);
        }

        float[] apply(float[] in) {
            float[] out = new float[rows];
            for (int c = 0; c < cols; c++) {
                float x = in[c];
                if (x == 0f) {
                    continue;
                }
                int off = c * rows;
                for (int r = 0; r < rows; r++) {
                    out[r] += columnMajor[off + r] * x;
                }
            }
            for (int r = 0; r < rows; r++) {
                out[r] = out[r] + bias[r];
            }
            return out;
        }
    }
}
