package org.certus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.certus.nn.AffineLayer;
import org.certus.nn.AffineMap;
import org.certus.nn.Layer;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;

/**
 * A float32 forward pass (weights, inputs and every sum rounded to {@code float}), as ONNX Runtime and
 * the VNN-COMP checkers evaluate the networks. Used only to warn when a counterexample found and
 * re-checked in double precision does not hold in single precision: the verdict stays the one of the
 * exact double pass, which is what the verifier proves things about.
 *
 * <p>Supports sequential networks of affine layers and ReLUs; for anything else {@link #of} is empty
 * and the check is skipped.
 */
final class VnnlibFloat32 {
    private record FloatAffine(int rows, int[] rowStart, int[] colIndex, float[] values, float[] bias) {
    }

    /** An affine map, or {@code null} for a ReLU. */
    private final List<FloatAffine> steps;

    private VnnlibFloat32(List<FloatAffine> steps) {
        this.steps = steps;
    }

    static Optional<VnnlibFloat32> of(Network net) {
        List<FloatAffine> steps = new ArrayList<>();
        Shape shape = net.inputShape();
        for (Layer l : net.layers()) {
            if (l instanceof AffineLayer a) {
                AffineMap m = a.toAffineMap(shape);
                double[] v = m.values();
                double[] b = m.bias();
                float[] fv = new float[v.length];
                float[] fb = new float[b.length];
                for (int i = 0; i < v.length; i++) {
                    fv[i] = (float) v[i];
                }
                for (int i = 0; i < b.length; i++) {
                    fb[i] = (float) b[i];
                }
                steps.add(new FloatAffine(m.rows(), m.rowStart(), m.colIndex(), fv, fb));
            } else if (l instanceof Relu) {
                steps.add(null);
            } else {
                return Optional.empty();
            }
            shape = l.outputShape(shape);
        }
        return Optional.of(new VnnlibFloat32(steps));
    }

    /** The outputs at {@code x} in float32, widened back to double. */
    double[] evaluate(double[] x) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = (float) x[i];
        }
        for (FloatAffine f : steps) {
            if (f == null) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.max(v[i], 0f);
                }
                continue;
            }
            float[] o = new float[f.rows];
            for (int r = 0; r < f.rows; r++) {
                float s = f.bias[r];
                for (int k = f.rowStart[r]; k < f.rowStart[r + 1]; k++) {
                    s += f.values[k] * v[f.colIndex[k]];
                }
                o[r] = s;
            }
            v = o;
        }
        double[] y = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            y[i] = v[i];
        }
        return y;
    }
}
