package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attrInt;
import static org.certus.nn.io.OnnxAttributes.normAxis;
import static org.certus.nn.io.OnnxAttributes.perm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.certus.nn.Add;
import org.certus.nn.Concat;
import org.certus.nn.Flatten;
import org.certus.nn.NetworkException;
import org.certus.nn.Reshape;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;

/**
 * Values that do not depend on the input, computed while converting: Constant nodes, the Shape operator, and
 * every operation whose inputs are all constants (folded eagerly, so Shape→Gather→Concat chains disappear).
 */
final class OnnxConstants {
    private OnnxConstants() {
    }

    static OnnxTensor constantNode(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return OnnxTensor.decode(a.getT());
                case "value_float":
                    return OnnxTensor.scalar(a.getF());
                case "value_int":
                    return OnnxTensor.scalar(a.getI());
                case "value_floats": {
                    double[] v = new double[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return new OnnxTensor(new long[] {v.length}, v);
                }
                case "value_ints": {
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getInts(i);
                    }
                    return OnnxTensor.vector(v);
                }
                default:
                    throw new NetworkException("Constant attribute '" + a.getName() + "' is not supported");
            }
        }
        throw new NetworkException("Constant node has no value");
    }

    static OnnxTensor shape(NodeProto n, long[] dims) {
        int r = dims.length;
        int start = (int) normAxis(attrInt(n, "start", 0), r + 1, true);
        int end = (int) normAxis(attrInt(n, "end", r), r + 1, true);
        return OnnxTensor.vector(Arrays.copyOfRange(dims, start, Math.max(start, end)));
    }

    static OnnxTensor fold(NodeProto n, OnnxValues values) {
        String op = n.getOpType();
        switch (op) {
            case "Identity", "Cast", "Dropout" -> {
                OnnxTensor t = values.constant(n, 0);
                if (op.equals("Cast")) {
                    long to = attrInt(n, "to", TensorProto.DataType.FLOAT_VALUE);
                    if (to != TensorProto.DataType.FLOAT_VALUE && to != TensorProto.DataType.DOUBLE_VALUE) {
                        double[] v = t.values().clone();
                        for (int i = 0; i < v.length; i++) {
                            v[i] = (long) v[i];
                        }
                        return new OnnxTensor(t.dims(), v);
                    }
                }
                return t;
            }
            case "Reshape" -> {
                OnnxTensor t = values.constant(n, 0);
                return t.reshape(OnnxDims.reshapeDims(t.dims(), values.constant(n, 1).asLongs()));
            }
            case "Flatten" -> {
                OnnxTensor t = values.constant(n, 0);
                return t.reshape(OnnxDims.flattenDims(t.dims(), attrInt(n, "axis", 1)));
            }
            case "Squeeze" -> {
                OnnxTensor t = values.constant(n, 0);
                return t.reshape(OnnxDims.squeezeDims(t.dims(), values.axes(n)));
            }
            case "Unsqueeze" -> {
                OnnxTensor t = values.constant(n, 0);
                return t.reshape(OnnxDims.unsqueezeDims(t.dims(), values.axes(n)));
            }
            case "Transpose" -> {
                OnnxTensor t = values.constant(n, 0);
                return t.transpose(perm(n, t.rank()));
            }
            case "Add", "Sub", "Mul", "Div" -> {
                OnnxTensor a = values.constant(n, 0), b = values.constant(n, 1);
                long[] d = OnnxTensor.broadcastDims(a.dims(), b.dims());
                double[] x = a.broadcastTo(d), y = b.broadcastTo(d);
                double[] r = new double[x.length];
                for (int i = 0; i < r.length; i++) {
                    r[i] = switch (op) {
                        case "Add" -> x[i] + y[i];
                        case "Sub" -> x[i] - y[i];
                        case "Mul" -> x[i] * y[i];
                        default -> x[i] / y[i];
                    };
                }
                return new OnnxTensor(d, r);
            }
            case "Neg" -> {
                OnnxTensor t = values.constant(n, 0);
                double[] v = t.values().clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
                return new OnnxTensor(t.dims(), v);
            }
            case "Gather" -> {
                return gather(values.constant(n, 0), values.constant(n, 1), attrInt(n, "axis", 0));
            }
            case "Concat" -> {
                List<OnnxTensor> parts = new ArrayList<>();
                for (int i = 0; i < n.getInputCount(); i++) {
                    if (values.hasInput(n, i)) {
                        parts.add(values.constant(n, i));
                    }
                }
                return concat(parts, attrInt(n, "axis", 0));
            }
            default -> throw new NetworkException("operator " + op + " is not supported (not even for constant folding)");
        }
    }

    static OnnxTensor gather(OnnxTensor data, OnnxTensor indices, long axisAttr) {
        int r = data.rank();
        int axis = (int) normAxis(axisAttr, r, false);
        long[] idx = indices.asLongs();
        long[] d = data.dims();
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= d[i];
        }
        for (int i = axis + 1; i < r; i++) {
            inner *= d[i];
        }
        long[] outDims = new long[r - 1 + indices.rank()];
        System.arraycopy(d, 0, outDims, 0, axis);
        System.arraycopy(indices.dims(), 0, outDims, axis, indices.rank());
        System.arraycopy(d, axis + 1, outDims, axis + indices.rank(), r - axis - 1);
        double[] out = new double[(int) OnnxTensor.size(outDims)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long ix : idx) {
                long j = ix < 0 ? ix + d[axis] : ix;
                if (j < 0 || j >= d[axis]) {
                    throw new NetworkException("Gather index " + ix + " is out of range for axis of size " + d[axis]);
                }
                for (long in = 0; in < inner; in++) {
                    out[k++] = data.values()[(int) ((o * d[axis] + j) * inner + in)];
                }
            }
        }
        return new OnnxTensor(outDims, out);
    }

    static OnnxTensor concat(List<OnnxTensor> parts, long axisAttr) {
        if (parts.isEmpty()) {
            throw new NetworkException("Concat has no inputs");
        }
        int r = parts.get(0).rank();
        int axis = (int) normAxis(axisAttr, r, false);
        long[] outDims = parts.get(0).dims().clone(); // the record hands out its own array
        outDims[axis] = 0;
        for (OnnxTensor p : parts) {
            long[] pd = p.dims();
            for (int i = 0; i < r; i++) {
                if (i != axis && pd[i] != outDims[i] || pd.length != r) {
                    throw new NetworkException("Concat inputs disagree in shape: " + Arrays.toString(pd) + " vs " + Arrays.toString(parts.get(0).dims()));
                }
            }
            outDims[axis] += pd[axis];
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= outDims[i];
        }
        double[] out = new double[(int) OnnxTensor.size(outDims)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (OnnxTensor p : parts) {
                int chunk = (int) (p.values().length / Math.max(outer, 1));
                System.arraycopy(p.values(), (int) (o * chunk), out, k, chunk);
                k += chunk;
            }
        }
        return new OnnxTensor(outDims, out);
    }
}
