package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attrFloat;
import static org.certus.nn.io.OnnxAttributes.attrInt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.certus.nn.Add;
import org.certus.nn.AffineMap;
import org.certus.nn.AffineTransform;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.ElementwiseAffine;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.Shape;
import org.certus.nn.io.OnnxValues.Computed;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;

/**
 * ONNX's affine operations on values that depend on the input: Gemm and MatMul become {@link Dense} (or a block
 * {@link AffineTransform}); elementwise Add/Sub/Mul/Div by constants and BatchNormalization fold into the Dense or
 * Conv2d before them (as runtimes fuse them), merge into a {@link Normalize}, or stay an {@link ElementwiseAffine};
 * Add and Sub of two computed values are residual joins ({@link Add}).
 */
final class OnnxAffineNodes {
    private final OnnxValues values;

    OnnxAffineNodes(OnnxValues values) {
        this.values = values;
    }

    Object gemm(NodeProto n) {
        if (attrInt(n, "transA", 0) != 0) {
            throw new NetworkException("Gemm with transA=" + attrInt(n, "transA", 0) + " is not supported (only transA=0)");
        }
        Computed x = values.computed(n, 0);
        OnnxTensor b = values.constant(n, 1);
        boolean transB = attrInt(n, "transB", 0) != 0;
        double alpha = attrFloat(n, "alpha", 1f), beta = attrFloat(n, "beta", 1f);
        if (b.rank() != 2) {
            throw new NetworkException("Gemm weight B has shape " + Arrays.toString(b.dims()) + ", expected rank 2");
        }
        if (x.dims().length != 2 || x.dims()[0] != 1) {
            throw new NetworkException("Gemm input A has shape " + Arrays.toString(x.dims()) + ", expected [1, n]");
        }
        OnnxTensor w = transB ? b : b.transpose(new int[] {1, 0});
        int out = (int) w.dims()[0], inSize = (int) w.dims()[1];
        if (x.dims()[1] != inSize) {
            throw new NetworkException("shape mismatch: Gemm input A has " + x.dims()[1] + " columns, weight B"
                    + (transB ? "ᵀ" : "") + " has " + inSize + " rows (B is " + Arrays.toString(b.dims()) + ", transB=" + (transB ? 1 : 0) + ")");
        }
        double[] wv = w.values().clone();
        for (int i = 0; i < wv.length; i++) {
            wv[i] *= alpha;
        }
        double[] bias = new double[out];
        if (values.hasInput(n, 2)) {
            double[] c = values.constant(n, 2).broadcastTo(new long[] {1, out});
            for (int i = 0; i < out; i++) {
                bias[i] = beta * c[i];
            }
        }
        return values.node(new Dense(inSize, out, wv, bias), new long[] {1, out}, values.flat(x));
    }

    Object matMul(NodeProto n) {
        if (!(values.in(n, 0) instanceof Computed)) {
            throw new NetworkException("MatMul with a constant left operand (W·x) is not supported; expected x·W");
        }
        Computed x = values.computed(n, 0);
        OnnxTensor w = values.constant(n, 1);
        if (w.rank() != 2) {
            throw new NetworkException("MatMul weight has shape " + Arrays.toString(w.dims()) + ", expected rank 2 [in, out]");
        }
        int inSize = (int) w.dims()[0], out = (int) w.dims()[1];
        long[] d = x.dims();
        long rows = OnnxTensor.size(d) / Math.max(1, d[d.length - 1]);
        if (d[d.length - 1] != inSize) {
            throw new NetworkException("shape mismatch: MatMul input " + Arrays.toString(d) + " times weight " + Arrays.toString(w.dims()));
        }
        long[] nd = d.clone();
        nd[nd.length - 1] = out;
        double[] wt = w.transpose(new int[] {1, 0}).values();
        if (rows == 1) {
            return values.node(new Dense(inSize, out, wt, new double[out]), nd, values.flat(x));
        }
        // Several rows times the same weights: one block per row.
        int k = (int) rows;
        AffineMap one = AffineMap.fromDense(out, inSize, wt, new double[out]);
        List<AffineMap> blocks = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            blocks.add(shiftColumns(one, r * inSize, k * inSize));
        }
        return values.node(new AffineTransform(AffineMap.stack(blocks, k * inSize)), nd, values.flat(x));
    }

    /** {@code a} reading columns {@code offset …} of {@code cols} inputs. */
    private static AffineMap shiftColumns(AffineMap a, int offset, int cols) {
        int[] col = a.colIndex().clone();
        for (int q = 0; q < col.length; q++) {
            col[q] += offset;
        }
        return new AffineMap(a.rows(), cols, a.rowStart().clone(), col, a.values().clone(), a.bias().clone());
    }

    Object elementwise(NodeProto n) {
        String op = n.getOpType();
        Object a = values.in(n, 0), b = values.in(n, 1);
        if (a instanceof Computed ca && b instanceof Computed cb) {
            if (!op.equals("Add") && !op.equals("Sub")) {
                throw new NetworkException(op + " of two values that both depend on the input is not supported (it is not piecewise linear; "
                        + "Add and Sub are)");
            }
            if (!Arrays.equals(ca.dims(), cb.dims())) {
                throw new NetworkException("shape mismatch: " + op + " of " + Arrays.toString(ca.dims()) + " and " + Arrays.toString(cb.dims())
                        + " (broadcasting between two computed values is not supported)");
            }
            if (op.equals("Sub")) {
                double[] minus = new double[(int) OnnxTensor.size(cb.dims())];
                Arrays.fill(minus, -1.0);
                cb = elementwiseNode(cb, minus, new double[minus.length], "Neg", null, 1);
            }
            Computed left = ca;
            Computed right = cb;
            if (!values.shapeOf(left).equals(values.shapeOf(right))) {
                right = values.as(right, values.shapeOf(left));
            }
            return values.node(new Add(), ca.dims(), left, right);
        }
        boolean xFirst = a instanceof Computed;
        Computed x = xFirst ? values.computed(n, 0) : values.computed(n, 1);
        OnnxTensor c = xFirst ? (OnnxTensor) b : (OnnxTensor) a;
        long[] d = OnnxTensor.broadcastDims(x.dims(), c.dims());
        if (!Arrays.equals(d, x.dims())) {
            throw new NetworkException("shape mismatch: constant " + Arrays.toString(c.dims()) + " would broadcast the input-dependent value "
                    + Arrays.toString(x.dims()) + " to " + Arrays.toString(d));
        }
        double[] cv = c.broadcastTo(x.dims());
        int size = cv.length;
        double[] scale = new double[size], shift = new double[size];
        for (int i = 0; i < size; i++) {
            switch (op) {
                case "Add" -> {
                    scale[i] = 1;
                    shift[i] = cv[i];
                }
                case "Sub" -> {
                    scale[i] = xFirst ? 1 : -1;
                    shift[i] = xFirst ? -cv[i] : cv[i];
                }
                case "Mul" -> scale[i] = cv[i];
                default -> {
                    if (!xFirst) {
                        throw new NetworkException("Div of a constant by an input-dependent value is not affine");
                    }
                    if (cv[i] == 0) {
                        throw new NetworkException("Div by a constant that contains zero");
                    }
                    scale[i] = 1 / cv[i];
                }
            }
        }
        return affine(x, scale, shift, op, null, 1);
    }

    Object batchNorm(NodeProto n) {
        if (attrInt(n, "training_mode", 0) != 0) {
            throw new NetworkException("BatchNormalization with training_mode=1 is not supported");
        }
        Computed x = values.computed(n, 0);
        double eps = attrFloat(n, "epsilon", 1e-5f);
        double[] gamma = values.constant(n, 1).values(), beta = values.constant(n, 2).values();
        double[] mean = values.constant(n, 3).values(), var = values.constant(n, 4).values();
        if (x.dims().length < 2) {
            throw new NetworkException("BatchNormalization input " + Arrays.toString(x.dims()) + " has no channel axis");
        }
        int ch = (int) x.dims()[1];
        if (gamma.length != ch || beta.length != ch || mean.length != ch || var.length != ch) {
            throw new NetworkException("shape mismatch: BatchNormalization parameters must have " + ch + " values (one per channel)");
        }
        double[] a = new double[ch], b = new double[ch], off = new double[ch];
        for (int c = 0; c < ch; c++) {
            if (!(var[c] + eps > 0)) {
                throw new NetworkException("BatchNormalization variance + epsilon of channel " + c + " is not positive");
            }
            a[c] = gamma[c] / Math.sqrt(var[c] + eps);
            b[c] = beta[c] - mean[c] * a[c];
            // A runtime computes (x − mean)·a + beta: its intermediates reach |mean·a| and |beta| too.
            off[c] = Math.abs(mean[c] * a[c]) + Math.abs(beta[c]);
        }
        long[] cd = new long[x.dims().length];
        Arrays.fill(cd, 1);
        cd[1] = ch;
        return affine(x, new OnnxTensor(cd, a).broadcastTo(x.dims()), new OnnxTensor(cd, b).broadcastTo(x.dims()), "BatchNormalization",
                new OnnxTensor(cd, off).broadcastTo(x.dims()), 4);
    }

    /**
     * Applies {@code y = scale ⊙ x + shift} (per element, in the value's row-major order) by folding it
     * into the Dense or Conv2d that computes x (as runtimes fuse them; the unfolded node stays for any
     * other reader), merging a per-channel Sub/Div/Mul/Add into a Normalize, or as an
     * {@link ElementwiseAffine}.
     */
    Computed affine(Computed x, double[] scale, double[] shift, String label, double[] offset, int roundings) {
        boolean identity = true;
        for (int i = 0; i < scale.length; i++) {
            identity &= scale[i] == 1 && shift[i] == 0;
        }
        if (identity) {
            return x;
        }
        Network.Node p = values.producer(x);
        Shape s = values.shapeOf(x);
        int n = s.size();
        if (p != null && p.op() instanceof Dense d) {
            double[] w = d.weights(), b = d.bias();
            int in = d.inputSize();
            for (int o = 0; o < d.outputSize(); o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] *= scale[o];
                }
                b[o] = b[o] * scale[o] + shift[o];
            }
            return values.node(folded(new Dense(in, d.outputSize(), w, b), d.extraFloat32Roundings(), scale), x.dims(), values.valueOf(p.inputs()[0]));
        }
        int channels = s.channels();
        int per = n / channels;
        double[] cScale = perChannel(scale, channels, per), cShift = perChannel(shift, channels, per);
        if (cScale != null && cShift != null && p != null && p.op() instanceof Conv2d cv) {
            double[] w = cv.weights(), b = cv.bias();
            int k = w.length / cv.outChannels();
            for (int o = 0; o < cv.outChannels(); o++) {
                for (int i = 0; i < k; i++) {
                    w[o * k + i] *= cScale[o];
                }
                b[o] = b[o] * cScale[o] + cShift[o];
            }
            return values.node(folded(new Conv2d(cv.inChannels(), cv.outChannels(), cv.window(), w, b), cv.extraFloat32Roundings(), cScale), x.dims(),
                    values.valueOf(p.inputs()[0]));
        }
        boolean plainArithmetic = !label.equals("BatchNormalization");
        if (plainArithmetic && cScale != null && cShift != null && nonZero(cScale)) {
            Computed base = x;
            if (p != null && p.op() instanceof Normalize prev && prev.mean().length == cScale.length) {
                // (x - m1)/s1 is x·(1/s1) - m1/s1: compose the two affine maps into one Normalize.
                double[] m1 = prev.mean(), s1 = prev.std();
                for (int c = 0; c < cScale.length; c++) {
                    double a1 = 1 / s1[c], b1 = -m1[c] / s1[c];
                    cShift[c] = cScale[c] * b1 + cShift[c];
                    cScale[c] = cScale[c] * a1;
                }
                base = values.valueOf(p.inputs()[0]);
                if (!nonZero(cScale)) {
                    throw new NetworkException("elementwise scale by zero is not supported");
                }
            }
            double[] mean = new double[cScale.length], std = new double[cScale.length];
            for (int c = 0; c < cScale.length; c++) {
                std[c] = 1 / cScale[c];
                mean[c] = -cShift[c] / cScale[c];
            }
            return values.node(new Normalize(mean, std), x.dims(), base);
        }
        return elementwiseNode(x, scale, shift, label, offset, roundings);
    }

    /**
     * Scaling folded into weights makes them values a runtime computes in float32 (or evaluates as a
     * separate multiplication): three roundings more per output cover both. A pure bias shift adds none
     * (the bias is one more term of the dot product either way).
     */
    private static Dense folded(Dense d, int before, double[] scale) {
        return isOnes(scale) ? d.withExtraFloat32Roundings(before) : d.withExtraFloat32Roundings(before + 3);
    }

    private static Conv2d folded(Conv2d c, int before, double[] scale) {
        return isOnes(scale) ? c.withExtraFloat32Roundings(before) : c.withExtraFloat32Roundings(before + 3);
    }

    private static boolean isOnes(double[] v) {
        for (double x : v) {
            if (x != 1.0) {
                return false;
            }
        }
        return true;
    }

    Computed elementwiseNode(Computed x, double[] scale, double[] shift, String label, double[] offset, int roundings) {
        return values.node(new ElementwiseAffine(label, scale, shift, offset, roundings), x.dims(), x);
    }

    private static boolean nonZero(double[] v) {
        for (double x : v) {
            if (x == 0) {
                return false;
            }
        }
        return true;
    }

    /** The per-channel values when {@code v} is constant within each channel block, else null. */
    private static double[] perChannel(double[] v, int channels, int per) {
        double[] r = new double[channels];
        for (int c = 0; c < channels; c++) {
            r[c] = v[c * per];
            for (int i = 1; i < per; i++) {
                if (v[c * per + i] != r[c]) {
                    return null;
                }
            }
        }
        return r;
    }
}
