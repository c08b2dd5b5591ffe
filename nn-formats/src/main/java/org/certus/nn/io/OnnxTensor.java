package org.certus.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.certus.nn.NetworkException;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;

/**
 * A constant tensor seen by the ONNX importer: row-major values held as doubles whatever the file's
 * element type. Integers (shapes, axes, indices) fit exactly below 2^53, which is all the importer
 * uses them for.
 */
record OnnxTensor(long[] dims, double[] values) {

    OnnxTensor {
        dims = dims.clone();
        if (size(dims) != values.length) {
            throw new NetworkException("tensor of shape " + Arrays.toString(dims) + " needs " + size(dims) + " values, has " + values.length);
        }
    }

    /** A copy: shapes get edited by the shape ops. (Values are shared; callers clone before editing.) */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    static OnnxTensor scalar(double v) {
        return new OnnxTensor(new long[0], new double[] {v});
    }

    static OnnxTensor vector(long... v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return new OnnxTensor(new long[] {v.length}, d);
    }

    static long size(long[] dims) {
        long s = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new NetworkException("negative dimension in " + Arrays.toString(dims));
            }
            // Checked before multiplying: a product past 2^63 wrapped around to a negative size.
            if (d != 0 && s > Integer.MAX_VALUE / d) {
                throw new NetworkException("tensor of shape " + Arrays.toString(dims) + " is too large");
            }
            s *= d;
        }
        return s;
    }

    int rank() {
        return dims.length;
    }

    /** The values as integers (shapes, axes); throws when one is not integral. */
    long[] asLongs() {
        long[] r = new long[values.length];
        for (int i = 0; i < r.length; i++) {
            if (values[i] != Math.rint(values[i])) {
                throw new NetworkException("expected integer values, got " + values[i]);
            }
            r[i] = (long) values[i];
        }
        return r;
    }

    boolean allEqual(double v) {
        for (double x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /** Decodes an initializer or Constant value; only numeric types that Certus can use are accepted. */
    static OnnxTensor decode(TensorProto t) {
        String what = "tensor '" + t.getName() + "'";
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new NetworkException(what + " stores its data in an external file (data_location=EXTERNAL), which is not supported");
        }
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
        }
        int n = (int) size(dims);
        boolean raw = t.hasRawData();
        double[] v = new double[n];
        int type = t.getDataType();
        switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                if (raw) {
                    ByteBuffer b = rawBuffer(t, n, 4, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getFloat();
                    }
                } else {
                    requireCount(t.getFloatDataCount(), n, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                if (raw) {
                    ByteBuffer b = rawBuffer(t, n, 8, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getDouble();
                    }
                } else {
                    requireCount(t.getDoubleDataCount(), n, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getDoubleData(i);
                    }
                }
            }
            case TensorProto.DataType.INT64_VALUE -> {
                if (raw) {
                    ByteBuffer b = rawBuffer(t, n, 8, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getLong();
                    }
                } else {
                    requireCount(t.getInt64DataCount(), n, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
            }
            case TensorProto.DataType.INT32_VALUE -> {
                if (raw) {
                    ByteBuffer b = rawBuffer(t, n, 4, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getInt();
                    }
                } else {
                    requireCount(t.getInt32DataCount(), n, what);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt32Data(i);
                    }
                }
            }
            default -> throw new NetworkException(what + " has element type " + typeName(type)
                    + "; only FLOAT, DOUBLE, INT64 and INT32 tensors are supported");
        }
        return new OnnxTensor(dims, v);
    }

    static String typeName(int type) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
        return dt == null ? "#" + type : dt.name();
    }

    private static ByteBuffer rawBuffer(TensorProto t, int n, int width, String what) {
        int len = t.getRawData().size();
        if (len != (long) n * width) {
            throw new NetworkException(what + " has " + len + " bytes of raw_data, expected " + (long) n * width);
        }
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void requireCount(int have, int want, String what) {
        if (have != want) {
            throw new NetworkException(what + " has " + have + " values, its shape needs " + want);
        }
    }

    /** Numpy-style broadcast of two shapes; throws when they are incompatible. */
    static long[] broadcastDims(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new NetworkException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** This tensor's values broadcast to {@code target} (which must be a broadcast of this shape). */
    double[] broadcastTo(long[] target) {
        if (!Arrays.equals(broadcastDims(dims, target), target)) {
            throw new NetworkException("constant of shape " + Arrays.toString(dims) + " would enlarge a tensor of shape " + Arrays.toString(target));
        }
        int n = (int) size(target);
        int r = target.length;
        // Stride of each target axis in this tensor (0 where this tensor is broadcast).
        long[] stride = new long[r];
        long s = 1;
        for (int i = r - 1; i >= 0; i--) {
            int j = i - (r - dims.length);
            if (j >= 0) {
                stride[i] = dims[j] == 1 ? 0 : s;
                s *= dims[j];
            }
        }
        double[] out = new double[n];
        int[] idx = new int[r];
        for (int k = 0; k < n; k++) {
            long src = 0;
            for (int i = 0; i < r; i++) {
                src += idx[i] * stride[i];
            }
            out[k] = values[(int) src];
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < target[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return out;
    }

    OnnxTensor reshape(long[] newDims) {
        return new OnnxTensor(newDims, values);
    }

    OnnxTensor transpose(int[] perm) {
        int r = dims.length;
        long[] nd = new long[r];
        for (int i = 0; i < r; i++) {
            nd[i] = dims[perm[i]];
        }
        long[] inStride = new long[r];
        long s = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStride[i] = s;
            s *= dims[i];
        }
        double[] out = new double[values.length];
        int[] idx = new int[r];
        for (int k = 0; k < out.length; k++) {
            long src = 0;
            for (int i = 0; i < r; i++) {
                src += idx[i] * inStride[perm[i]];
            }
            out[k] = values[(int) src];
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < nd[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return new OnnxTensor(nd, out);
    }

    @Override
    public String toString() {
        return "OnnxTensor" + Arrays.toString(dims);
    }
}
